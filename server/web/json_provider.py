"""The app's JSON: dates and times as ISO 8601 with their UTC offset everywhere, also inside nested dicts that no
schema formats (event data, plan tasks, suggestions), instead of Flask's default RFC 1123 (HTTP date) strings."""
from datetime import date, datetime, timezone
from typing import Any

from flask.json.provider import DefaultJSONProvider


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return (value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return DefaultJSONProvider.default(value)


class IsoJSONProvider(DefaultJSONProvider):
    """Flask's JSON provider with ISO 8601 dates (a naive datetime is taken as UTC, as the database stores it)."""

    default = staticmethod(_default)
    ensure_ascii = False
