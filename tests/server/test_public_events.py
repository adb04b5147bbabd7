"""What the public sees of a case: status changes and replies written for the public, never staff notes or rating
comments (unauthenticated Open311 in JSON and XML, other residents); the event hash covers the flag and chains made
before it existed still verify after migration 0009."""
import hashlib
import json
from datetime import datetime, timezone
from xml.etree import ElementTree as ET

import pytest
import sqlalchemy as sa

from server.extensions import db
from server.models import Case, CaseEvent, Report, verify_chain

from ..conftest import app_config
from ..helpers import login
from .test_cases_support import FEEDBACK, PHOTO, USERS, act, case_in

INTERNAL = "内部备注：燃气公司王工电话13922222222，管道老化问题不要告诉居民"
REPLY = "燃气管道已更换，经检测无泄漏，请放心使用"
RATING = "处理太慢了，我邻居说师傅收了红包"
SECRETS = ("不要告诉居民", "13922222222", "2222", "内部备注", "红包", "处理太慢", "关阀、更换软管", "王工")
PUBLIC_PATHS = ["/open311/v2/servicerequestupdates.json", "/open311/v2/servicerequestupdates.xml",
                "/open311/v2/requests.json", "/open311/v2/requests.xml"]


def _handled_case(app, client) -> tuple[int, int]:
    """A case handled with an internal feedback note and a public reply, closed and rated with a comment."""
    with app.app_context():
        case_id = case_in("in_progress")
        act(case_id, "escalate", "supervisor", {"note": INTERNAL})
        act(case_id, "start", "lead", {"note": INTERNAL})
    headers = login(client, USERS["lead"])
    response = client.post(f"/api/v1/cases/{case_id}/actions/feedback", headers=headers,
                           json={**FEEDBACK, "note": INTERNAL, "public_reply": REPLY})
    assert response.status_code == 200, response.get_json()
    with app.app_context():
        act(case_id, "verify", "grid_worker", {"note": INTERNAL}, PHOTO)
        act(case_id, "close", "supervisor", {"note": INTERNAL})
        report_id = db.session.get(Case, case_id).origin_report_id
    rated = client.post(f"/api/v1/reports/{report_id}/rating", headers=login(client, USERS["resident"]),
                        json={"rating": "dissatisfied", "comment": RATING})
    assert rated.status_code == 201, rated.get_json()
    return case_id, report_id


def test_the_public_sees_status_changes_and_public_replies_only(app, client, city):
    case_id, report_id = _handled_case(app, client)
    with app.app_context():
        events = db.session.execute(db.select(CaseEvent).where(CaseEvent.case_id == case_id)
                                    .order_by(CaseEvent.seq)).scalars().all()
        flags = {e.action: e.public for e in events}
        assert flags == {"create": True, "dispatch": True, "sign": True, "start": True, "escalate": True,
                         "feedback": True, "verify": False, "close": True, "rate": False}
        assert verify_chain(events)
    for path in PUBLIC_PATHS + [f"/open311/v2/requests/{report_id}.json", f"/open311/v2/requests/{report_id}.xml"]:
        response = client.get(path)
        assert response.status_code == 200, path
        body = response.get_data(as_text=True)
        if path.endswith(".xml"):
            ET.fromstring(response.data)
        for secret in SECRETS:
            assert secret not in body, (path, secret)
        if "servicerequestupdates" in path:
            assert REPLY in body and "处置反馈" in body, path
    updates = client.get("/open311/v2/servicerequestupdates.json").get_json()
    mine = [u for u in updates if u["service_request_id"] == report_id]
    assert [u["external_status_code"] for u in mine] == ["received", "dispatched", "accepted", "in_progress",
                                                         "escalated", "in_progress", "feedback_submitted", "closed"]
    assert [u["description"] for u in mine if REPLY in u["description"]] == [f"处置反馈：{REPLY}"]


def test_another_resident_sees_nothing_and_the_reporter_sees_the_reply_not_the_notes(app, client, city):
    case_id, report_id = _handled_case(app, client)
    other = client.post("/api/v1/auth/register", json={"phone": "13700000077", "password": "another-pass-77"})
    assert other.status_code == 201, other.get_json()
    other_headers = login_with(client, "13700000077", "another-pass-77")
    seen = client.get(f"/api/v1/reports/{report_id}", headers=other_headers)
    assert seen.status_code == 404 and REPLY not in seen.get_data(as_text=True)
    assert client.get(f"/api/v1/reports/{report_id}/feedback", headers=other_headers).status_code == 404
    own = client.get(f"/api/v1/reports/{report_id}", headers=login(client, USERS["resident"]))
    text = json.dumps(own.get_json()["timeline"], ensure_ascii=False)
    assert REPLY in text
    for secret in ("不要告诉居民", "13922222222", "内部备注", "红包"):
        assert secret not in text
    staff = client.get(f"/api/v1/cases/{case_id}", headers=login(client, USERS["supervisor"])).get_json()
    assert staff["audit_ok"] and {e["action"]: e["public"] for e in staff["events"]}["rate"] is False
    assert any(e["note"] == INTERNAL for e in staff["events"]), "staff still read their notes"


