"""Every lifecycle action: who may take it (403 otherwise; 404 for who may not see the case) and from which state
(409 otherwise)."""
import io

import pytest

from server.extensions import db
from server.models import Case, CaseEvent, verify_chain

from .. import media_fixtures as mf
from ..helpers import login
from .test_cases_support import FEEDBACK, USERS, case_in, past

# action -> (a status it may be taken from, a status it may not, the body, who may take it)
ACTIONS = {
    "dispatch": ("received", "accepted", {"lead": "GAS", "assist": ["FIRE"]}, {"supervisor"}),
    "sign": ("dispatched", "in_progress", {}, {"lead", "assist"}),
    "send_back": ("dispatched", "in_progress", {"reason": "不属于本单位职责"}, {"lead"}),
    "rule_send_back": ("returned", "dispatched", {"decision": "redispatch", "lead": "FIRE", "assist": ["GAS"]},
                       {"supervisor"}),
    "extend_request": ("accepted", "dispatched", {"days": 2, "reason": "需更换管道"}, {"lead"}),
    "extend_decide": ("extension_requested", "accepted", {"approve": True}, {"supervisor"}),
    "start": ("accepted", "dispatched", {}, {"lead"}),
    "feedback": ("in_progress", "dispatched", FEEDBACK, {"lead"}),
    "close": ("feedback_submitted", "in_progress", {}, {"supervisor"}),
    "reopen": ("feedback_submitted", "in_progress", {"reason": "处置不彻底"}, {"supervisor"}),
    "escalate": ("accepted", "feedback_submitted", {"note": "请加快"}, {"supervisor"}),
    "merge": ("dispatched", "accepted", None, {"supervisor"}),
}
ROLES = ("resident", "grid_worker", "lead", "assist", "supervisor", "admin")


@pytest.fixture
def headers(client, city):
    return {role: login(client, username) for role, username in USERS.items()}


def _post(client, headers, case_id, action, body):
    return client.post(f"/api/v1/cases/{case_id}/actions/{action}", json=body, headers=headers)


@pytest.mark.parametrize("action", list(ACTIONS))
def test_action_permissions_and_states(client, app, headers, action):
    good, bad, body, allowed = ACTIONS[action]
    with app.app_context():
        if action == "close":  # a grid case needs 核查 first; take one without a grid here
            cases = {role: case_in(good, grid=False) for role in ROLES}
        else:
            cases = {role: case_in(good) for role in ROLES}
        wrong_state = case_in(bad)
        target = case_in("received")
    for role in ROLES:
        payload = {"into": target} if action == "merge" else body
        response = _post(client, headers[role], cases[role], action, payload)
        if role in allowed:
            assert response.status_code == 200, (role, response.get_json())
            seen = response.get_json()
            assert seen["events"][-1]["action"] == action and seen["audit_ok"]
        elif client.get(f"/api/v1/cases/{cases[role]}", headers=headers[role]).status_code == 200:
            assert response.status_code == 403, (role, response.get_json())  # sees the case, may not act
            assert response.get_json()["code"] == "forbidden"
        else:  # may not see the case: its existence is not confirmed
            assert response.status_code == 404, (role, response.get_json())
            assert response.get_json()["code"] == "not_found"
    role = "lead" if "lead" in allowed else "supervisor"
    response = _post(client, headers[role], wrong_state, action, {"into": target} if action == "merge" else body)
    assert response.status_code == 409, response.get_json()
    error = response.get_json()
    assert error["code"] == "invalid_transition" and set(error) == {"code", "message", "errors"}
    assert error["message"] == error["errors"]["status"][0] and "案件当前状态" in error["message"]


