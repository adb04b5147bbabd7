"""Tests for triage.deadlines."""

from datetime import datetime, timedelta, timezone

import pytest

from triage.deadlines import deadlines
from triage.taxonomy import load_default

START = datetime(2025, 6, 1, 9, 30, tzinfo=timezone(timedelta(hours=8)))


@pytest.mark.parametrize("level, hours, days", [(1, 1, 1), (2, 4, 3), (3, 4, 7), (4, 4, 15)])
def test_deadlines_by_level(level, hours, days):
    sign_by, resolve_by = deadlines(load_default(), level, START)
    assert sign_by == START + timedelta(hours=hours)
    assert resolve_by == START + timedelta(days=days)
    assert sign_by.tzinfo is START.tzinfo


@pytest.mark.parametrize("bad", [0, 5, None, "x"])
def test_invalid_severity(bad):
    with pytest.raises(ValueError):
        deadlines(load_default(), bad, START)


def test_resolve_by_in_working_days_skips_china_public_holidays():
    """1 October 2025 starts the National Day week; 11 October is a make-up working day (Saturday)."""
    start = datetime(2025, 9, 30, 10, 0, tzinfo=timezone.utc)
    _, resolve_by = deadlines(load_default(), 2, start, calendar="china")  # 3 working days
    assert resolve_by.date().isoformat() == "2025-10-11" and resolve_by.tzinfo is timezone.utc
    _, plain = deadlines(load_default(), 2, start, calendar="weekdays")
    assert plain.date().isoformat() == "2025-10-03"


def test_unknown_calendar_is_refused():
    with pytest.raises(ValueError):
        deadlines(load_default(), 2, START, calendar="lunar")
