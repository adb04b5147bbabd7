"""Accounts: sign-in, tokens, passwords, personal-data protection and retention, the API audit log."""