def test_a_case_out_of_scope_answers_404_to_every_action_as_to_a_missing_one(client, app, headers):
    from server.accounts.service import create_user
    from server.cases.schemas import ACTION_SCHEMAS
    with app.app_context():
        case_id = case_in("dispatched")
        create_user(username="edu01", role="dept_staff", password="edu-pass-2026", department="EDUCATION")
    token = client.post("/api/v1/auth/login", json={"username": "edu01", "password": "edu-pass-2026"}).get_json()
    other = {"Authorization": "Bearer " + token["access_token"]}
    assert client.get(f"/api/v1/cases/{case_id}", headers=other).status_code == 404
    bodies = {name: body for name, (_, _, body, _) in ACTIONS.items()}
    bodies.update(merge={"into": case_id}, rule_rating={"decision": "uphold"},
                  waive_verification={"reason": "本网格无网格员"}, regrade={"severity": 1, "reason": "多人受伤"})
    for who, h in (("another department", other), ("resident", headers["resident"])):
        for action in [*ACTION_SCHEMAS, "verification", "plan"]:
            url = (f"/api/v1/cases/{{}}/{action}" if action in ("verification", "plan")
                   else f"/api/v1/cases/{{}}/actions/{action}")
            body = bodies.get(action) or {}
            seen, missing = client.post(url.format(case_id), json=body, headers=h), \
                client.post(url.format(999999), json=body, headers=h)
            assert seen.status_code == missing.status_code == 404, (who, action, seen.get_json())
            assert seen.get_json()["code"] == "not_found"
        task = client.post(f"/api/v1/cases/{case_id}/plan-tasks/1/done", json={}, headers=h)
        assert task.status_code == 404, (who, task.get_json())


def test_an_assisting_department_signs_without_moving_the_case(client, app, headers):
    with app.app_context():
        case_id = case_in("dispatched")
    seen = _post(client, headers["assist"], case_id, "sign", {}).get_json()
    assert seen["status"] == "dispatched"
    assert {d["code"]: bool(d["signed_at"]) for d in seen["departments"]} == {"GAS": False, "FIRE": True}
    assert _post(client, headers["assist"], case_id, "sign", {}).status_code == 409  # once
    assert _post(client, headers["lead"], case_id, "sign", {}).get_json()["status"] == "accepted"


def test_required_fields_are_checked(client, app, headers):
    with app.app_context():
        dispatched, returned, accepted = case_in("dispatched"), case_in("returned"), case_in("accepted")
    assert _post(client, headers["lead"], dispatched, "send_back", {}).get_json()["errors"] == {
        "reason": ["必填项，不能为空。"]}
    response = _post(client, headers["supervisor"], returned, "rule_send_back", {"decision": "redispatch"})
    assert response.status_code == 422 and "lead" in response.get_json()["errors"]
    response = _post(client, headers["lead"], accepted, "extend_request", {"reason": "原因"})
    assert response.status_code == 422 and "resolve_by" in response.get_json()["errors"]
    response = _post(client, headers["supervisor"], case_in_app(app, "received"), "dispatch", {"lead": "NOPE"})
    assert response.status_code == 422 and "lead" in response.get_json()["errors"]


def case_in_app(app, status):
    with app.app_context():
        return case_in(status)


def test_send_back_rulings(client, app, headers):
    with app.app_context():
        upheld, redispatched = case_in("returned"), case_in("returned")
    seen = _post(client, headers["supervisor"], upheld, "rule_send_back", {"decision": "uphold"}).get_json()
    assert seen["status"] == "dispatched" and [d["code"] for d in seen["departments"]] == ["GAS", "FIRE"]
    seen = _post(client, headers["supervisor"], redispatched, "rule_send_back",
                 {"decision": "redispatch", "lead": "FIRE"}).get_json()
    assert [(d["code"], d["role"]) for d in seen["departments"]] == [("FIRE", "lead")]
    assert _post(client, headers["lead"], redispatched, "sign", {}).status_code == 404  # GAS is off the case


def test_extension_only_before_the_deadline_and_approval_moves_it(client, app, headers):
    with app.app_context():
        late, on_time, refused = case_in("accepted"), case_in("accepted"), case_in("extension_requested")
        past(late, resolve_by=1)
    response = _post(client, headers["lead"], late, "extend_request", {"days": 2, "reason": "材料未到"})
    assert response.status_code == 409 and "超过办理时限" in response.get_json()["errors"]["status"][0]
    before = client.get(f"/api/v1/cases/{on_time}", headers=headers["lead"]).get_json()["resolve_by"]
    asked = _post(client, headers["lead"], on_time, "extend_request", {"days": 3, "reason": "材料未到"}).get_json()
    assert asked["status"] == "extension_requested" and asked["pending_resolve_by"] > before
    decided = _post(client, headers["supervisor"], on_time, "extend_decide", {"approve": True}).get_json()
    assert decided["status"] == "in_progress" and decided["resolve_by"] == asked["pending_resolve_by"]
    kept = client.get(f"/api/v1/cases/{refused}", headers=headers["lead"]).get_json()["resolve_by"]
    decided = _post(client, headers["supervisor"], refused, "extend_decide", {"approve": False}).get_json()
    assert decided["resolve_by"] == kept and decided["pending_resolve_by"] is None


