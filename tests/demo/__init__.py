"""Tests of the demo city: its data files, accounts, history and landing page."""
