"""调整等级: a supervisor corrects a case's level with a reason (API, permissions, deadlines, audit chain), and a
corrected level is not overwritten by automatic regrading when more people report the hazard."""
from datetime import datetime

import pytest

from server.cases.regrade import correction_counts, level_set_by_hand
from server.extensions import db
from server.models import Case, verify_chain
from server.pipeline.grading import raise_level
from server.taxonomy.source import current_taxonomy

from ..helpers import login
from .test_cases_support import USERS, act, case_in, new_case, past

ROLES = ("resident", "grid_worker", "lead", "assist", "supervisor", "admin")
TEXT = "小区7栋楼道里煤气泄漏，味道很重，有老人头晕"


@pytest.fixture
def headers(client, city):
    return {role: login(client, username) for role, username in USERS.items()}


def _regrade(client, headers, case_id, body):
    return client.post(f"/api/v1/cases/{case_id}/actions/regrade", json=body, headers=headers)


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value)


def test_a_supervisor_raises_the_level_and_the_deadlines_come_forward(client, app, headers):
    with app.app_context():
        case_id = case_in("dispatched")  # level III
    before = client.get(f"/api/v1/cases/{case_id}", headers=headers["supervisor"]).get_json()
    assert before["severity"] == 3 and before["severity_correction"] is None
    assert "regrade" in before["allowed_actions"]
    response = _regrade(client, headers["supervisor"], case_id, {"severity": 1, "reason": "现场已有人员受伤送医"})
    assert response.status_code == 200, response.get_json()
    seen = response.get_json()
    assert seen["severity"] == 1 and seen["audit_ok"]
    assert _at(seen["sign_by"]) < _at(before["sign_by"]) and _at(seen["resolve_by"]) < _at(before["resolve_by"])
    event = seen["events"][-1]
    assert event["action"] == "regrade" and event["action_zh"] == "调整等级" and not event["public"]
    assert event["data"]["from"] == 3 and event["data"]["to"] == 1 and event["data"]["direction"] == "raised"
    assert event["data"]["reason"] == "现场已有人员受伤送医" and event["actor"]["role"] == "supervisor"
    correction = seen["severity_correction"]
    assert (correction["from"], correction["to"], correction["reason"]) == (3, 1, "现场已有人员受伤送医")
    assert correction["by"]
    assert seen["status"] == before["status"]  # the level changes, the status stays
    # the reporter's timeline does not show an internal correction
    report = client.get(f"/api/v1/reports/{seen['origin_report_id']}", headers=headers["resident"]).get_json()
    assert "调整等级" not in str(report)
    with app.app_context():
        assert verify_chain(db.session.get(Case, case_id).events)
        assert correction_counts() == {"raised": 1, "lowered": 0}


def test_lowering_the_level_moves_deadlines_later_and_re_arms_the_overdue_sweep(client, app, headers):
    with app.app_context():
        case_id = case_in("accepted")  # signed: its sign-for deadline is met and stays
        past(case_id, resolve_by=1)
        case = db.session.get(Case, case_id)
        case.severity, case.resolve_escalated_at = 2, case.resolve_by
        db.session.commit()
        sign_by = case.sign_by
    before = client.get(f"/api/v1/cases/{case_id}", headers=headers["supervisor"]).get_json()
    assert before["overdue"]
    seen = _regrade(client, headers["supervisor"], case_id, {"severity": 4, "reason": "仅轻微异味，已排除泄漏"}).get_json()
    assert seen["severity"] == 4 and _at(seen["resolve_by"]) > _at(before["resolve_by"])
    assert not seen["overdue"] and seen["events"][-1]["data"]["direction"] == "lowered"
    with app.app_context():
        case = db.session.get(Case, case_id)
        assert case.sign_by == sign_by and case.resolve_escalated_at is None


def test_only_supervisors_may_correct_a_level(client, app, headers):
    with app.app_context():
        cases = {role: case_in("dispatched") for role in ROLES}
    for role in ROLES:
        response = _regrade(client, headers[role], cases[role], {"severity": 2, "reason": "多人受伤"})
        if role == "supervisor":
            assert response.status_code == 200
        elif client.get(f"/api/v1/cases/{cases[role]}", headers=headers[role]).status_code == 200:
            assert response.status_code == 403 and response.get_json()["code"] == "forbidden", role
        else:
            assert response.status_code == 404 and response.get_json()["code"] == "not_found", role
    with app.app_context():
        assert {r: db.session.get(Case, c).severity for r, c in cases.items()} == {
            r: 2 if r == "supervisor" else 3 for r in ROLES}


