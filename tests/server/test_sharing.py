"""Data sharing through the API: request, review (approve, narrow, refuse), links and keys, scoped and masked data,
expiry, revocation and the audit of every access. Each test runs on SQLite and PostgreSQL."""
import csv
import io
from datetime import timedelta

import pytest

from server.accounts.security import token_hash
from server.accounts.service import create_user
from server.extensions import db
from server.models import DataShareRequest, Notification, ShareAccess, ShareCredential, utcnow

from ..helpers import login
from .sharing_support import DAY, PHONE_TEXT, add_report, ask, world

PEOPLE = {"dept": "gas01", "supervisor": "command01", "admin": "admin", "resident": "13800000001",
          "grid_worker": "grid01"}


@pytest.fixture
def headers(client, app, city):
    found = {role: login(client, username) for role, username in PEOPLE.items()}
    with app.app_context():
        create_user(username="waterx01", role="dept_staff", password="waterx-pass-2026", department="WATER")
    found["other_dept"] = login_new(client, "waterx01", "waterx-pass-2026")
    return found


@pytest.fixture
def reports(app, city):
    with app.app_context():
        return world()


def _approved(client, headers, review=None, **changes) -> int:
    asked = ask(client, headers["dept"], **changes)
    assert asked.status_code == 201, asked.get_json()
    request_id = asked.get_json()["id"]
    approved = client.post(f"/api/v1/sharing/requests/{request_id}/approve", json=review or {},
                           headers=headers["supervisor"])
    assert approved.status_code == 200, approved.get_json()
    return request_id


def _issue(client, headers, request_id, kind="link", who="dept") -> dict:
    issued = client.post(f"/api/v1/sharing/requests/{request_id}/credentials", json={"kind": kind}, headers=headers[who])
    assert issued.status_code == 201, issued.get_json()
    return issued.get_json()


def _kinds(app, username_role_user_id=None) -> list[str]:
    with app.app_context():
        return [n.kind for n in db.session.execute(db.select(Notification)).scalars()]


def test_request_approve_link_serves_exactly_the_grant_masked_and_logged(client, app, headers, reports):
    asked = ask(client, headers["dept"])
    assert asked.status_code == 201
    found = asked.get_json()
    assert found["status"] == "pending" and found["status_name"] == "待审核" and found["department"] == "GAS"
    assert "share_requested" in _kinds(app)
    approved = client.post(f"/api/v1/sharing/requests/{found['id']}/approve", json={}, headers=headers["supervisor"])
    assert approved.status_code == 200 and approved.get_json()["narrowed"] == []
    assert "share_approved" in _kinds(app)

    link = _issue(client, headers, found["id"])
    with app.app_context():  # only the hash of the secret is kept
        row = db.session.get(ShareCredential, link["id"])
        assert row.secret_hash == token_hash(link["secret"]) and link["secret"] not in row.secret_hash
    assert link["url"].endswith(f"/api/v1/sharing/links/{link['secret']}")
    shown = client.get(f"/api/v1/sharing/requests/{found['id']}", headers=headers["dept"]).get_json()
    assert "secret" not in shown["credentials"][0] and shown["credentials"][0]["prefix"] == link["prefix"]

    data = client.get(f"/api/v1/sharing/links/{link['secret']}", environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert data.status_code == 200, data.get_json()
    items = data.get_json()["items"]
    assert sorted(i["id"] for i in items) == sorted([reports["inside"], reports["anonymous"]])
    inside = next(i for i in items if i["id"] == reports["inside"])
    assert "13912345678" not in inside["text"] and "13912345678" not in inside["address"]
    assert inside["reporter_name"] is None and inside["reporter_phone"] is None
    assert (inside["lat"], inside["lon"]) == (28.212, 112.904)  # coarsened to the 0.002° cell
    assert data.get_json()["personal_data"] is False
    with app.app_context():
        access = db.session.execute(db.select(ShareAccess)).scalar_one()
        assert (access.rows, access.outcome, access.ip, access.format) == (2, "ok", "10.1.2.3", "json")
        assert access.credential_id == link["id"] and access.user_id is None

    table = client.get(f"/api/v1/sharing/links/{link['secret']}", query_string={"format": "csv"})
    assert table.status_code == 200 and table.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(table.get_data(as_text=True).lstrip("\ufeff"))))
    assert len(rows) == 2 and all(r["created_at"].endswith("+08:00") for r in rows)  # the city's time
    audit = client.get("/api/v1/sharing/accesses", query_string={"request_id": found["id"]},
                       headers=headers["supervisor"]).get_json()
    assert [(a["format"], a["rows"], a["outcome"]) for a in audit["items"]] == [("csv", 2, "ok"), ("json", 2, "ok")]