def test_a_grid_case_closes_only_after_the_grid_workers_verification(client, app, headers):
    with app.app_context():
        case_id = case_in("feedback_submitted")
    response = _post(client, headers["supervisor"], case_id, "close", {})
    assert response.status_code == 409 and "网格员核查" in response.get_json()["errors"]["status"][0]
    url = f"/api/v1/cases/{case_id}/verification"
    response = client.post(url, data={"note": "现场已无异味"}, headers=headers["grid_worker"],
                           content_type="multipart/form-data")
    assert response.status_code == 422 and "photos" in response.get_json()["errors"]
    assert client.post(url, data={"photos": [(io.BytesIO(mf.jpeg_bytes()), "a.jpg")]}, headers=headers["lead"],
                       content_type="multipart/form-data").status_code == 403
    seen = client.post(url, data={"note": "现场已无异味", "photos": [(io.BytesIO(mf.jpeg_with_exif()), "a.jpg")]},
                       headers=headers["grid_worker"], content_type="multipart/form-data").get_json()
    assert seen["verification"]["verified_at"] and seen["events"][-1]["attachments"][0]["kind"] == "photo"
    photo = client.get(seen["events"][-1]["attachments"][0]["url"], headers=headers["lead"])
    assert photo.status_code == 200 and photo.mimetype == "image/jpeg"
    assert client.get(seen["events"][-1]["attachments"][0]["url"], headers=headers["resident"]).status_code == 404
    assert _post(client, headers["supervisor"], case_id, "close", {}).get_json()["status"] == "closed"


def test_feedback_with_photo_voice_and_video_and_a_bad_video(client, app, headers):
    with app.app_context():
        case_id = case_in("in_progress")
    url = f"/api/v1/cases/{case_id}/actions/feedback"
    bad = client.post(url, data={**FEEDBACK, "video": (io.BytesIO(mf.jpeg_bytes()), "v.mp4")},
                      headers=headers["lead"], content_type="multipart/form-data")
    assert bad.status_code == 422 and "video" in bad.get_json()["errors"]
    seen = client.post(url, data={**FEEDBACK, "photos": [(io.BytesIO(mf.jpeg_bytes()), "p.jpg")],
                                  "audio": (io.BytesIO(mf.audio_bytes("m4a")), "a.m4a"),
                                  "video": (io.BytesIO(mf.video_only_mp4()), "v.mp4")},
                       headers=headers["lead"], content_type="multipart/form-data")
    assert seen.status_code == 200, seen.get_json()
    event = seen.get_json()["events"][-1]
    assert sorted(a["kind"] for a in event["attachments"]) == ["audio", "photo", "video"]
    assert event["data"]["measures"] == FEEDBACK["measures"]
    video = next(a for a in event["attachments"] if a["kind"] == "video")
    assert client.get(video["url"], headers=headers["supervisor"]).mimetype == "video/mp4"


def test_merge_moves_the_reports_and_chains_both_cases(client, app, headers):
    with app.app_context():
        source, target = case_in("dispatched"), case_in("dispatched")
    seen = _post(client, headers["supervisor"], source, "merge", {"into": target}).get_json()
    assert seen["status"] == "merged" and seen["merged_into_id"] == target
    merged = client.get(f"/api/v1/cases/{target}", headers=headers["supervisor"]).get_json()
    assert merged["events"][-1]["action"] == "merge_in" and len(merged["reports"]) == 2 and merged["audit_ok"]
    assert _post(client, headers["supervisor"], case_in_app(app, "received"), "merge",
                 {"into": source}).status_code == 409


def test_allowed_actions_follow_role_and_department(client, app, headers):
    with app.app_context():
        case_id = case_in("dispatched")
    allowed = {role: client.get(f"/api/v1/cases/{case_id}", headers=headers[role]).get_json()["allowed_actions"]
               for role in ("lead", "assist", "supervisor")}
    assert allowed == {"lead": ["sign", "send_back"], "assist": ["sign"], "supervisor": ["escalate", "merge", "regrade"]}
    with app.app_context():
        case = db.session.get(Case, case_id)
        assert verify_chain(case.events) and all(isinstance(e, CaseEvent) for e in case.events)
