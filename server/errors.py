"""Domain errors: what services raise when a request cannot be done; the API and the admin each answer them.

Each has an HTTP-like ``status`` and a ``code`` so that the API's JSON answer (``server.web.errors``) and the admin's
flashed message (``admin.actions.error_text``) stay what they were; ``errors`` holds field messages (Chinese reasons
under the field's name). Nothing here knows Flask.
"""


class DomainError(Exception):
    """A request the domain refuses: a message, field errors, and the code clients branch on."""

    status = 400
    code = "bad_request"

    message_zh: str | None = None  # the message in Chinese, when the raiser has it (else the API's catalogue)

    def __init__(self, message: str, errors: dict | None = None, code: str | None = None):
        super().__init__(message)
        self.message, self.errors = message, errors or {}
        if code is not None:
            self.code = code


class Invalid(DomainError):
    """A value the request sent cannot be used (422)."""

    status, code = 422, "validation_error"

    def __init__(self, message: str = "The request has invalid fields.", errors: dict | None = None,
                 code: str | None = None):
        super().__init__(message, errors, code)


class NotFound(DomainError):
    """No such thing that the caller may see (404)."""

    status, code = 404, "not_found"


class Forbidden(DomainError):
    """The caller's role, department or grid may not do this (403)."""

    status, code = 403, "forbidden"


class InvalidTransition(DomainError):
    """The case's state does not allow this step now (409)."""

    status, code = 409, "invalid_transition"


class Conflict(DomainError):
    """The request clashes with what is already recorded (409; ``code`` says which clash)."""

    status, code = 409, "conflict"


class TooLarge(DomainError):
    """An upload beyond its limit (413)."""

    status, code = 413, "payload_too_large"


def refused_upload(status: int, code: str, message: str, field: str) -> DomainError:
    """An upload the media checks refused (413 when too large, else 422), under its form field."""
    return (TooLarge if status == 413 else Invalid)(message, {field: [message]}, code=code)
