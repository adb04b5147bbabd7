"""One JSON error shape for every 4xx and 5xx: ``{code, message, errors}``."""
import logging

from flask import jsonify
from marshmallow import ValidationError
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


class ApiError(Exception):
    """An error answered to the client with a status, a code and a message."""

    def __init__(self, status: int, code: str, message: str, errors: dict | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.errors = status, code, message, errors or {}


def error_response(status: int, code: str, message: str, errors: dict | None = None):
    """Build the JSON error response."""
    response = jsonify({"code": code, "message": message, "errors": errors or {}})
    response.status_code = status
    return response


def _http_code(exc: HTTPException) -> str:
    """A snake_case code from a werkzeug exception name."""
    return (exc.name or "error").lower().replace(" ", "_").replace("'", "")


def register_error_handlers(app) -> None:
    """Install the handlers on the app."""

    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError):
        return error_response(exc.status, exc.code, exc.message, exc.errors)

    @app.errorhandler(ValidationError)
    def _validation(exc: ValidationError):
        errors = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
        return error_response(422, "validation_error", "The request has invalid fields.", errors)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        errors = {}
        data = getattr(exc, "data", None)  # webargs / flask-smorest put field messages here
        if data and isinstance(data.get("messages"), dict):
            errors = data["messages"]
            errors = {k: v for loc in errors.values() for k, v in (loc.items() if isinstance(loc, dict) else [])} \
                if all(isinstance(v, dict) for v in errors.values()) else errors
        message = exc.description or exc.name
        if exc.code == 413:
            message = "The request body is larger than the upload limit."
        return error_response(exc.code or 500, _http_code(exc), message, errors)

    @app.errorhandler(IntegrityError)
    def _integrity(exc):
        log.warning("integrity conflict: %s", exc.orig)
        from .extensions import db
        db.session.rollback()
        return error_response(409, "conflict", "The record was changed at the same time by another request; retry.")

    @app.errorhandler(DataError)
    @app.errorhandler(OverflowError)
    def _out_of_range(exc):
        # A value the database cannot hold (an id beyond INTEGER, a string too long): the request's fault.
        log.warning("value out of range for the database: %s", exc)
        from .extensions import db
        db.session.rollback()
        return error_response(422, "invalid_value", "A value in the request is out of range.")

    @app.errorhandler(OperationalError)
    @app.errorhandler(DBAPIError)
    def _database(exc):
        log.warning("database unavailable: %s", exc)
        from .extensions import db
        db.session.rollback()
        return error_response(503, "database_unavailable", "The database is unavailable; try again shortly.")

    @app.errorhandler(Exception)
    def _unexpected(exc):
        log.exception("unhandled error")
        return error_response(500, "internal_error", "Something went wrong on our side; it has been logged.")
