"""Sign-for and resolve-by deadlines from a case's severity."""

from datetime import datetime, timedelta

from triage.taxonomy import Taxonomy


def deadlines(taxonomy: Taxonomy, severity: int, start: datetime) -> tuple[datetime, datetime]:
    """Return (sign_by, resolve_by) counted from start (its time zone is kept)."""
    try:
        hours = taxonomy.deadlines["sign_hours"][int(severity)]
        days = taxonomy.deadlines["resolve_days"][int(severity)]
    except (KeyError, TypeError, ValueError):
        raise ValueError(f"severity must be 1..4, not {severity!r}") from None
    return start + timedelta(hours=hours), start + timedelta(days=days)
