"""The intake benchmark: POST /api/v1/reports against a minimal one-insert Flask app."""
