"""Bodies that are not file uploads get a small size limit: only multipart forms may approach MAX_REQUEST_BYTES."""
from flask import Flask, current_app, request


def _limit_body() -> None:
    """Lower this request's limit unless it carries files (a 413 in the one error shape when over)."""
    if request.mimetype != "multipart/form-data":
        cfg = current_app.config
        request.max_content_length = min(cfg["MAX_BODY_BYTES"], cfg["MAX_CONTENT_LENGTH"] or cfg["MAX_BODY_BYTES"])


def init_request_limits(app: Flask) -> None:
    """Install the hook (MAX_BODY_BYTES, default 1 MiB)."""
    app.config.setdefault("MAX_BODY_BYTES", 1024 * 1024)
    app.before_request(_limit_body)
