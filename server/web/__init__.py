"""HTTP plumbing: the JSON error shape, security headers, request checks and limits, JSON encoding, gunicorn."""
