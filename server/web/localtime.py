"""Times as people read them: an aware UTC datetime in the city's zone (``CITY_TIMEZONE``), in the formats of the
admin pages, the exports and the notification texts. The API keeps ISO 8601 with an offset (server.web.json_provider)."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

DEFAULT_ZONE = "Asia/Shanghai"
MINUTES = "%Y-%m-%d %H:%M"
SECONDS = "%Y-%m-%d %H:%M:%S"
XLSX_FORMAT = "yyyy-mm-dd hh:mm:ss"  # a number format: XLSX dates carry no zone, they are the city's
# (Chinese, English) names of zones people know by a city's name; any other zone is named by its key
ZONE_NAMES = {"Asia/Shanghai": ("北京时间", "Beijing time"), "Asia/Urumqi": ("乌鲁木齐时间", "Urumqi time"),
              "Asia/Hong_Kong": ("香港时间", "Hong Kong time"), "Asia/Macau": ("澳门时间", "Macau time"),
              "Asia/Taipei": ("台北时间", "Taipei time")}


def city_zone() -> ZoneInfo:
    """The configured ``CITY_TIMEZONE`` (Asia/Shanghai outside an app)."""
    return ZoneInfo(current_app.config["CITY_TIMEZONE"] if has_app_context() else DEFAULT_ZONE)


def parse(value: datetime | str | None) -> datetime | None:
    """A datetime, or ISO 8601 text (``Z`` allowed), as an aware datetime; a naive value is taken as UTC."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)


def to_city(value: datetime | str | None) -> datetime | None:
    """The moment in the city's zone (aware)."""
    found = parse(value)
    return found.astimezone(city_zone()) if found is not None else None


def naive_city(value: datetime | str | None) -> datetime | None:
    """The city's wall-clock time without a zone (for XLSX cells, which have none)."""
    found = to_city(value)
    return found.replace(tzinfo=None) if found is not None else None


def format_city(value: datetime | str | None, fmt: str = MINUTES, empty: str = "—") -> str:
    """The moment as people read it, e.g. ``2026-12-03 16:18``; ``empty`` when there is none."""
    found = to_city(value)
    return found.strftime(fmt) if found is not None else empty


def zone_name(lang: str = "zh") -> str:
    """The zone's name in a header or a note: 北京时间 / Beijing time, or the zone's key."""
    key = city_zone().key
    names = ZONE_NAMES.get(key)
    if names is None:
        return f"{key} 时间" if lang == "zh" else f"{key} time"
    return names[0] if lang == "zh" else names[1]
