"""Department webhooks: signed deliveries of dispatches and case updates to a real HTTP receiver, retries with
exponential backoff, failures shown to admins, redelivery; registration rules; delivery by a real RQ worker."""
import hashlib
import hmac
import json
import os
import subprocess
import sys
from datetime import timedelta

import pytest

from server.extensions import db
from server.webhooks.delivery import backoff_seconds, deliver, embedded
from server.webhooks.service import verify_signature
from server.models import Report, WebhookDelivery, utcnow
from server.pipeline.jobs import queue_for
from server.tasks.queue import WEBHOOK_QUEUE, backend

from ..helpers import LOGIN, login, new_uuid
from .interop_support import GAS, Receiver

LOOPBACK = "127.0.0.0/8"
# Registered but never sent to: a closed port on loopback (allowed by WEBHOOK_ALLOWED_CIDRS in these tests).
GAS_URL, X_URL, F_URL = "https://127.0.0.1:9/gas", "https://127.0.0.1:9/x", "https://127.0.0.1:9/f"


def _report(client, headers) -> int:
    response = client.post("/api/v1/reports", json={"client_uuid": new_uuid(), "text": GAS, "lat": 28.2345,
                                                    "lon": 112.9067}, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def _register(client, headers, url, **fields) -> dict:
    response = client.post("/api/v1/webhooks", json={"url": url, **fields}, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


@pytest.fixture
def fast(app, city):
    """Retries at once (no waiting in tests), at most three attempts; the receivers listen on loopback."""
    app.config.update(WEBHOOK_BACKOFF_BASE_SECONDS=0, WEBHOOK_MAX_ATTEMPTS=3, WEBHOOK_ALLOWED_CIDRS=LOOPBACK)
    return app


def test_dispatch_and_updates_are_posted_signed_to_the_departments_on_the_case(fast, client):
    admin, staff = login(client, LOGIN["admin"]), login(client, LOGIN["dept_staff"])
    with Receiver() as gas, Receiver() as education:
        hook = _register(client, admin, gas.url, department="GAS")
        assert hook["secret"].startswith("whsec_") and hook["health"] == "idle"
        _register(client, admin, education.url, department="EDUCATION")
        report_id = _report(client, login(client, LOGIN["resident"]))
        assert backend(fast).drain(timeout=120)
        assert embedded(fast).drain(timeout=60)

        assert len(gas.received) == 1 and education.received == [], "only departments on the case hear of it"
        request = gas.received[0]
        headers, raw = request["headers"], request["body"]
        expected = "sha256=" + hmac.new(hook["secret"].encode(), raw, hashlib.sha256).hexdigest()
        assert headers["X-GridWatch-Signature"] == expected
        assert verify_signature(hook["secret"], raw, headers["X-GridWatch-Signature"])
        assert not verify_signature(hook["secret"], raw + b" ", headers["X-GridWatch-Signature"])
        body = json.loads(raw)
        assert headers["X-GridWatch-Event"] == body["event"] == "case.dispatched"
        assert headers["X-GridWatch-Delivery"] == body["delivery_id"] and headers["X-GridWatch-Timestamp"].isdigit()
        assert headers["Content-Type"].startswith("application/json")
        assert body["department"] == {"code": "GAS", "role": "lead"}
        case = body["case"]
        assert case["status"] == "dispatched" and case["status_zh"] == "已派发" and case["lead"] == "GAS"
        assert case["category"] == "accident.gas_leak" and case["report"]["id"] == report_id
        assert "13812345678" not in raw.decode() and "138****5678" in case["report"]["text"], "masked"
        assert body["action"]["action"] == "dispatch" and body["links"]["actions"].endswith("/actions/{action}")

        # The department's system answers through the case actions API, and hears of its own step too.
        signed = client.post(f"/api/v1/cases/{case['id']}/actions/sign", json={"note": "已安排抢修"}, headers=staff)
        assert signed.status_code == 200, signed.get_json()
        assert embedded(fast).drain(timeout=60)
        update = gas.events()[-1]
        assert update["event"] == "case.updated" and update["action"]["action"] == "sign"
        assert update["case"]["status"] == "accepted" and update["action"]["note"] == "已安排抢修"
        assert update["action"]["seq"] == body["action"]["seq"] + 1

    listed = client.get("/api/v1/webhooks", headers=admin).get_json()
    gas_hook = next(h for h in listed if h["department"] == "GAS")
    assert gas_hook["health"] == "ok" and gas_hook["deliveries"]["delivered"] == 2
    assert next(h for h in listed if h["department"] == "EDUCATION")["health"] == "idle"


def test_dispatch_only_subscription_and_no_delivery_when_the_event_rolls_back(fast, client):
    admin = login(client, LOGIN["admin"])
    with Receiver() as gas:
        _register(client, admin, gas.url, department="GAS", events=["case.dispatched"])
        _report(client, login(client, LOGIN["resident"]))
        backend(fast).drain(timeout=120)
        embedded(fast).drain(timeout=60)
        case_id = gas.events()[0]["case"]["id"]
        staff = login(client, LOGIN["dept_staff"])
        assert client.post(f"/api/v1/cases/{case_id}/actions/sign", json={}, headers=staff).status_code == 200
        # A step the state machine refuses appends no event and sends nothing.
        assert client.post(f"/api/v1/cases/{case_id}/actions/sign", json={}, headers=staff).status_code == 409
        embedded(fast).drain(timeout=60)
        assert [e["event"] for e in gas.events()] == ["case.dispatched"], "updates were not subscribed"
    with fast.app_context():
        assert db.session.execute(db.select(db.func.count(WebhookDelivery.id))).scalar() == 1


def test_retries_with_exponential_backoff_until_delivered(fast, client):
    assert [backoff_seconds(n, base=30, cap=200) for n in (1, 2, 3, 4, 5)] == [30, 60, 120, 200, 200]
    admin = login(client, LOGIN["admin"])
    with Receiver(statuses=[500, 503]) as gas:
        _register(client, admin, gas.url, department="GAS", events=["case.dispatched"])
        _report(client, login(client, LOGIN["resident"]))
        backend(fast).drain(timeout=120)
        assert embedded(fast).drain(timeout=60)
        assert len(gas.received) == 3
        ids = {r["headers"]["X-GridWatch-Delivery"] for r in gas.received}
        assert len(ids) == 1, "the same delivery, retried"
        assert [r["headers"]["X-GridWatch-Attempt"] for r in gas.received] == ["1", "2", "3"]
        assert len({r["body"] for r in gas.received}) == 1, "the same signed body each time"
    deliveries = client.get("/api/v1/webhooks/deliveries", headers=admin).get_json()["items"]
    assert len(deliveries) == 1
    done = deliveries[0]
    assert done["status"] == "delivered" and done["attempts"] == 3 and done["last_status_code"] == 200
    assert done["last_error"] is None and done["delivered_at"]


def test_backoff_schedules_the_next_attempt_from_the_configured_base(app, city, client):
    app.config.update(WEBHOOK_BACKOFF_BASE_SECONDS=30, WEBHOOK_MAX_ATTEMPTS=5, WEBHOOK_ALLOWED_CIDRS=LOOPBACK)
    admin = login(client, LOGIN["admin"])
    with Receiver(statuses=[502, 502]) as gas:
        _register(client, admin, gas.url, department="GAS", events=["case.dispatched"])
        _report(client, login(client, LOGIN["resident"]))
        backend(app).drain(timeout=120)
        with app.app_context():
            row = db.session.execute(db.select(WebhookDelivery)).scalar_one()
            for attempt, wait in ((1, 30), (2, 60)):
                before = utcnow()
                assert deliver(row.id) == "failing"
                row = db.session.get(WebhookDelivery, row.id, populate_existing=True)
                assert row.attempts == attempt and row.last_status_code == 502
                assert before + timedelta(seconds=wait) <= row.next_attempt_at <= utcnow() + timedelta(seconds=wait)
            assert row.last_error.startswith("http_error: HTTP 502")


def test_failures_are_shown_to_admins_and_a_redelivery_gets_through(fast, client):
    admin = login(client, LOGIN["admin"])
    with Receiver(statuses=[500, 500, 500]) as gas:
        hook = _register(client, admin, gas.url, department="GAS", events=["case.dispatched"])
        _report(client, login(client, LOGIN["resident"]))
        backend(fast).drain(timeout=120)
        assert embedded(fast).drain(timeout=60)
        assert len(gas.received) == 3, "three attempts, then it gives up"

        listed = client.get("/api/v1/webhooks", headers=admin).get_json()[0]
        assert listed["health"] == "failing" and listed["deliveries"]["failed"] == 1
        assert listed["deliveries"]["delivered"] == 0 and "HTTP 500" in listed["deliveries"]["last_error"]
        failed = client.get("/api/v1/webhooks/deliveries?status=failed", headers=admin).get_json()
        assert failed["meta"]["total"] == 1
        row = failed["items"][0]
        assert row["attempts"] == 3 and row["last_status_code"] == 500 and row["next_attempt_at"] is None
        assert row["department"] == "GAS" and row["url"] == gas.url
        assert client.get("/api/v1/webhooks/deliveries?status=delivered", headers=admin).get_json()["items"] == []

        # The department fixes its receiver; an admin sends it again.
        again = client.post(f"/api/v1/webhooks/deliveries/{row['id']}/redeliver", headers=admin)
        assert again.status_code == 202 and again.get_json()["status"] == "pending"
        assert embedded(fast).drain(timeout=60)
        assert len(gas.received) == 4
    shown = client.get("/api/v1/webhooks", headers=admin).get_json()[0]
    assert shown["health"] == "ok" and shown["deliveries"]["delivered"] == 1 and shown["id"] == hook["id"]
    assert client.post("/api/v1/webhooks/deliveries/999/redeliver", headers=admin).status_code == 404
    staff = login(client, LOGIN["dept_staff"])
    assert client.post(f"/api/v1/webhooks/deliveries/{row['id']}/redeliver", headers=staff).status_code == 403
    assert client.get("/api/v1/webhooks/deliveries", headers=staff).get_json()["meta"]["total"] == 1
    fire = login(client, "fire01")
    assert client.get("/api/v1/webhooks/deliveries", headers=fire).get_json()["meta"]["total"] == 0
    assert client.get("/api/v1/webhooks", headers=login(client, LOGIN["resident"])).status_code == 403


def test_an_unreachable_receiver_records_the_network_error(fast, client):
    admin = login(client, LOGIN["admin"])
    with Receiver() as gone:
        url = gone.url
    _register(client, admin, url, department="GAS", events=["case.dispatched"])
    _report(client, login(client, LOGIN["resident"]))
    backend(fast).drain(timeout=120)
    assert embedded(fast).drain(timeout=60)
    row = client.get("/api/v1/webhooks/deliveries", headers=admin).get_json()["items"][0]
    assert row["status"] == "failed" and row["last_status_code"] is None
    assert "Connection" in row["last_error"] or "refused" in row["last_error"]


def test_registration_rules_secret_rotation_and_disabling(fast, client):
    admin, staff = login(client, LOGIN["admin"]), login(client, LOGIN["dept_staff"])
    bad = client.post("/api/v1/webhooks", json={"url": "ftp://example.org/x", "department": "GAS"}, headers=admin)
    assert bad.status_code == 422 and "url" in bad.get_json()["errors"]
    assert client.post("/api/v1/webhooks", json={"url": GAS_URL}, headers=admin).status_code == 422
    unknown = client.post("/api/v1/webhooks", json={"url": X_URL, "department": "NOPE"}, headers=admin)
    assert unknown.status_code == 422 and "department" in unknown.get_json()["errors"]
    events = client.post("/api/v1/webhooks", json={"url": X_URL, "department": "GAS",
                                                   "events": ["case.deleted"]}, headers=admin)
    assert events.status_code == 422
    own = _register(client, staff, GAS_URL)
    assert own["department"] == "GAS", "staff register for their own department"
    assert client.post("/api/v1/webhooks", json={"url": GAS_URL}, headers=staff).status_code == 409
    other = client.post("/api/v1/webhooks", json={"url": F_URL, "department": "FIRE"}, headers=staff)
    assert other.status_code == 403
    rotated = client.post(f"/api/v1/webhooks/{own['id']}/secret", headers=staff).get_json()
    assert rotated["secret"] != own["secret"] and rotated["secret"].startswith("whsec_")
    assert client.post(f"/api/v1/webhooks/{own['id']}/secret", headers=login(client, "fire01")).status_code == 404
    disabled = client.delete(f"/api/v1/webhooks/{own['id']}", headers=admin).get_json()
    assert disabled["active"] is False and disabled["health"] == "disabled"
    listed = client.get("/api/v1/webhooks", headers=staff).get_json()
    assert [h["id"] for h in listed] == [own["id"]] and "secret" not in listed[0]


def test_the_webhook_command_registers_and_lists(fast, client):
    from server.cli import cli
    runner = fast.test_cli_runner()
    with Receiver() as gas:
        added = runner.invoke(cli, ["webhook", "add", "GAS", gas.url, "--events", "case.dispatched"])
        assert added.exit_code == 0, added.output
        secret = added.output.split()[-1]
        _report(client, login(client, LOGIN["resident"]))
        backend(fast).drain(timeout=120)
        assert runner.invoke(cli, ["webhook", "resume", "--older-than", "0"]).exit_code == 0
        assert len(gas.received) == 1
        assert verify_signature(secret, gas.received[0]["body"], gas.received[0]["headers"]["X-GridWatch-Signature"])
    listing = runner.invoke(cli, ["webhook", "list"]).output
    assert "GAS" in listing and "delivered 1" in listing
    assert runner.invoke(cli, ["webhook", "add", "NOPE", X_URL]).exit_code != 0


# --- with Redis: the report's pipeline and the delivery both run in a real RQ worker ------------------------

@pytest.mark.redis
@pytest.mark.postgres
def test_a_real_rq_worker_processes_the_report_and_retries_the_delivery(redis_app):
    redis_app.config.update(WEBHOOK_ALLOWED_CIDRS=LOOPBACK)
    client = redis_app.test_client()
    admin = login(client, LOGIN["admin"])
    cfg = redis_app.config
    with Receiver(statuses=[503]) as gas:
        hook = _register(client, admin, gas.url, department="GAS", events=["case.dispatched"])
        report_id = _report(client, login(client, LOGIN["resident"]))
        env = {**os.environ, "GRIDWATCH_ENV": "test", "DATABASE_URL": cfg["SQLALCHEMY_DATABASE_URI"],
               "REDIS_URL": cfg["REDIS_URL"], "MEDIA_ROOT": cfg["MEDIA_ROOT"],
               "GRIDWATCH_INSTANCE": cfg["INSTANCE_DIR"],
               "WHISPER_MODEL": cfg["WHISPER_MODEL"], "WHISPER_MODEL_DIR": cfg["WHISPER_MODEL_DIR"],
               "PIPELINE_RETRY_INTERVALS": "0,1,1", "WEBHOOK_BACKOFF_BASE_SECONDS": "0",
               "WEBHOOK_ALLOWED_CIDRS": LOOPBACK}
        result = subprocess.run([sys.executable, "-m", "server.cli", "worker", "--burst",
                                 "--queues", f"{queue_for(False)},{WEBHOOK_QUEUE}"], env=env, capture_output=True,
                                text=True, timeout=300)
        assert result.returncode == 0, result.stderr[-2000:]
        assert len(gas.received) == 2, "failed once, retried by the worker, delivered"
        body = gas.received[-1]["body"]
        assert verify_signature(hook["secret"], body, gas.received[-1]["headers"]["X-GridWatch-Signature"])
        assert json.loads(body)["case"]["report"]["id"] == report_id
    with redis_app.app_context():
        assert db.session.get(Report, report_id).stage == "routed"
        row = db.session.execute(db.select(WebhookDelivery)).scalar_one()
        assert row.status == "delivered" and row.attempts == 2


def test_the_sweeper_sends_a_delivery_whose_job_was_lost(fast, client):
    """A delivery row committed but never queued (the process died first) goes out at the next sweep."""
    from server.webhooks.delivery import resume_job
    admin = login(client, LOGIN["admin"])
    with Receiver() as gas:
        _register(client, admin, gas.url, department="GAS", events=["case.dispatched"])
        _report(client, login(client, LOGIN["resident"]))
        assert backend(fast).drain(timeout=120) and embedded(fast).drain(timeout=60)
        assert len(gas.received) == 1
        with fast.app_context():
            sent = db.session.execute(db.select(WebhookDelivery)).scalar_one()
            lost = WebhookDelivery(webhook_id=sent.webhook_id, event=sent.event, case_id=sent.case_id,
                                   case_event_id=sent.case_event_id, body=sent.body.replace(sent.uuid, "lost"),
                                   created_at=utcnow() - timedelta(minutes=5),
                                   updated_at=utcnow() - timedelta(minutes=5))
            db.session.add(lost)
            db.session.commit()
            lost_id = lost.id
            resume_job()  # the periodic hand-over, beside the sweeper
        assert embedded(fast).drain(timeout=60)
        assert len(gas.received) == 2 and b'"lost"' in gas.received[1]["body"]
        with fast.app_context():
            assert db.session.get(WebhookDelivery, lost_id).status == "delivered"
