"""Case deadlines on the configured calendar (``CASE_DEADLINE_CALENDAR``: china, weekdays or calendar).

The calendar arithmetic is triage's (``triage.deadlines``); this module only reads the setting.
"""
from datetime import datetime

from flask import current_app, has_app_context

from triage import deadlines as calendar_rules
from triage.deadlines import CALENDARS, LOCAL, is_working_day
from triage.taxonomy import Taxonomy

__all__ = ["CALENDARS", "LOCAL", "add_working_days", "case_deadlines", "is_working_day"]


def _calendar_name() -> str:
    """The configured calendar (china unless set)."""
    name = current_app.config["CASE_DEADLINE_CALENDAR"] if has_app_context() else "china"
    try:
        return calendar_rules.check_calendar(name)
    except ValueError:
        raise ValueError(f"CASE_DEADLINE_CALENDAR must be one of {CALENDARS}, not {name!r}") from None


def add_working_days(start: datetime, days: float, calendar: str | None = None) -> datetime:
    """start plus days working days on the configured calendar (or the one given)."""
    return calendar_rules.add_working_days(start, days, calendar or _calendar_name())


def case_deadlines(taxonomy: Taxonomy, severity: int, start: datetime) -> tuple[datetime, datetime]:
    """(sign_by, resolve_by) for a case dispatched at start: sign in clock hours, resolve in working days."""
    return calendar_rules.deadlines(taxonomy, severity, start, _calendar_name())