def test_the_level_and_the_reason_are_checked(client, app, headers):
    with app.app_context():
        case_id, closed = case_in("dispatched"), case_in("closed")
    for body, field in (({"severity": 2}, "reason"), ({"severity": 5, "reason": "多人受伤"}, "severity"),
                        ({"reason": "多人受伤"}, "severity"), ({"severity": 2, "reason": " "}, "reason"),
                        ({"severity": 3, "reason": "维持原级"}, "severity")):
        response = _regrade(client, headers["supervisor"], case_id, body)
        assert response.status_code == 422 and field in response.get_json()["errors"], (body, response.get_json())
        assert response.get_json()["code"] == "validation_error"
    response = _regrade(client, headers["supervisor"], closed, {"severity": 2, "reason": "多人受伤"})
    assert response.status_code == 409 and response.get_json()["code"] == "invalid_transition"
    assert "不能调整等级" in response.get_json()["errors"]["status"][0]
    with app.app_context():
        assert db.session.get(Case, case_id).severity == 3 and len(db.session.get(Case, case_id).events) == 2


def test_a_corrected_level_is_not_overwritten_when_more_people_report(app, city):
    with app.app_context():
        corrected, twin = new_case(severity=4), new_case(severity=4)
        act(corrected, "dispatch", "supervisor", {"lead": "GAS"})
        act(twin, "dispatch", "supervisor", {"lead": "GAS"})
        act(corrected, "regrade", "supervisor", {"severity": 3, "reason": "经电话核实仅为轻微异味"})
        act(corrected, "regrade", "supervisor", {"severity": 4, "reason": "复核：维持一般"})
        db.session.commit()
        taxonomy = current_taxonomy()
        twin_case, case = db.session.get(Case, twin), db.session.get(Case, corrected)
        assert raise_level(twin_case, taxonomy, TEXT, 30), "the grader raises an uncorrected case many people report"
        assert not raise_level(case, taxonomy, TEXT, 30)
        db.session.commit()
        case = db.session.get(Case, corrected)
        assert case.severity == 4 and case.reporters == 30  # the count is kept, the person's level wins
        assert [e.action for e in case.events].count("regrade") == 2
        assert level_set_by_hand(corrected) and not level_set_by_hand(twin)
        assert correction_counts() == {"raised": 1, "lowered": 1}


def test_a_manual_dispatch_that_changes_the_level_also_wins(app, city):
    with app.app_context():
        changed, kept = new_case(severity=4), new_case(severity=4)
        act(changed, "dispatch", "supervisor", {"lead": "GAS", "severity": 3})
        act(kept, "dispatch", "supervisor", {"lead": "GAS", "severity": 4})  # the form sends the level it shows
        db.session.commit()
        assert level_set_by_hand(changed) and not level_set_by_hand(kept)
        assert db.session.get(Case, changed).events[-1].data["severity_from"] == 4


def test_a_case_at_level_two_is_raised_to_one_only_by_a_report_that_states_casualties(app, city, monkeypatch):
    """At level II a joining report is graded only when it could make level I (it names casualties): a plain one
    is not graded at all, one with a toll of the dead raises the case."""
    import server.pipeline.grading as grading
    calls = []
    real_grade = grading.grade
    monkeypatch.setattr(grading, "grade", lambda *a, **k: calls.append(a[0]) or real_grade(*a, **k))
    with app.app_context():
        case = db.session.get(Case, new_case(severity=2))
        taxonomy = current_taxonomy()
        assert not raise_level(case, taxonomy, "小区7栋楼道里煤气味很重，像是漏气了", 8)
        assert calls == [] and case.severity == 2 and case.reporters == 8  # counted, not graded
        assert raise_level(case, taxonomy, "7栋煤气爆炸，楼里三人死亡，多名老人受伤被送医", 9)
        assert calls and case.severity == 1 and case.reporters == 9
