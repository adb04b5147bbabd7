"""Deadlines in working days on China's calendar (public holidays and make-up working days).

Sign-for deadlines are hours on the clock (an emergency does not wait for Monday); resolve-by
deadlines are working days counted on the ``chinesecalendar`` package's official calendar, falling
back to Monday–Friday for years it does not cover yet. ``CASE_DEADLINE_CALENDAR`` = ``china``
(default), ``weekdays`` or ``calendar`` (plain days).
"""
import logging
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

from triage.taxonomy import Taxonomy

log = logging.getLogger(__name__)
LOCAL = ZoneInfo("Asia/Shanghai")
CALENDARS = ("china", "weekdays", "calendar")


def _calendar_name() -> str:
    """The configured calendar."""
    name = current_app.config.get("CASE_DEADLINE_CALENDAR", "china") if has_app_context() else "china"
    if name not in CALENDARS:
        raise ValueError(f"CASE_DEADLINE_CALENDAR must be one of {CALENDARS}, not {name!r}")
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


def add_working_days(start: datetime, days: float, calendar: str | None = None) -> datetime:
    """start plus days working days (whole days skip non-working ones; a fraction is clock time)."""
    calendar = calendar or _calendar_name()
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


def case_deadlines(taxonomy: Taxonomy, severity: int, start: datetime) -> tuple[datetime, datetime]:
    """(sign_by, resolve_by) for a case dispatched at start: sign in clock hours, resolve in working days."""
    try:
        hours = taxonomy.deadlines["sign_hours"][int(severity)]
        days = taxonomy.deadlines["resolve_days"][int(severity)]
    except (KeyError, TypeError, ValueError):
        raise ValueError(f"severity must be 1..4, not {severity!r}") from None
    return start + timedelta(hours=hours), add_working_days(start, days)