def test_narrowed_grant_with_personal_data_through_an_api_key(client, app, headers, reports):
    request_id = _approved(client, headers, personal_data=True, categories=["accident"], areas=["D01"],
                           review={"areas": ["D01-S01-C01-G01"], "categories": ["accident.gas_leak"],
                                   "note": "只需本网格（this grid only）"})
    found = client.get(f"/api/v1/sharing/requests/{request_id}", headers=headers["dept"]).get_json()
    assert found["grant"]["areas"] == ["D01-S01-C01-G01"] and found["grant"]["personal_data"] is True
    assert "share_narrowed" in _kinds(app)
    key = _issue(client, headers, request_id, "key")
    assert key["url"] is None
    data = client.get("/api/v1/sharing/data", headers={"X-Share-Key": key["secret"]})
    assert data.status_code == 200, data.get_json()
    items = {i["id"]: i for i in data.get_json()["items"]}
    assert set(items) == {reports["inside"], reports["anonymous"]}  # not the road report, not the other street
    inside = items[reports["inside"]]
    assert inside["text"] == PHONE_TEXT and (inside["lat"], inside["lon"]) == (28.21237, 112.90481)
    assert (inside["reporter_name"], inside["reporter_phone"]) == ("张女士", "13800000001")
    assert items[reports["anonymous"]]["reporter_name"] is None  # never attributed
    # a link is not a key: the same secret is unknown there
    assert client.get(f"/api/v1/sharing/links/{key['secret']}").get_json()["code"] == "share_unknown"
    assert client.get("/api/v1/sharing/data").get_json()["code"] == "share_key_missing"


def test_a_grant_never_widens_and_a_narrowing_says_why(client, headers, reports):
    request_id = ask(client, headers["dept"]).get_json()["id"]
    url = f"/api/v1/sharing/requests/{request_id}/approve"
    wider = client.post(url, json={"areas": ["D02"], "note": "x"}, headers=headers["supervisor"])
    assert wider.status_code == 422 and wider.get_json()["code"] == "grant_wider_than_request"
    personal = client.post(url, json={"personal_data": True, "note": "x"}, headers=headers["supervisor"])
    assert personal.status_code == 422 and "personal_data" in personal.get_json()["errors"]
    longer = client.post(url, json={"use_until": (utcnow() + 60 * DAY).isoformat(), "note": "x"},
                         headers=headers["supervisor"])
    assert longer.status_code == 422 and "use_until" in longer.get_json()["errors"]
    silent = client.post(url, json={"areas": ["D01-S01-C01"]}, headers=headers["supervisor"])
    assert silent.status_code == 422 and "note" in silent.get_json()["errors"]
    assert client.post(url, json={"areas": ["D01-S01-C01"], "note": "本社区即可"}, headers=headers["admin"]).status_code == 200
    again = client.post(url, json={}, headers=headers["supervisor"])
    assert again.status_code == 409 and again.get_json()["code"] == "not_pending"


def test_refusal_needs_a_reason_and_tells_the_requester(client, app, headers, reports):
    request_id = ask(client, headers["dept"]).get_json()["id"]
    url = f"/api/v1/sharing/requests/{request_id}/refuse"
    assert client.post(url, json={"reason": " "}, headers=headers["supervisor"]).status_code == 422
    refused = client.post(url, json={"reason": "目的不明确"}, headers=headers["supervisor"])
    assert refused.status_code == 200 and refused.get_json()["status"] == "refused"
    with app.app_context():
        note = db.session.execute(db.select(Notification).where(Notification.kind == "share_refused")).scalar_one()
        assert "目的不明确" in note.message and note.message_en.startswith("Your data-sharing request")
    issued = client.post(f"/api/v1/sharing/requests/{request_id}/credentials", json={"kind": "link"},
                         headers=headers["dept"])
    assert issued.status_code == 409 and issued.get_json()["code"] == "not_approved"


