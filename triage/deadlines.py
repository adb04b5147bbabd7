"""Sign-for and resolve-by deadlines from a case's severity, on a working-day calendar.

Sign-for deadlines are hours on the clock (an emergency does not wait for Monday); resolve-by
deadlines are days on a calendar:
- ``china`` (default): working days on the official calendar of public holidays and make-up working
  days from the ``chinesecalendar`` package, falling back to Monday–Friday for years it does not cover;
- ``weekdays``: Monday–Friday;
- ``calendar``: plain days.
Days are counted in China's time zone; results keep the start's time zone.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from triage.taxonomy import Taxonomy

LOCAL = ZoneInfo("Asia/Shanghai")
CALENDARS = ("china", "weekdays", "calendar")


def check_calendar(name: str) -> str:
    """Return name if it is a known calendar; raise ValueError otherwise."""
    if name not in CALENDARS:
        raise ValueError(f"calendar must be one of {CALENDARS}, not {name!r}")
    return name


def is_working_day(day: date, calendar: str = "china") -> bool:
    """Whether offices work on that day."""
    if calendar == "calendar":
        return True
    if calendar == "china":
        try:
            import chinese_calendar
            return chinese_calendar.is_workday(day)
        except (ImportError, NotImplementedError):  # not installed, or a year not published yet
            pass
    return day.weekday() < 5


def add_working_days(start: datetime, days: float, calendar: str = "china") -> datetime:
    """start plus days working days (whole days skip non-working ones; a fraction is clock time)."""
    check_calendar(calendar)
    local = start.astimezone(LOCAL)
    whole = int(days)
    rest = timedelta(days=days - whole)
    if calendar == "calendar":
        return (local + timedelta(days=whole) + rest).astimezone(start.tzinfo)
    current = local
    while whole > 0:
        current += timedelta(days=1)
        if is_working_day(current.date(), calendar):
            whole -= 1
    current += rest
    while not is_working_day(current.date(), calendar):  # a fraction must not end on a holiday
        current += timedelta(days=1)
    return current.astimezone(start.tzinfo)


def deadlines(taxonomy: Taxonomy, severity: int, start: datetime,
              calendar: str = "calendar") -> tuple[datetime, datetime]:
    """Return (sign_by, resolve_by) from start: sign-for in clock hours, resolve-by in days of calendar."""
    try:
        hours = taxonomy.deadlines["sign_hours"][int(severity)]
        days = taxonomy.deadlines["resolve_days"][int(severity)]
    except (KeyError, TypeError, ValueError):
        raise ValueError(f"severity must be 1..4, not {severity!r}") from None
    return start + timedelta(hours=hours), add_working_days(start, days, calendar)
