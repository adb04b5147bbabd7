"""The one error type the media package raises for rejected uploads."""

from __future__ import annotations


class MediaError(Exception):
    """An upload was rejected; carries an HTTP status, a short code and an English message."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None) -> None:
        """Store the status (413 or 422), code, message and optional form field name."""
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field

    def to_dict(self) -> dict:
        """A JSON-ready description of the error."""
        return {"code": self.code, "message": self.message, "field": self.field}

    def __repr__(self) -> str:
        """Show status, code and field for debugging."""
        return f"MediaError({self.status}, {self.code!r}, field={self.field!r})"


def too_large(what: str, size: int, max_bytes: int) -> MediaError:
    """A 413 error for a file over its byte limit."""
    return MediaError(
        413,
        "too_large",
        f"The {what} is {_mb(size)}, which is over the {_mb(max_bytes)} limit.",
    )


def empty_file(what: str) -> MediaError:
    """A 422 error for a zero-byte upload."""
    return MediaError(422, "empty_file", f"The {what} is empty (0 bytes).")


def _mb(n: int) -> str:
    """A byte count as a short human-readable size."""
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} KB" if n >= 1024 else f"{n} bytes"
    return f"{n / (1024 * 1024):.1f} MB"