def test_expired_links_and_revoked_sharing_refuse_with_json_and_are_logged(client, app, headers, reports):
    request_id = _approved(client, headers)
    link, key = _issue(client, headers, request_id), _issue(client, headers, request_id, "key", who="supervisor")
    with app.app_context():
        db.session.get(ShareCredential, link["id"]).expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    expired = client.get(f"/api/v1/sharing/links/{link['secret']}")
    assert expired.status_code == 410 and expired.get_json()["code"] == "share_expired"
    assert client.get("/api/v1/sharing/data", headers={"X-Share-Key": key["secret"]}).status_code == 200
    url = f"/api/v1/sharing/requests/{request_id}/revoke"
    assert client.post(url, json={"reason": "用途已结束"}, headers=headers["dept"]).status_code == 403
    assert client.post(url, json={"reason": "用途已结束"}, headers=headers["supervisor"]).status_code == 200
    revoked = client.get("/api/v1/sharing/data", headers={"X-Share-Key": key["secret"]})
    assert revoked.status_code == 403 and revoked.get_json()["code"] == "share_revoked"
    assert "share_revoked" in _kinds(app)
    with app.app_context():
        outcomes = [a.outcome for a in db.session.execute(db.select(ShareAccess).order_by(ShareAccess.id)).scalars()]
        assert outcomes == ["share_expired", "ok", "share_revoked"]
        assert db.session.get(DataShareRequest, request_id).status == "revoked"
    assert client.get("/api/v1/sharing/links/gwsl_no-such-link").status_code == 404


def test_the_period_of_use_ends_every_key(client, app, headers, reports):
    request_id = _approved(client, headers)
    key = _issue(client, headers, request_id, "key")
    with app.app_context():
        db.session.get(DataShareRequest, request_id).granted_until = utcnow() - timedelta(seconds=1)
        db.session.commit()
    ended = client.get("/api/v1/sharing/data", headers={"X-Share-Key": key["secret"]})
    assert ended.status_code == 410 and ended.get_json()["code"] == "share_expired"


@pytest.mark.parametrize("change, field", [
    ({"purpose": ""}, "purpose"), ({"kind": "hotspots"}, "kind"), ({"categories": []}, "categories"),
    ({"use_until": None}, "use_until"), ({"period_from": "yesterday"}, "period_from")])
def test_request_validation(client, headers, change, field):
    answer = ask(client, headers["dept"], **change)
    assert answer.status_code == 422 and field in answer.get_json()["errors"]


def test_request_terms_and_codes_are_checked(client, headers):
    too_long = ask(client, headers["dept"], use_until=(utcnow() + 181 * DAY).isoformat())
    assert too_long.status_code == 422 and "use_until" in too_long.get_json()["errors"]
    backwards = ask(client, headers["dept"], period_to=(utcnow() - 20 * DAY).isoformat())
    assert backwards.status_code == 422 and "period_to" in backwards.get_json()["errors"]
    unknown = ask(client, headers["dept"], categories=["no.such"], areas=["D09"])
    assert unknown.status_code == 422 and unknown.get_json()["code"] == "unknown_codes"
    assert set(unknown.get_json()["errors"]) == {"categories", "areas"}


