"""Request limits: a small body limit for requests without files, and intake rate limits.

- Bodies that are not file uploads get a small size limit: only multipart forms may approach MAX_REQUEST_BYTES.
- New reports (``POST /api/v1/reports`` and Open311's ``POST /open311/v2/requests``) are rate-limited per account
  (the signed-in user, or the Open311 API key: ``INTAKE_RATE_LIMIT_ACCOUNT``) and per client address
  (``INTAKE_RATE_LIMIT_ADDRESS``) on the app's rate-limit storage (``server/web/throttle.py``): 429 with
  ``Retry-After`` in the API's (or Open311's) error shape. A re-send of a report the account already sent (same
  ``client_uuid``, or Open311 id) is neither refused nor counted, so a phone flushing its offline outbox is never
  turned away for what was already accepted.
"""
import logging
import uuid
from functools import wraps

from flask import Flask, current_app, g, request
from flask_limiter.util import get_remote_address
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import TooManyRequests

from server.extensions import db
from server.models import ApiKey
from server.accounts.security import token_hash
from server.accounts.auth import prove_identity
from server.web import throttle
from server.web.errors import ApiError
from server.open311.requests import NAMESPACE
from server.models import Report

log = logging.getLogger(__name__)
INTAKE_ENDPOINTS = ("reports.create_report", "open311.create")


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

def _body_field(name: str):
    """A field of the JSON or form body (None when absent or unreadable: the view refuses such bodies)."""
    try:
        data = request.form if request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded") \
            else request.get_json(silent=True)
        return data.get(name) if hasattr(data, "get") else None
    except Exception:  # noqa: BLE001
        return None


def _canonical_uuid(raw) -> str | None:
    """A UUID in the form the schemas load it, or None."""
    try:
        return str(uuid.UUID(raw)) if isinstance(raw, str) else None
    except ValueError:
        return None


def _sender() -> tuple[str | None, int | None, str | None]:
    """Who sends (the counter key), the reporter account the report is stored under, and the client_uuid a re-send
    would carry; (None, None, None) when the request carries no valid credentials (the view answers 401/403)."""
    if "intake_sender" in g:
        return g.intake_sender
    try:
        sender = _read_sender()
    except SQLAlchemyError as exc:  # the database is down: the view itself answers 503
        log.info("intake limits could not read the sender: %s", exc.__class__.__name__)
        _forget_failed_transaction()
        sender = (None, None, None)
    g.intake_sender = sender
    return sender


def _forget_failed_transaction() -> None:
    try:
        db.session.rollback()
    except SQLAlchemyError:
        pass


def _read_sender() -> tuple[str | None, int | None, str | None]:
    sender = (None, None, None)
    if request.blueprint == "open311":
        raw = request.args.get("api_key") or _body_field("api_key")
        key = db.session.execute(db.select(ApiKey).where(ApiKey.key_hash == token_hash(raw.strip()))
                                 ).scalar_one_or_none() if isinstance(raw, str) and raw.strip() else None
        if key is not None and key.revoked_at is None:
            own = _canonical_uuid(_body_field("client_uuid")) or request.headers.get("Idempotency-Key")
            derived = str(uuid.uuid5(NAMESPACE, f"{key.id}:{own}")) if own else None  # as the intake derives it
            sender = (f"apikey:{key.id}", key.user_id, derived)
    else:
        try:  # a cached identity is proven first: a revoked token never counts against its account
            user = prove_identity()
        except ApiError:
            user = None
        if user is not None:
            sender = (f"user:{user.id}", user.id, _canonical_uuid(_body_field("client_uuid")))
    return sender


def _address() -> str:
    return get_remote_address() or "unknown"


def _account_key() -> str:
    return _sender()[0] or "anonymous@" + _address()


def is_resend() -> bool:
    """Whether this request repeats a report the same account already sent (not counted, never refused)."""
    if "intake_resend" not in g:
        _, reporter_id, client_uuid = _sender()
        try:
            g.intake_resend = bool(reporter_id is not None and client_uuid is not None and db.session.execute(
                db.select(Report.id).where(Report.reporter_id == reporter_id, Report.client_uuid == client_uuid)
            ).first())
        except SQLAlchemyError as exc:  # the database is down: not a known re-send; the view answers 503
            log.info("intake limits could not look for a re-send: %s", exc.__class__.__name__)
            _forget_failed_transaction()
            g.intake_resend = False
    return g.intake_resend


# (setting, counter scope, key of the sender, refusal): the address is counted first, then the account.
_INTAKE_LIMITS = (
    ("INTAKE_RATE_LIMIT_ADDRESS", "intake-address", _address,
     "Too many reports from this address; wait and try again."),
    ("INTAKE_RATE_LIMIT_ACCOUNT", "intake-account", _account_key,
     "Too many reports from this account; wait and try again."),
)


def count_intake() -> None:
    """Count a new report against the intake limits; 429 with ``Retry-After`` when one is reached. A re-send of an
    accepted report is neither counted nor refused; an empty setting is no limit and costs nothing."""
    cfg = current_app.config
    for setting, scope, key, message in _INTAKE_LIMITS:
        rate = cfg.get(setting)
        if not rate or is_resend():
            continue
        wait = throttle.hit(scope, rate, key())
        if wait is not None:
            log.warning("intake throttled: %s %s for %s (%s)", request.method, request.path, key(), rate)
            raise TooManyRequests(message, retry_after=wait)


def _intake_limited(view):
    @wraps(view)
    def limited(*args, **kwargs):
        if request.method == "POST":
            count_intake()
        return view(*args, **kwargs)
    return limited


def init_intake_limits(app: Flask) -> None:
    """Put the intake limits on the report intake views, counted by :func:`count_intake` instead of Flask-Limiter's
    per-request machinery, which runs only on the sign-in views (call after ``init_ratelimit``)."""
    if app.extensions.get("gridwatch_limiter") is None:
        return
    for endpoint in INTAKE_ENDPOINTS:
        if endpoint in app.view_functions:
            app.view_functions[endpoint] = _intake_limited(app.view_functions[endpoint])
