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