def login_with(client, username: str, password: str) -> dict:
    response = client.post("/api/v1/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.get_json()
    return {"Authorization": "Bearer " + response.get_json()["access_token"]}


def test_feedback_without_a_public_reply_shows_only_the_step(app, client, city):
    with app.app_context():
        case_id = case_in("in_progress")
        act(case_id, "feedback", "lead", {**FEEDBACK, "note": INTERNAL})
        feedback = db.session.get(Case, case_id).events[-1]
        assert feedback.public and "public_reply" not in feedback.data
    updates = client.get("/open311/v2/servicerequestupdates.json").get_json()
    assert [u["description"] for u in updates if u["external_status_code"] == "feedback_submitted"] == ["处置反馈"]
    assert "不要告诉居民" not in client.get("/open311/v2/requests.xml").get_data(as_text=True)


def test_the_hash_covers_the_public_flag(app, city):
    from server.cases.log import append_event
    from server.cases.chain import audit_all
    with app.app_context():
        case_id = case_in("accepted")
        case = db.session.get(Case, case_id)
        append_event(case, "start", "in_progress", note="内部：先不公开", public=False)  # an explicit override
        db.session.commit()
        assert verify_chain(db.session.get(Case, case_id).events) and audit_all() == {}
        for seq in (2, 4):  # a public event made internal, the override made public
            db.session.execute(db.text("UPDATE case_events SET public = NOT public WHERE case_id = :c AND seq = :s"),
                               {"c": case_id, "s": seq})
            db.session.commit()
            db.session.expire_all()
            problems = audit_all()[db.session.get(Case, case_id).number]
            assert f"event {seq} ({'dispatch' if seq == 2 else 'start'}) edited" in " ".join(problems)
            db.session.execute(db.text("UPDATE case_events SET public = NOT public WHERE case_id = :c AND seq = :s"),
                               {"c": case_id, "s": seq})
            db.session.commit()
            db.session.expire_all()
        assert audit_all() == {}


def test_an_event_deleted_at_the_end_is_caught_though_the_status_still_agrees(app, client, city):
    """The case row keeps its chain's head: removing the last event is seen even when it left the status as it was
    (a rating), which the status check alone cannot see."""
    from server.cases.chain import audit_all
    case_id, _report_id = _handled_case(app, client)
    with app.app_context():
        case = db.session.get(Case, case_id)
        last = db.session.execute(db.select(CaseEvent).where(CaseEvent.case_id == case_id)
                                  .order_by(CaseEvent.seq.desc()).limit(1)).scalar_one()
        assert last.action == "rate" and last.to_status == case.status == "closed"
        assert (case.event_seq, case.event_hash) == (last.seq, last.hash)
        assert audit_all() == {}
        db.session.execute(sa.delete(CaseEvent).where(CaseEvent.id == last.id))
        db.session.commit()
        db.session.expire_all()
        problems = " ".join(audit_all()[case.number])
        assert f"chain head is event {last.seq} but its last event is {last.seq - 1}" in problems
    staff = client.get(f"/api/v1/cases/{case_id}", headers=login(client, USERS["supervisor"])).get_json()
    assert staff["audit_ok"] is False


def _legacy_hash(prev: str, row: dict) -> str:
    """The event hash as it was computed before migration 0009 (no public flag)."""
    body = json.dumps({"case_id": row["case_id"], "seq": row["seq"], "action": row["action"],
                       "from": row["from_status"], "to": row["to_status"], "actor": None, "note": row["note"],
                       "data": row["data"], "at": row["created_at"].isoformat()},
                      sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev + body).encode()).hexdigest()


def test_events_written_before_0009_get_their_flag_and_keep_verifying(tmp_path):
    from flask_migrate import upgrade

    from server import create_app
    from server.cases.chain import audit_all
    url = f"sqlite:///{tmp_path / 'old.db'}"
    app = create_app(app_config(url, tmp_path))
    with app.app_context():
        upgrade(revision="0008")
    at = datetime(2026, 11, 30, 8, 0, tzinfo=timezone.utc)
    steps = [("create", None, "received", "from report 1", {"report_id": 1}),
             ("dispatch", "received", "dispatched", "automatic dispatch", {"lead": "GAS"}),
             ("sign", "dispatched", "dispatched", "协办签收", {"role": "assist"}),
             ("escalate", "dispatched", "escalated", "内部：催办电话13922222222", {"reason": "manual"}),
             ("rate", "escalated", "escalated", "评价内容", {"rating": "satisfied"})]
    engine = sa.create_engine(url)  # without the app's foreign-key pragma: a bare case, as an old database holds
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO cases (id, number, origin_report_id, severity, status, "
                             "needs_manual_dispatch, created_at, updated_at) VALUES (1, 'GW-OLD-1', 1, 3, 'escalated', "
                             "0, :at, :at)"), {"at": at.replace(tzinfo=None)})
        prev = "0" * 64
        for seq, (action, from_status, to_status, note, data) in enumerate(steps, start=1):
            row = {"case_id": 1, "seq": seq, "action": action, "from_status": from_status, "to_status": to_status,
                   "note": note, "data": data, "created_at": at}
            digest = _legacy_hash(prev, row)
            conn.execute(sa.text("INSERT INTO case_events (case_id, seq, action, from_status, to_status, note, data, "
                                 "created_at, prev_hash, hash) VALUES (:case_id, :seq, :action, :from_status, "
                                 ":to_status, :note, :data, :at, :prev, :hash)"),
                         {**row, "data": json.dumps(data), "at": at.replace(tzinfo=None), "prev": prev,
                          "hash": digest})
            prev = digest
    engine.dispose()
    with app.app_context():
        upgrade()
        events = db.session.execute(db.select(CaseEvent).order_by(CaseEvent.seq)).scalars().all()
        assert [e.public for e in events] == [True, True, False, True, False]
        assert verify_chain(events) and audit_all() == {}
        assert not db.session.execute(db.select(Report)).first()
        db.engine.dispose()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_public_replies_are_masked(app, client, city, fmt):
    with app.app_context():
        case_id = case_in("in_progress")
        act(case_id, "feedback", "lead", {**FEEDBACK, "public_reply": "已修复，如有问题请致电13811112222"})
    body = client.get(f"/open311/v2/servicerequestupdates.{fmt}").get_data(as_text=True)
    assert "已修复" in body and "13811112222" not in body
