"""The inbox API (each user sees only their own notices) and the outbound log channel (after commit, retried)."""
import logging

from server.extensions import db
from server.models import Notification, NotificationDelivery
from server.notifications import outbound
from server.notifications.channels import LogChannel
from server.webhooks.delivery import embedded

from ..helpers import login
from .test_cases_support import USERS, case_in, user


def _resident_notices(client, headers, **query):
    response = client.get("/api/v1/notifications", headers=headers, query_string=query)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_the_inbox_shows_only_your_own_in_your_language(client, city):
    with city.app_context():
        case_in("closed")
    resident, worker = login(client, USERS["resident"]), login(client, USERS["grid_worker"])
    mine = _resident_notices(client, resident)
    assert mine["unread"] == 4 and mine["meta"]["total"] == 4
    kinds = [n["kind"] for n in mine["items"]]
    assert kinds == ["report_closed", "report_handled", "report_dispatched", "report_accepted"]
    closed = mine["items"][0]
    assert closed["action"] == "rate" and closed["report_id"] and closed["case_number"]
    assert "办结" in closed["message"] and closed["local_time"][:4].isdigit()
    english = _resident_notices(client, {**resident, "Accept-Language": "en"})
    assert english["items"][0]["message"].startswith("Case ") and "Please rate" in english["items"][0]["message"]
    paged = _resident_notices(client, resident, per_page=3, page=2)
    assert len(paged["items"]) == 1 and paged["meta"]["pages"] == 2
    theirs = _resident_notices(client, worker)
    assert [n["kind"] for n in theirs["items"]] == ["verify_waiting"]
    # marking another's notice read does nothing to it
    answer = client.post("/api/v1/notifications/read", json={"ids": [theirs["items"][0]["id"]]}, headers=resident)
    assert answer.status_code == 200 and answer.get_json()["unread"] == 4
    assert _resident_notices(client, worker)["unread"] == 1
    one = client.post("/api/v1/notifications/read", json={"ids": [closed["id"]]}, headers=resident).get_json()
    assert one["unread"] == 3
    assert client.get("/api/v1/notifications/unread", headers=resident).get_json() == {"unread": 3}
    assert client.post("/api/v1/notifications/read", json={"all": True}, headers=resident).get_json()["unread"] == 0
    assert _resident_notices(client, worker)["unread"] == 1


def test_bad_requests_are_answered_with_a_code(client, city):
    resident = login(client, USERS["resident"])
    empty = client.post("/api/v1/notifications/read", json={}, headers=resident)
    assert empty.status_code == 422 and empty.get_json()["code"] == "unprocessable_entity"
    assert "ids" in str(empty.get_json()["errors"])
    assert client.get("/api/v1/notifications?per_page=500", headers=resident).status_code == 422
    assert client.get("/api/v1/notifications").status_code == 401
    assert client.get("/api/v1/notifications/deliveries", headers=resident).status_code == 403


def test_the_log_channel_sends_after_the_commit_once_with_the_phone_masked(client, city, caplog):
    with city.app_context():
        case_in("received")
        rows = db.session.execute(db.select(NotificationDelivery)).scalars().all()
        assert rows and {r.status for r in rows} == {"pending"}
    with caplog.at_level(logging.INFO, logger="gridwatch.notifications.outbound"):
        assert embedded(city).drain(timeout=60)
    with city.app_context():
        rows = db.session.execute(db.select(NotificationDelivery)).scalars().all()
        assert {r.status for r in rows} == {"sent"} and {r.attempts for r in rows} == {1}
        resident_row = next(r for r in rows if r.notification.user_id == user(USERS["resident"]).id)
        assert resident_row.recipient == "138****0001"
        assert outbound.deliver(resident_row.id) == "sent"  # a job run again sends nothing more
        assert db.session.get(NotificationDelivery, resident_row.id).attempts == 1
    lines = [r.getMessage() for r in caplog.records if r.name == "gridwatch.notifications.outbound"]
    assert len(lines) == len(rows)
    assert any("138****0001" in line and "受理" in line for line in lines)
    assert not any("13800000001" in line for line in lines)
    supervisor = login(client, USERS["supervisor"])
    listed = client.get("/api/v1/notifications/deliveries?status=sent", headers=supervisor).get_json()
    assert listed["meta"]["total"] == len(rows) and listed["items"][0]["recipient"]


def test_a_failed_send_is_retried_until_sent(city, monkeypatch):
    city.config["NOTIFY_BACKOFF_BASE_SECONDS"] = 0  # retry at once: the test waits for nothing
    calls = []
    real = LogChannel.send

    def flaky(self, recipient, text, **kwargs):
        calls.append(kwargs["notice_id"])
        if calls.count(kwargs["notice_id"]) == 1:
            raise ConnectionError("gateway unreachable")
        return real(self, recipient, text, **kwargs)

    monkeypatch.setattr(LogChannel, "send", flaky)
    with city.app_context():
        case_in("received")
    assert embedded(city).drain(timeout=60)
    with city.app_context():
        rows = db.session.execute(db.select(NotificationDelivery)).scalars().all()
        assert {r.status for r in rows} == {"sent"} and {r.attempts for r in rows} == {2}
        notices = db.session.execute(db.select(db.func.count()).select_from(Notification)).scalar_one()
        assert len(rows) == notices and len(calls) == 2 * notices


def test_attempts_used_up_mark_the_delivery_failed(city, monkeypatch):
    city.config.update(NOTIFY_BACKOFF_BASE_SECONDS=0, NOTIFY_MAX_ATTEMPTS=2)

    def broken(self, recipient, text, **kwargs):
        raise ConnectionError("gateway unreachable")

    monkeypatch.setattr(LogChannel, "send", broken)
    with city.app_context():
        case_in("received")
    assert embedded(city).drain(timeout=60)
    with city.app_context():
        rows = db.session.execute(db.select(NotificationDelivery)).scalars().all()
        assert {(r.status, r.attempts) for r in rows} == {("failed", 2)}
        assert "gateway unreachable" in rows[0].last_error
