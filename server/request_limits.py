"""Request limits: a small body limit for requests without files, and intake rate limits.

- Bodies that are not file uploads get a small size limit: only multipart forms may approach MAX_REQUEST_BYTES.
- New reports are rate-limited per signed-in account (``INTAKE_RATE_LIMIT_ACCOUNT``) and per client address
  (``INTAKE_RATE_LIMIT_ADDRESS``) with the app's Flask-Limiter (``server/ratelimit.py``): 429 in the one error
  shape with ``Retry-After``. A re-send of a report the account already sent (same ``client_uuid``) is neither
  refused nor counted, so a phone flushing its offline outbox is never turned away for what was already accepted.
"""
import logging
import uuid

from flask import Flask, current_app, g, request
from flask_limiter.util import get_remote_address

log = logging.getLogger(__name__)
INTAKE_ENDPOINTS = ("reports.create_report",)


def _limit_body() -> None:
    """Lower this request's limit unless it carries files (a 413 in the one error shape when over)."""
    if request.mimetype != "multipart/form-data":
        cfg = current_app.config
        request.max_content_length = min(cfg["MAX_BODY_BYTES"], cfg["MAX_CONTENT_LENGTH"] or cfg["MAX_BODY_BYTES"])


def init_request_limits(app: Flask) -> None:
    """Install the hook (MAX_BODY_BYTES, default 1 MiB)."""
    app.config.setdefault("MAX_BODY_BYTES", 1024 * 1024)
    app.before_request(_limit_body)


# --- intake rate limits ---------------------------------------------------------------------------------------

def _intake_user():
    """The account the bearer token belongs to, or None (the view then answers 401); looked up once."""
    if "intake_user" not in g:
        from .auth import _user_from_request
        from .errors import ApiError
        try:
            g.intake_user = g.get("user") or _user_from_request()
        except ApiError:
            g.intake_user = None
    return g.intake_user


def _address() -> str:
    return get_remote_address() or "unknown"


def _account_key() -> str:
    user = _intake_user()
    return f"user:{user.id}" if user is not None else "anonymous@" + _address()


def _client_uuid() -> str | None:
    """The request's client_uuid in the form the intake stores it, or None."""
    try:
        data = request.form if request.mimetype == "multipart/form-data" else request.get_json(silent=True)
        raw = data.get("client_uuid") if hasattr(data, "get") else None
        return str(uuid.UUID(raw)) if isinstance(raw, str) else None
    except Exception:  # noqa: BLE001 - an unreadable body is the view's to refuse
        return None


def is_resend() -> bool:
    """Whether this request repeats a report the same account already sent (not counted, never refused)."""
    if "intake_resend" not in g:
        from .extensions import db
        from .models import Report
        user, client_uuid = _intake_user(), _client_uuid()
        g.intake_resend = bool(user is not None and client_uuid is not None and db.session.execute(
            db.select(Report.id).where(Report.reporter_id == user.id, Report.client_uuid == client_uuid)).first())
    return g.intake_resend


def _unlimited(name: str):
    """Exempt when the setting is empty (no limit) or the request is a re-send."""
    return lambda: not current_app.config.get(name) or is_resend()


def _breach(limit) -> None:
    log.warning("intake throttled: %s %s for %s (%s)", request.method, request.path, limit.key, limit.limit)


def init_intake_limits(app: Flask) -> None:
    """Put the intake limits on the report intake views (call after ``init_ratelimit``)."""
    limiter = app.extensions.get("gridwatch_limiter")
    if limiter is None:
        return
    common = {"methods": ["POST"], "on_breach": _breach}
    per_account = limiter.shared_limit(
        lambda: current_app.config.get("INTAKE_RATE_LIMIT_ACCOUNT") or "1000000 per second", scope="intake-account",
        key_func=_account_key, exempt_when=_unlimited("INTAKE_RATE_LIMIT_ACCOUNT"),
        error_message="上报过于频繁，请稍后再试。Too many reports from this account; wait and try again.", **common)
    per_address = limiter.shared_limit(
        lambda: current_app.config.get("INTAKE_RATE_LIMIT_ADDRESS") or "1000000 per second", scope="intake-address",
        key_func=_address, exempt_when=_unlimited("INTAKE_RATE_LIMIT_ADDRESS"),
        error_message="此网络地址上报过于频繁，请稍后再试。Too many reports from this address; wait and try again.",
        **common)
    for endpoint in INTAKE_ENDPOINTS:
        if endpoint in app.view_functions:
            app.view_functions[endpoint] = per_address(per_account(app.view_functions[endpoint]))
