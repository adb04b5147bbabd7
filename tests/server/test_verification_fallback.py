"""Verification (核查) never dead-ends: the grid's worker, else the community's, else the street's, else a supervisor."""
import io

import pytest

from server.accounts.service import create_user
from server.extensions import db
from server.models import Area, Case, Report, Role, User, verify_chain

from .. import media_fixtures as mf
from ..helpers import login
from .test_cases_support import USERS, case_in

GRID = "D01-S01-C01-G02"  # no worker of its own
PASSWORD = "verify-pass-2026"
WORKERS = {"same_community": "D01-S01-C01-G01", "same_street": "D01-S01-C02-G01", "other_street": "D01-S02-C01-G01"}


@pytest.fixture
def world(client, city):
    """Every demo grid worker made inactive; one new worker per place in WORKERS; a case awaiting verification."""
    with city.app_context():
        for worker in db.session.execute(db.select(User).where(User.role == Role.GRID_WORKER.value)).scalars():
            worker.active = False
        db.session.commit()
        for name, grid in WORKERS.items():
            create_user(username=f"gw-{name}".replace("_", "-"), role="grid_worker", password=PASSWORD, grid=grid,
                        display_name=f"{name}网格员")
        case_id = case_in("feedback_submitted")
        report = db.session.get(Report, db.session.get(Case, case_id).origin_report_id)
        report.grid_id = db.session.execute(db.select(Area.id).where(Area.code == GRID)).scalar_one()
        db.session.commit()
    return case_id


def _token(client, name):
    body = {"username": f"gw-{name}".replace("_", "-"), "password": PASSWORD}
    response = client.post("/api/v1/auth/login", json=body)
    assert response.status_code == 200, response.get_json()
    return {"Authorization": "Bearer " + response.get_json()["access_token"]}


def _deactivate(app, name):
    with app.app_context():
        user = db.session.execute(db.select(User).where(User.username == f"gw-{name}".replace("_", "-"))).scalar_one()
        user.active = False
        db.session.commit()


def _verify(client, headers, case_id):
    data = {"note": "复查无异味", "photos": (io.BytesIO(mf.jpeg_bytes()), "p.jpg")}
    return client.post(f"/api/v1/cases/{case_id}/verification", headers=headers, data=data,
                       content_type="multipart/form-data")


def _verification_list(client, headers):
    response = client.get("/api/v1/cases?queue=verification", headers=headers)
    assert response.status_code == 200, response.get_json()
    return [c["id"] for c in response.get_json()["items"]]


def test_a_same_community_worker_sees_and_verifies(client, app, world):
    near, far = _token(client, "same_community"), _token(client, "other_street")
    assert world in _verification_list(client, near)
    assert world not in _verification_list(client, far)
    assert _verify(client, far, world).status_code == 404
    assert _verify(client, login(client, USERS["supervisor"]), world).status_code == 403  # a worker is near
    response = _verify(client, near, world)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["verification"]["verified_at"]


def test_without_a_community_worker_a_street_worker_verifies(client, app, world):
    _deactivate(app, "same_community")
    street = _token(client, "same_street")
    assert world in _verification_list(client, street)
    assert _verify(client, _token(client, "other_street"), world).status_code == 404
    assert _verify(client, street, world).status_code == 200


def test_without_a_street_worker_a_supervisor_waives_with_a_reason_and_closes(client, app, world):
    _deactivate(app, "same_community")
    _deactivate(app, "same_street")
    supervisor = login(client, USERS["supervisor"])
    url = f"/api/v1/cases/{world}/actions/waive_verification"
    missing = client.post(url, json={}, headers=supervisor)
    assert missing.status_code == 422 and "reason" in missing.get_json()["errors"]
    assert client.post(f"/api/v1/cases/{world}/actions/close", json={}, headers=supervisor).status_code == 409
    waived = client.post(url, json={"reason": "本街道暂无网格员，已电话回访报告人确认"}, headers=supervisor)
    assert waived.status_code == 200, waived.get_json()
    closed = client.post(f"/api/v1/cases/{world}/actions/close", json={}, headers=supervisor)
    assert closed.status_code == 200, closed.get_json()
    assert closed.get_json()["status"] == "closed"
    with app.app_context():
        case = db.session.get(Case, world)
        waiver = next(e for e in case.events if e.action == "waive_verification")
        assert waiver.note == "本街道暂无网格员，已电话回访报告人确认" and waiver.data["waived"] is True
        assert verify_chain(case.events)


def test_without_a_street_worker_a_supervisor_verifies_with_photos(client, app, world):
    _deactivate(app, "same_community")
    _deactivate(app, "same_street")
    supervisor = login(client, USERS["supervisor"])
    no_photo = client.post(f"/api/v1/cases/{world}/verification", headers=supervisor, data={"note": "x"},
                           content_type="multipart/form-data")
    assert no_photo.status_code == 422
    assert _verify(client, supervisor, world).status_code == 200
    waive = client.post(f"/api/v1/cases/{world}/actions/waive_verification", json={"reason": "已核查"},
                        headers=supervisor)
    assert waive.status_code == 409  # verified already: nothing to waive


def test_a_supervisor_may_not_waive_while_a_grid_worker_can_verify(client, app, world):
    supervisor = login(client, USERS["supervisor"])
    response = client.post(f"/api/v1/cases/{world}/actions/waive_verification", json={"reason": "图省事"},
                           headers=supervisor)
    assert response.status_code == 403


def test_the_feedback_review_queue_says_what_a_case_waits_for_and_offers_the_waiver(client, app, world):
    from ..admin.conftest import post, sign_in
    assert sign_in(client, USERS["supervisor"]).status_code == 302
    page = client.get("/admin/queues/feedback_review").get_data(as_text=True)
    item = page.split(f'data-case="{world}"')[1].split("</section>")[0]
    assert "待网格员核查" in item and "same_community网格员" in item and "同社区" in item
    assert 'data-action="waive_verification"' not in item  # a worker can verify: no waiver
    _deactivate(app, "same_community")
    _deactivate(app, "same_street")
    page = client.get("/admin/queues/feedback_review").get_data(as_text=True)
    item = page.split(f'data-case="{world}"')[1].split("</section>")[0]
    assert "可由指挥中心核查或免核查" in item
    assert 'data-action="verify"' in item and 'data-action="waive_verification"' in item
    assert 'data-action="reopen"' in item
    url = f"/admin/cases/{world}/act/waive_verification"
    post(client, url, {"reason": "街道暂无网格员", "next": "/admin/queues/feedback_review"})
    with app.app_context():
        assert db.session.get(Case, world).verified_at is not None
