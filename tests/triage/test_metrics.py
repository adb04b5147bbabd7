"""Department rates over what was due in the period, from plain assignment facts (no database)."""
from datetime import datetime, timedelta, timezone

import pytest

from triage.metrics import Assignment, department_rates, due_at, format_table, period_bounds

T0 = datetime(2026, 11, 2, 1, 0, tzinfo=timezone.utc)  # 2026-11-02 09:00 in China
NOW = datetime(2026, 12, 20, tzinfo=timezone.utc)  # long after: everything of November has fallen due


def _h(hours):
    return None if hours is None else T0 + timedelta(hours=hours)


def _a(dept, role="lead", signed_h=1.0, sign_by_h=4.0, closed_h=30.0, feedback_h=24.0, resolve_by_h=72.0,
       ratings=(), disputed=False, assigned_h=0.0):
    return Assignment(department=dept, role=role, assigned_at=_h(assigned_h), signed_at=_h(signed_h),
                      sign_by=_h(sign_by_h), closed_at=_h(closed_h), feedback_at=_h(feedback_h),
                      resolve_by=_h(resolve_by_h), disputed=disputed,
                      ratings=tuple((r, _h(40)) for r in ratings))


def _row(rows, dept):
    return next(r for r in rows if r["department"] == dept)


def test_rates_count_what_the_assessment_rules_say():
    rows = department_rates([
        _a("GAS", ratings=["satisfied"]),
        _a("GAS", signed_h=6, feedback_h=100, closed_h=101, ratings=["dissatisfied"], disputed=True),  # late, unhappy
        _a("GAS", signed_h=None, closed_h=None, feedback_h=None),  # never signed, never handled: both deadlines passed
        _a("GAS", role="assist", signed_h=2),  # assisting: counts for response only
        _a("FIRE", ratings=["basically_satisfied"]),
    ], "2026-11", now=NOW)
    gas = _row(rows, "GAS")
    assert (gas["assigned"], gas["lead"], gas["sign_due"], gas["signed"], gas["signed_in_time"]) == (4, 3, 4, 3, 2)
    assert (gas["resolve_due"], gas["closed"], gas["resolved"], gas["on_time"]) == (3, 2, 1, 1)
    assert gas["response_rate"] == 0.5 and gas["resolution_rate"] == round(1 / 3, 4)
    assert gas["satisfaction_rate"] == 0.5 and gas["on_time_rate"] == round(1 / 3, 4)
    assert gas["mean_hours_to_sign"] == 3.0 and gas["mean_hours_to_resolve"] == 62.0
    fire = _row(rows, "FIRE")
    assert fire["score"] == 100.0 and fire["rank"] == 1 and gas["rank"] == 2 and gas["score"] < 100
    table = format_table(rows)
    assert "GAS" in table and "50.0%" in table


def test_what_is_not_yet_due_is_no_failure():
    now = T0 + timedelta(hours=2)  # signing due at +4 h, resolving at +72 h: neither deadline has passed
    rows = department_rates([
        _a("GAS", signed_h=None, closed_h=None, feedback_h=None),  # waiting to be signed, in time still
        _a("GAS", signed_h=1, closed_h=None, feedback_h=None),  # signed, being handled
    ], "2026-11", now=now)
    gas = _row(rows, "GAS")
    assert gas["assigned"] == 2 and gas["sign_due"] == 1 and gas["response_rate"] == 1.0
    assert gas["resolve_due"] == 0 and gas["resolution_rate"] is None and gas["on_time_rate"] is None
    later = _row(department_rates([_a("GAS", signed_h=None, closed_h=None, feedback_h=None)], "2026-11",
                                  now=T0 + timedelta(hours=5)), "GAS")
    assert later["sign_due"] == 1 and later["response_rate"] == 0.0  # the deadline has passed: now it counts


def test_each_step_counts_in_the_period_it_fell_due():
    end = datetime(2026, 11, 30, 16, 0, tzinfo=timezone.utc)  # 2026-12-01 00:00 in China
    assigned = (end - T0).total_seconds() / 3600 - 10  # ten hours before the month ends
    late = _a("GAS", assigned_h=assigned, sign_by_h=assigned + 4, signed_h=assigned + 20,  # signed in December
              resolve_by_h=assigned + 72, feedback_h=assigned + 30, closed_h=assigned + 40)
    november = _row(department_rates([late], "2026-11", now=NOW), "GAS")
    december = _row(department_rates([late], "2026-12", now=NOW), "GAS")
    assert (november["assigned"], november["sign_due"], november["response_rate"]) == (1, 1, 0.0)
    assert november["resolve_due"] == 0 and november["mean_hours_to_sign"] == 20.0
    assert (december["assigned"], december["sign_due"], december["resolve_due"], december["resolved"]) == (0, 0, 1, 1)
    assert december["response_rate"] is None and december["resolution_rate"] == 1.0


def test_ratings_count_in_the_period_they_were_given():
    given = datetime(2026, 12, 1, 2, tzinfo=timezone.utc)
    a = Assignment(department="WATER", role="lead", assigned_at=T0, signed_at=_h(1), sign_by=_h(4), closed_at=_h(20),
                   feedback_at=_h(10), resolve_by=_h(72), ratings=(("satisfied", given),))
    assert _row(department_rates([a], "2026-11", now=NOW), "WATER")["rated"] == 0
    december = _row(department_rates([a], "2026-12", now=NOW), "WATER")
    assert december["rated"] == 1 and december["satisfaction_rate"] == 1.0 and december["assigned"] == 0


def test_an_assisting_unit_is_scored_on_response_alone():
    rows = department_rates([_a("WATER", role="assist", signed_h=None), _a("GAS")], "2026-11", now=NOW)
    assert [r["department"] for r in rows] == ["GAS", "WATER"]
    water = rows[1]
    assert water["response_rate"] == 0.0 and water["score"] == 0.0
    assert water["resolution_rate"] is None and water["satisfaction_rate"] is None


def test_a_department_with_nothing_in_the_period_has_no_row():
    assert department_rates([_a("GAS")], "2026-10", now=NOW) == []


def test_due_at_is_the_earlier_of_doing_and_deadline():
    assert due_at(_h(1), _h(4)) == _h(1) and due_at(_h(6), _h(4)) == _h(4)
    assert due_at(None, _h(4)) == _h(4) and due_at(_h(6), None) == _h(6) and due_at(None, None) is None


def test_period_is_a_month_in_china_time():
    start, end = period_bounds("2026-12")
    assert start.isoformat() == "2026-12-01T00:00:00+08:00" and end.isoformat() == "2027-01-01T00:00:00+08:00"
    with pytest.raises(ValueError):
        period_bounds("2026-13")
