"""Working-day deadlines on China's calendar (holidays and make-up working days)."""
from datetime import datetime, timezone

import pytest

from server.cases.deadlines import add_working_days, case_deadlines, is_working_day
from server.metrics.service import period_bounds
from triage.taxonomy import Taxonomy

UTC = timezone.utc


def test_national_day_holidays_and_the_make_up_saturday():
    start = datetime(2026, 9, 30, 2, 0, tzinfo=UTC)  # 10:00 in Beijing, the day before 国庆
    assert add_working_days(start, 1, "china") == datetime(2026, 10, 8, 2, 0, tzinfo=UTC)
    assert is_working_day(datetime(2026, 10, 10).date(), "china")  # 调休 Saturday
    assert not is_working_day(datetime(2026, 10, 10).date(), "weekdays")
    assert add_working_days(start, 1, "calendar") == datetime(2026, 10, 1, 2, 0, tzinfo=UTC)


def test_years_without_published_holidays_fall_back_to_weekdays():
    assert add_working_days(datetime(2099, 1, 2, 2, tzinfo=UTC), 1, "china") == datetime(2099, 1, 5, 2, tzinfo=UTC)


def test_a_day_is_counted_in_beijing_time():
    friday_evening = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)  # Saturday 23:00 in Beijing
    assert add_working_days(friday_evening, 1, "weekdays") == datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


def test_sign_in_clock_hours_resolve_in_working_days():
    taxonomy = Taxonomy((), (), {}, {"sign_hours": {1: 1, 4: 4}, "resolve_days": {1: 1, 4: 15}}, {})
    start = datetime(2026, 9, 30, 2, 0, tzinfo=UTC)
    sign_by, resolve_by = case_deadlines(taxonomy, 1, start)
    assert sign_by == datetime(2026, 9, 30, 3, 0, tzinfo=UTC) and resolve_by.date().isoformat() == "2026-10-08"
    with pytest.raises(ValueError):
        case_deadlines(taxonomy, 7, start)


def test_periods_are_months_in_china_time():
    start, end = period_bounds("2026-12")
    assert start.astimezone(UTC) == datetime(2026, 11, 30, 16, tzinfo=UTC)
    assert end.astimezone(UTC) == datetime(2026, 12, 31, 16, tzinfo=UTC)
    with pytest.raises(ValueError):
        period_bounds("2026-1")
