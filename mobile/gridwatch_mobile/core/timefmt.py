"""Times as people read them: the server's ISO 8601 instants shown in the city's zone (CITY_TIMEZONE)."""
from datetime import datetime, timedelta, timezone, tzinfo

DEFAULT_ZONE = "Asia/Shanghai"
# Used only where the platform has no zone database (tzdata is bundled; this is a last resort).
FIXED_OFFSETS = {"Asia/Shanghai": 8, "Asia/Chongqing": 8, "Asia/Hong_Kong": 8, "Asia/Urumqi": 6, "UTC": 0}


def zone(name: str | None) -> tzinfo:
    """The named zone (IANA), falling back to a fixed offset, then to Beijing time."""
    name = name or DEFAULT_ZONE
    try:
        from zoneinfo import ZoneInfo
        return ZoneInfo(name)
    except Exception:  # ZoneInfoNotFoundError, or no zone data on the device
        hours = FIXED_OFFSETS.get(name, FIXED_OFFSETS[DEFAULT_ZONE])
        return timezone(timedelta(hours=hours), name)


def parse(value) -> datetime | None:
    """An aware datetime from an ISO 8601 string (a string without an offset is UTC), or None."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, (int, float)):
        moment = datetime.fromtimestamp(value, timezone.utc)
    elif isinstance(value, str) and value.strip():
        text = value.strip().replace("Z", "+00:00")
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return None
    else:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def local(value, zone_name: str | None = None) -> datetime | None:
    """The instant in the city's zone."""
    moment = parse(value)
    return moment.astimezone(zone(zone_name)) if moment else None


def when(value, zone_name: str | None = None, now=None) -> str:
    """``YYYY-MM-DD HH:MM`` in the city's zone ('' for no time); today's and this year's times are shorter."""
    moment = local(value, zone_name)
    if moment is None:
        return ""
    today = local(now or datetime.now(timezone.utc), zone_name)
    if moment.date() == today.date():
        return moment.strftime("%H:%M")
    if moment.year == today.year:
        return moment.strftime("%m-%d %H:%M")
    return moment.strftime("%Y-%m-%d %H:%M")


def full(value, zone_name: str | None = None) -> str:
    """``YYYY-MM-DD HH:MM`` in the city's zone, always with the date."""
    moment = local(value, zone_name)
    return moment.strftime("%Y-%m-%d %H:%M") if moment else ""
