"""One JSON error shape for every 4xx and 5xx: ``{code, message, errors}``.

``describe`` decides how any exception is answered (status, code, message, field errors); the API's handlers
below and Open311's (which writes the same answer in its own XML/JSON shape) both use it, so that a class of
failure (the database down, a value it cannot hold, a field the client got wrong) is answered alike everywhere.
"""
import logging
from dataclasses import dataclass, field

from flask import jsonify, request
from marshmallow import ValidationError
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError, StatementError
from werkzeug.exceptions import HTTPException

from server.errors import DomainError, Invalid
from server.extensions import db
from server.web.i18n import request_lang, translate_answer

log = logging.getLogger(__name__)


class ApiError(DomainError):
    """An error of the HTTP layer answered with a given status, code and message (services raise the domain errors
    of ``server.errors``, answered alike)."""

    def __init__(self, status: int, code: str, message: str, errors: dict | None = None,
                 retry_after: int | None = None):
        super().__init__(message, errors, code)
        self.status, self.retry_after = status, retry_after  # seconds, answered as Retry-After


@dataclass
class Answer:
    """How an error is answered."""

    status: int
    code: str
    message: str
    errors: dict = field(default_factory=dict)
    message_zh: str | None = None


def error_response(status: int, code: str, message: str, errors: dict | None = None, message_zh: str | None = None):
    """Build the JSON error response: the message and field messages in the caller's language (``Accept-Language``;
    Chinese by default: ``message_zh`` when the error has it), the code as it is."""
    lang = request_lang()
    message, errors = translate_answer(status, code, message, errors or {}, lang)
    message = message_zh if message_zh and lang == "zh" else message
    response = jsonify({"code": code, "message": message, "errors": errors})
    response.status_code = status
    response.vary.add("Accept-Language")
    return response


def _http_code(exc: HTTPException) -> str:
    """A snake_case code from a werkzeug exception name."""
    return (exc.name or "error").lower().replace(" ", "_").replace("'", "")


def _http(exc: HTTPException) -> Answer:
    errors = {}
    data = getattr(exc, "data", None)  # webargs / flask-smorest put field messages here
    if data and isinstance(data.get("messages"), dict):
        errors = data["messages"]
        errors = {k: v for loc in errors.values() for k, v in (loc.items() if isinstance(loc, dict) else [])} \
            if all(isinstance(v, dict) for v in errors.values()) else errors
    message = exc.description or exc.name
    if exc.code == 413:
        message = "The request body is larger than the upload limit."
    return Answer(exc.code or 500, _http_code(exc), message, errors)


def _rollback() -> None:
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the connection may be gone; the pool replaces it
        log.warning("rollback failed", exc_info=True)


OUT_OF_RANGE = ("invalid_value", "A value in the request is out of range.")


def describe(exc: BaseException) -> Answer | None:
    """The answer to an exception, or None when it is unexpected (a server error to log).

    Database problems roll the session back: a conflict is a 409, a value the database cannot hold (an id beyond
    INTEGER, a NUL character, a date it cannot convert) a 422, the database unreachable a 503.
    """
    if isinstance(exc, ValidationError):  # marshmallow's refusal is the domain's Invalid, answered alike
        exc = Invalid(errors=exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages})
    if isinstance(exc, DomainError):  # the domain's refusals and the API's own (ApiError)
        return Answer(exc.status, exc.code, exc.message, exc.errors, exc.message_zh)
    if isinstance(exc, HTTPException):
        return _http(exc)
    if isinstance(exc, IntegrityError):
        log.warning("integrity conflict: %s", exc.orig)
        _rollback()
        return Answer(409, "conflict", "The record was changed at the same time by another request; retry.")
    if isinstance(exc, (DataError, OverflowError, UnicodeEncodeError)) or (
            isinstance(exc, StatementError) and not isinstance(exc, DBAPIError)
            and isinstance(exc.orig, (OverflowError, ValueError, UnicodeEncodeError))):
        # The request's fault: a value the database (or its driver) cannot hold.
        log.warning("value out of range for the database: %s", exc)
        _rollback()
        return Answer(422, *OUT_OF_RANGE)
    if isinstance(exc, (OperationalError, DBAPIError)):
        log.warning("database unavailable: %s", exc)
        _rollback()
        return Answer(503, "database_unavailable", "The database is unavailable; try again shortly.")
    return None


def retry_after(exc: Exception) -> str | None:
    """When to ask again, as the ``Retry-After`` header says it, for an error that knows (a 429 or 503)."""
    if isinstance(exc, HTTPException):
        return next((v for k, v in exc.get_headers() if k.lower() == "retry-after"), None)
    wait = getattr(exc, "retry_after", None)
    return str(wait) if wait else None


def answer_under(app, prefix: str, render) -> None:
    """Errors of requests under ``prefix`` are answered by ``render(exc)`` (an interface with its own error shape,
    like Open311), also when no route matched the path."""
    app.extensions.setdefault("gridwatch_error_renderers", {})[prefix] = render


def register_error_handlers(app) -> None:
    """Install the handlers on the app."""

    def _answer(exc):
        for prefix, render in app.extensions.get("gridwatch_error_renderers", {}).items():
            if request.path.startswith(prefix):
                return render(exc)
        answer = describe(exc)
        if answer is None:
            log.exception("unhandled error")
            return error_response(500, "internal_error", "Something went wrong on our side; it has been logged.")
        response = error_response(answer.status, answer.code, answer.message, answer.errors, answer.message_zh)
        wait = retry_after(exc)
        if wait:
            response.headers["Retry-After"] = wait
        return response

    for kind in (DomainError, ValidationError, HTTPException, IntegrityError, DataError, OverflowError,
                 UnicodeEncodeError, StatementError, Exception):
        app.register_error_handler(kind, _answer)
