"""Department rates from plain assignment facts (no database)."""
from datetime import datetime, timedelta, timezone

import pytest

from triage.metrics import Assignment, department_rates, format_table, period_bounds

T0 = datetime(2026, 11, 2, 1, 0, tzinfo=timezone.utc)


def _a(dept, role="lead", signed_h=1.0, sign_by_h=4.0, closed=True, feedback_h=24.0, resolve_by_h=72.0, ratings=()):
    return Assignment(department=dept, role=role, assigned_at=T0,
                      signed_at=T0 + timedelta(hours=signed_h) if signed_h is not None else None,
                      sign_by=T0 + timedelta(hours=sign_by_h), closed=closed,
                      feedback_at=T0 + timedelta(hours=feedback_h) if feedback_h is not None else None,
                      resolve_by=T0 + timedelta(hours=resolve_by_h), ratings=tuple(ratings))


def test_rates_count_what_the_assessment_rules_say():
    rows = department_rates([
        _a("GAS", ratings=["satisfied"]),
        _a("GAS", signed_h=6, feedback_h=100, ratings=["dissatisfied"]),  # late sign, late, unhappy
        _a("GAS", signed_h=None, closed=False, feedback_h=None),  # never signed
        _a("GAS", role="assist", signed_h=2),  # assisting: counts for response only
        _a("FIRE", ratings=["basically_satisfied"]),
    ], "2026-11")
    gas = next(r for r in rows if r["department"] == "GAS")
    assert (gas["assigned"], gas["lead"], gas["signed"], gas["signed_in_time"]) == (4, 3, 3, 2)
    assert gas["response_rate"] == 0.5 and gas["resolution_rate"] == round(1 / 3, 4)
    assert gas["satisfaction_rate"] == 0.5 and gas["on_time_rate"] == 0.5
    assert gas["mean_hours_to_sign"] == 3.0 and gas["mean_hours_to_resolve"] == 62.0
    fire = next(r for r in rows if r["department"] == "FIRE")
    assert fire["score"] == 100.0 and fire["rank"] == 1 and gas["rank"] == 2 and gas["score"] < 100
    assert "GAS" in format_table(rows) and "50.0%" in format_table(rows)


def test_an_assisting_unit_is_scored_on_response_alone():
    rows = department_rates([_a("WATER", role="assist", signed_h=None), _a("GAS")])
    assert [r["department"] for r in rows] == ["GAS", "WATER"]
    water = rows[1]
    assert water["response_rate"] == 0.0 and water["score"] == 0.0
    assert water["resolution_rate"] is None and water["satisfaction_rate"] is None


def test_period_is_a_month_in_china_time():
    start, end = period_bounds("2026-12")
    assert start.isoformat() == "2026-12-01T00:00:00+08:00" and end.isoformat() == "2027-01-01T00:00:00+08:00"
    with pytest.raises(ValueError):
        period_bounds("2026-13")
