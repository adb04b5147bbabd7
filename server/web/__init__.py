"""HTTP plumbing: the JSON error shape, security headers, request checks and limits, JSON encoding, gunicorn."""

API_PREFIX = "/api/v1"  # where the REST API is mounted (create_app) and what links into it start with