def test_who_may_request_see_review_and_audit(client, app, headers):
    for role in ("resident", "grid_worker", "supervisor", "admin"):
        assert ask(client, headers[role]).status_code == 403, role
    request_id = ask(client, headers["dept"]).get_json()["id"]
    with app.app_context():  # another member of the gas department sees it; the water department does not
        create_user(username="gasx02", role="dept_staff", password="gasx-pass-2026", department="GAS")
    colleague = login_new(client, "gasx02", "gasx-pass-2026")
    assert client.get(f"/api/v1/sharing/requests/{request_id}", headers=colleague).status_code == 200
    assert client.get(f"/api/v1/sharing/requests/{request_id}", headers=headers["other_dept"]).status_code == 404
    assert client.get("/api/v1/sharing/requests", headers=headers["other_dept"]).get_json()["meta"]["total"] == 0
    assert client.get("/api/v1/sharing/requests", headers=headers["admin"]).get_json()["meta"]["total"] == 1
    for role in ("dept", "other_dept"):
        assert client.post(f"/api/v1/sharing/requests/{request_id}/approve", json={},
                           headers=headers[role]).status_code == 403
        assert client.get("/api/v1/sharing/accesses", headers=headers[role]).status_code == 403
    assert client.post(f"/api/v1/sharing/requests/{request_id}/approve", json={},
                       headers=headers["supervisor"]).status_code == 200
    denied = client.post(f"/api/v1/sharing/requests/{request_id}/credentials", json={"kind": "key"},
                         headers=headers["other_dept"])
    assert denied.status_code == 404


def login_new(client, username: str, password: str) -> dict:
    answer = client.post("/api/v1/auth/login", json={"username": username, "password": password})
    return {"Authorization": "Bearer " + answer.get_json()["access_token"]}


def test_the_demo_seed_adds_one_approved_and_one_pending_request_once(app, city):
    from server.demo.sharing import seed_sharing
    with app.app_context():
        assert seed_sharing() == 2 and seed_sharing() == 0
        statuses = sorted(r.status for r in db.session.execute(db.select(DataShareRequest)).scalars())
        assert statuses == ["approved", "pending"]


def test_stopping_one_link_leaves_the_other_credentials_working(client, headers, reports):
    request_id = _approved(client, headers)
    link, key = _issue(client, headers, request_id), _issue(client, headers, request_id, "key")
    assert client.delete(f"/api/v1/sharing/credentials/{link['id']}", headers=headers["other_dept"]).status_code == 404
    stopped = client.delete(f"/api/v1/sharing/credentials/{link['id']}", headers=headers["dept"])
    assert stopped.status_code == 200 and stopped.get_json()["revoked_at"]
    assert client.get(f"/api/v1/sharing/links/{link['secret']}").get_json()["code"] == "share_revoked"
    assert client.get("/api/v1/sharing/data", headers={"X-Share-Key": key["secret"]}).status_code == 200


def test_refusals_speak_the_callers_language(client, app, headers, reports):
    request_id = _approved(client, headers)
    link = _issue(client, headers, request_id)
    with app.app_context():
        db.session.get(ShareCredential, link["id"]).expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    url = f"/api/v1/sharing/links/{link['secret']}"
    assert client.get(url).get_json()["message"] == "该共享链接或密钥已过期，请重新生成或重新申请。"
    english = client.get(url, headers={"Accept-Language": "en"}).get_json()
    assert english["message"] == "This sharing link or key has expired; ask for a new one."


def test_cases_are_scoped_by_their_first_reports_place_and_masked(client, app, headers):
    from server.models import Case, Category, Report
    with app.app_context():
        ids = {}
        for key, grid in (("inside", "D01-S01-C01-G01"), ("outside", "D02-S01-C01-G01")):
            report_id = add_report(PHONE_TEXT, grid, "accident.gas_leak", 1)
            gas = db.session.execute(db.select(Category).where(Category.code == "accident.gas_leak")).scalar_one()
            case = Case(origin_report_id=report_id, category_id=gas.id, severity=3, status="received")
            db.session.add(case)
            db.session.flush()
            case.number, db.session.get(Report, report_id).case_id = f"GWS{case.id:06d}", case.id
            ids[key] = case.id
        db.session.commit()
    request_id = _approved(client, headers, kind="cases")
    link = _issue(client, headers, request_id)
    items = client.get(f"/api/v1/sharing/links/{link['secret']}").get_json()["items"]
    assert [i["id"] for i in items] == [ids["inside"]]
    assert items[0]["lat"] == 28.212 and "13912345678" not in items[0]["address"]
    assert items[0]["reporter_phone"] is None
