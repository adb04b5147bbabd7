"""The whole story through the API, the reading side, escalation, notifications, metrics and the audit."""
import io
import json

import click
import pytest

from server.cases.escalation import escalate_overdue
from server.cases.timeline import case_timeline_for_reporter, reporter_steps
from server.cli.cases import register
from server.extensions import db
from server.models import Case, Notification
from server.tasks.queue import backend

from .. import media_fixtures as mf
from ..helpers import login, new_uuid
from .test_cases_support import FEEDBACK, USERS, case_in, past

TEXT = "桂花园社区第一网格这边7栋楼道里好大一股煤气味，像是哪家漏气了"


def _cli(app, *args):
    group = click.Group("gridwatch")
    register(group)
    return app.test_cli_runner().invoke(group, list(args))


@pytest.fixture
def headers(client, city):
    return {role: login(client, username) for role, username in USERS.items()}


def _act(client, headers, case_id, action, body=None, **kwargs):
    url = f"/api/v1/cases/{case_id}/actions/{action}"
    if "data" in kwargs:
        response = client.post(url, headers=headers, content_type="multipart/form-data", **kwargs)
    else:
        response = client.post(url, json=body or {}, headers=headers)
    assert response.status_code == 200, (action, response.get_json())
    return response.get_json()


def test_report_to_rated_case_counted_in_the_months_metrics(client, app, headers, tmp_path):
    h = headers
    report = client.post("/api/v1/reports", json={"client_uuid": new_uuid(), "text": TEXT}, headers=h["resident"])
    assert report.status_code == 201
    report_id = report.get_json()["id"]
    backend(app).drain(timeout=120)
    case_id = client.get(f"/api/v1/reports/{report_id}", headers=h["resident"]).get_json()["case_id"]
    case = client.get(f"/api/v1/cases/{case_id}", headers=h["lead"]).get_json()
    assert case["status"] == "dispatched" and case["departments"][0] == {**case["departments"][0], "code": "GAS",
                                                                         "role": "lead"}
    assert case["verification"]["required"], "the report lies in a grid"
    inbox = client.get("/api/v1/cases", headers=h["lead"]).get_json()
    assert [c["id"] for c in inbox["items"]] == [case_id]

    _act(client, h["lead"], case_id, "sign", {"note": "已签收，马上出发"})
    asked = _act(client, h["lead"], case_id, "extend_request", {"days": 2, "reason": "需燃气公司更换立管"})
    queue = client.get("/api/v1/cases?queue=extension", headers=h["supervisor"]).get_json()
    assert [c["id"] for c in queue["items"]] == [case_id]
    decided = _act(client, h["supervisor"], case_id, "extend_decide", {"approve": True, "note": "同意"})
    assert decided["resolve_by"] == asked["pending_resolve_by"] and decided["status"] == "in_progress"
    _act(client, h["lead"], case_id, "feedback", data={**FEEDBACK, "photos": [(io.BytesIO(mf.jpeg_bytes()), "p.jpg")]})
    assert [c["id"] for c in client.get("/api/v1/cases?queue=feedback_review",
                                        headers=h["supervisor"]).get_json()["items"]] == [case_id]
    _act(client, h["supervisor"], case_id, "reopen", {"reason": "楼道仍有异味，处置不彻底"})
    _act(client, h["lead"], case_id, "feedback", {**FEEDBACK, "result": "更换立管，复测无泄漏"})
    verified = client.post(f"/api/v1/cases/{case_id}/verification", headers=h["grid_worker"],
                           data={"note": "复查无异味", "photos": [(io.BytesIO(mf.jpeg_bytes()), "v.jpg")]},
                           content_type="multipart/form-data")
    assert verified.status_code == 200, verified.get_json()
    closed = _act(client, h["supervisor"], case_id, "close", {"note": "办结"})
    assert closed["status"] == "closed" and closed["audit_ok"]
    assert [e["action"] for e in closed["events"]] == [
        "create", "dispatch", "sign", "extend_request", "extend_decide", "feedback", "reopen", "feedback",
        "verify", "close"]

    assert client.post(f"/api/v1/reports/{report_id}/rating", json={"rating": "satisfied"},
                       headers=h["supervisor"]).status_code == 403
    rated = client.post(f"/api/v1/reports/{report_id}/rating", json={"rating": "satisfied", "comment": "很及时"},
                        headers=h["resident"])
    assert rated.status_code == 201, rated.get_json()
    assert client.post(f"/api/v1/reports/{report_id}/rating", json={"rating": "dissatisfied"},
                       headers=h["resident"]).status_code == 409

    with app.app_context():
        timeline = case_timeline_for_reporter(reporter_steps(case_id))
        assert [t["status"] for t in timeline] == ["received", "dispatched", "accepted", "in_progress",
                                                    "feedback_submitted", "reopened", "feedback_submitted", "closed"]
        period = db.session.get(Case, case_id).created_at.astimezone(
            __import__("zoneinfo").ZoneInfo("Asia/Shanghai")).strftime("%Y-%m")
    metrics = client.get(f"/api/v1/metrics/departments?period={period}", headers=h["supervisor"]).get_json()
    gas = next(d for d in metrics["departments"] if d["department"] == "GAS")
    assert gas["assigned"] == gas["lead"] == gas["closed"] == gas["resolved"] == 1
    assert gas["response_rate"] == gas["resolution_rate"] == gas["satisfaction_rate"] == gas["on_time_rate"] == 1.0
    assert gas["rank"] == 1 and gas["ratings"]["satisfied"] == 1 and gas["mean_hours_to_sign"] is not None
    from server.cli import cli
    out = app.test_cli_runner().invoke(cli, ["triage", "metrics", "--period", period, "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["departments"][0]["department"] == "GAS"
    table = _cli(app, "cases", "metrics", "--period", period)
    assert "GAS" in table.output and "100.0%" in table.output
    export = tmp_path / "training.csv"
    out = app.test_cli_runner().invoke(cli, ["triage", "export-training", "-o", str(export)])
    assert out.exit_code == 0 and "wrote 1 closed case" in out.output, out.output
    import csv
    rows = list(csv.DictReader(export.open(encoding="utf-8")))
    assert [(r["id"], r["category"], r["department"]) for r in rows] == [(str(case_id), "accident.gas_leak", "GAS")]
    assert "煤气味" in rows[0]["text"]
    assert client.get("/api/v1/metrics/departments?period=2026-13", headers=h["supervisor"]).status_code == 422


def test_dissatisfied_rating_waits_for_a_supervisors_ruling(client, app, headers):
    with app.app_context():
        reopen, uphold = case_in("closed"), case_in("closed")
        report_ids = [db.session.get(Case, c).origin_report_id for c in (reopen, uphold)]
    for report_id in report_ids:
        response = client.post(f"/api/v1/reports/{report_id}/rating", json={"rating": "dissatisfied"},
                               headers=headers["resident"])
        assert response.status_code == 201, response.get_json()
    queue = client.get("/api/v1/cases?queue=rating_review", headers=headers["supervisor"]).get_json()
    assert {c["id"] for c in queue["items"]} == {reopen, uphold}
    seen = _act(client, headers["supervisor"], reopen, "rule_rating", {"decision": "reopen", "reason": "复查属实"})
    assert seen["status"] == "reopened" and not seen["rating_review"]
    seen = _act(client, headers["supervisor"], uphold, "rule_rating", {"decision": "uphold", "note": "已解释"})
    assert seen["status"] == "closed" and not seen["rating_review"]
    assert client.get("/api/v1/cases?queue=rating_review", headers=headers["supervisor"]).get_json()["items"] == []
    notices = client.get("/api/v1/notifications", headers=headers["supervisor"]).get_json()
    assert any(n["kind"] == "dissatisfied" for n in notices["items"])


def test_escalation_job_escalates_once_and_notifies(client, app, headers):
    with app.app_context():
        unsigned, unresolved, fine = case_in("dispatched"), case_in("in_progress"), case_in("accepted")
        past(unsigned, sign_by=2)
        past(unresolved, resolve_by=2)
    overdue = client.get("/api/v1/cases?queue=overdue", headers=headers["supervisor"]).get_json()
    assert {c["id"] for c in overdue["items"]} == {unsigned, unresolved}
    assert fine not in {c["id"] for c in overdue["items"]}
    assert client.get("/api/v1/cases?overdue=false", headers=headers["supervisor"]).get_json()["meta"]["total"] == 1
    with app.app_context():
        assert len(escalate_overdue()) == 2
        assert escalate_overdue() == []
    result = _cli(app, "cases", "escalate-overdue")
    assert result.exit_code == 0 and "escalated 0" in result.output
    seen = client.get(f"/api/v1/cases/{unsigned}", headers=headers["lead"]).get_json()
    assert seen["status"] == "escalated" and seen["events"][-1]["data"]["reason"] == "sign_overdue"
    assert seen["events"][-1]["actor"] is None
    staff = client.get("/api/v1/notifications?unread=true", headers=headers["lead"]).get_json()
    assert sum(n["kind"] == "escalated" for n in staff["items"]) == 2 and staff["unread"] >= 2
    read = client.post("/api/v1/notifications/read", json={"all": True}, headers=headers["lead"]).get_json()
    assert read["unread"] == 0
    assert client.get("/api/v1/notifications?unread=true", headers=headers["lead"]).get_json()["items"] == []
    with app.app_context():
        sent = db.session.execute(db.select(db.func.count()).select_from(Notification).where(
            Notification.kind == "escalated")).scalar_one()
        assert sent >= 6  # two cases × (the staff of GAS, of FIRE, and the supervisors)
    _act(client, headers["lead"], unsigned, "sign")  # signing an escalated case takes it back


def test_lists_are_scoped_filtered_and_paginated(client, app, headers):
    with app.app_context():
        ids = [case_in("dispatched") for _ in range(3)] + [case_in("received"), case_in("returned")]
    everything = client.get("/api/v1/cases?per_page=2", headers=headers["supervisor"]).get_json()
    assert everything["meta"] == {"page": 1, "per_page": 2, "total": 5, "pages": 3}
    assert client.get("/api/v1/cases?queue=manual_dispatch", headers=headers["admin"]).get_json()["meta"]["total"] == 1
    assert client.get("/api/v1/cases?queue=send_back", headers=headers["supervisor"]).get_json()["items"][0]["id"] \
        == ids[-1]
    assert client.get("/api/v1/cases?status=dispatched,returned",
                      headers=headers["supervisor"]).get_json()["meta"]["total"] == 4
    assert client.get("/api/v1/cases?status=nope", headers=headers["supervisor"]).status_code == 422
    assert client.get("/api/v1/cases?severity=3", headers=headers["supervisor"]).get_json()["meta"]["total"] == 5
    inbox = client.get("/api/v1/cases", headers=headers["lead"]).get_json()
    assert inbox["meta"]["total"] == 4  # not the one waiting for manual dispatch
    assert client.get("/api/v1/cases", headers=headers["grid_worker"]).get_json()["meta"]["total"] == 5
    assert client.get("/api/v1/cases", headers=headers["resident"]).status_code == 403
    assert client.get(f"/api/v1/cases/{ids[0]}", headers=headers["resident"]).status_code == 404


def test_audit_verify_catches_an_edited_event(client, app, headers):
    with app.app_context():
        case_id = case_in("feedback_submitted")
        other = case_in("accepted")
    ok = _cli(app, "audit", "verify")
    assert ok.exit_code == 0, ok.output
    with app.app_context():
        db.session.execute(db.text("UPDATE case_events SET note = '已处置完毕' WHERE case_id = :c AND seq = 3"),
                           {"c": case_id})
        db.session.execute(db.text("DELETE FROM case_events WHERE case_id = :c AND seq = 2"), {"c": other})
        db.session.commit()
    bad = _cli(app, "audit", "verify")
    assert bad.exit_code == 1
    assert "event 3 (sign) edited" in bad.output and "event(s) 2..2 missing" in bad.output
    seen = client.get(f"/api/v1/cases/{case_id}", headers=headers["supervisor"]).get_json()
    assert seen["audit_ok"] is False
