"""The webhook network policy: internal targets refused at registration and again at connect time (nothing is ever
sent to them), no redirects, what department staff see of failures, the cap per department, and slow receivers
that cannot delay reports (real RQ workers on the real Redis). Every connection these tests make is to loopback."""
import os
import subprocess
import sys
import time

import pytest

from server.config import Config
from server.extensions import db
from server.webhooks import netpolicy
from server.webhooks.delivery import embedded, resume_pending, setting
from server.webhooks.transport import REASONS
from server.models import Department, Report, Webhook, WebhookDelivery
from server.pipeline.jobs import queue_for
from server.tasks.queue import WEBHOOK_QUEUE, backend
from server.accounts.security import encrypt

from ..helpers import LOGIN, login, new_uuid
from .interop_support import GAS, Blackhole, Receiver, closed_port

LOOPBACK = "127.0.0.0/8"
INTERNAL = [
    "https://127.0.0.1/hook", "http://127.0.0.1:6379/", "https://localhost/hook", "https://LOCALHOST./hook",
    "https://api.localhost/hook", "https://[::1]/hook", "https://0x7f000001/hook", "https://2130706433/hook",
    "https://127.1/hook", "https://0177.0.0.1/hook", "https://127。0。0。1/hook", "https://１２７.０.０.１/hook",
    "https://10.0.0.1/hook", "https://172.16.5.4/hook", "https://192.168.1.1/hook", "https://100.64.0.1/hook",
    "http://169.254.169.254/latest/meta-data/", "http://metadata.google.internal/computeMetadata/v1/",
    "https://0.0.0.0/hook", "https://224.0.0.1/hook", "https://255.255.255.255/hook", "https://240.0.0.1/hook",
    "https://[::ffff:127.0.0.1]/hook", "https://[::ffff:8.8.8.8]/hook", "https://[::127.0.0.1]/hook",
    "https://[2002:7f00:1::1]/hook", "https://[2002:a00:1::1]/hook", "https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/",
    "https://[fe80::1]/hook", "https://[fc00::1]/hook", "https://[ff02::1]/hook", "https://[::]/hook",
    "https://intranet/hook", "https://user:pw@8.8.8.8/hook", "https://8.8.8.8\\@example.org/hook",
]


def _report(client, headers) -> int:
    response = client.post("/api/v1/reports", json={"client_uuid": new_uuid(), "text": GAS, "lat": 28.2345,
                                                    "lon": 112.9067}, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def _store_hook(app, url: str) -> None:
    """A GAS webhook written straight to the database, as one registered before the policy existed."""
    with app.app_context():
        gas = db.session.execute(db.select(Department).where(Department.code == "GAS")).scalar_one()
        db.session.add(Webhook(department_id=gas.id, url=url, secret_enc=encrypt("whsec_old"),
                               events=["case.dispatched"]))
        db.session.commit()


def _deliveries(app) -> list[WebhookDelivery]:
    with app.app_context():
        rows = db.session.execute(db.select(WebhookDelivery).order_by(WebhookDelivery.id)).scalars().all()
        db.session.expunge_all()
        return rows


@pytest.fixture
def fast(app, city):
    app.config.update(WEBHOOK_BACKOFF_BASE_SECONDS=0, WEBHOOK_MAX_ATTEMPTS=2)
    return app


def test_internal_targets_are_refused_at_registration(fast, client):
    admin, staff = login(client, LOGIN["admin"]), login(client, LOGIN["dept_staff"])
    for url in INTERNAL:
        for headers, body in ((staff, {"url": url}), (admin, {"url": url, "department": "GAS"})):
            response = client.post("/api/v1/webhooks", json=body, headers=headers)
            assert response.status_code == 422, (url, response.get_json())
            assert "url" in response.get_json()["errors"], url
    with fast.app_context():
        assert db.session.execute(db.select(db.func.count(Webhook.id))).scalar() == 0
    # A host name is judged by every address it resolves to (here through the hosts file, no DNS traffic).
    target = netpolicy.Target("http", "localhost", 80, "/")
    with pytest.raises(netpolicy.BlockedTarget):
        netpolicy.resolve_checked(target)
    # Public addresses are fine (checked without connecting).
    for url in ("https://8.8.8.8/hook", "https://[2606:4700::1111]/hook", "https://[2002:808:808::1]/hook",
                "https://gas.example.org:8443/hook?x=1"):
        netpolicy.check_url(url, {"https"})


def test_allowed_cidrs_open_only_the_listed_ranges(fast, client, monkeypatch):
    fast.config["WEBHOOK_ALLOWED_CIDRS"] = "10.20.0.0/16, 192.168.7.0/24"
    admin = login(client, LOGIN["admin"])
    ok = client.post("/api/v1/webhooks", json={"url": "https://10.20.3.4/hook", "department": "GAS"}, headers=admin)
    assert ok.status_code == 201, ok.get_json()
    for url in ("https://10.21.0.1/hook", "https://127.0.0.1/hook", "https://192.168.8.1/hook",
                "https://[::ffff:10.20.3.4]/hook", "https://169.254.169.254/"):
        assert client.post("/api/v1/webhooks", json={"url": url, "department": "GAS"},
                           headers=admin).status_code == 422, url
    allowed = netpolicy.allowed_networks("0.0.0.0/0")
    with pytest.raises(netpolicy.BlockedTarget):  # never the unspecified address or multicast
        netpolicy.check_url("https://224.0.0.1/", {"https"}, allowed)
    monkeypatch.setenv("WEBHOOK_ALLOWED_CIDRS", "10.0.0.0/8,not-a-range")
    with pytest.raises(RuntimeError, match="WEBHOOK_ALLOWED_CIDRS"):
        Config({"GRIDWATCH_ENV": "test"})


def test_targets_are_checked_again_at_connect_time_and_never_contacted(fast, client):
    """Hooks stored before the policy, or whose range is no longer allowed, get no connection at all."""
    with Receiver() as listener:
        port = listener.server.server_port
        for url in (f"http://localhost:{port}/a", f"http://0x7f000001:{port}/b", f"http://127.1:{port}/c",
                    f"http://[::ffff:127.0.0.1]:{port}/d", f"http://127.0.0.1:{port}/e"):
            _store_hook(fast, url)
        _report(client, login(client, LOGIN["resident"]))
        assert backend(fast).drain(timeout=120) and embedded(fast).drain(timeout=60)
        assert listener.connections == 0 and listener.received == []
    rows = _deliveries(fast)
    assert len(rows) == 5
    assert all(r.status == "failed" and r.attempts == 1 and r.last_status_code is None for r in rows)
    assert all(r.last_error.startswith("blocked_address") for r in rows), [r.last_error for r in rows]
    staff = client.get("/api/v1/webhooks/deliveries", headers=login(client, LOGIN["dept_staff"])).get_json()
    assert {(i["reason"], i["last_error"]) for i in staff["items"]} == {("blocked_address", "blocked_address")}
    # An operator finds (and disables) such webhooks with one command.
    from server.cli import cli
    runner = fast.test_cli_runner()
    found = runner.invoke(cli, ["webhook", "check"])
    assert found.exit_code == 1 and "5 webhook(s) refused" in found.output, found.output
    assert runner.invoke(cli, ["webhook", "check", "--disable"]).exit_code == 0
    assert runner.invoke(cli, ["webhook", "check"]).output.strip() == "0 webhook(s) refused by the network policy"


def test_redirects_are_not_followed(fast, client):
    fast.config["WEBHOOK_ALLOWED_CIDRS"] = LOOPBACK
    admin = login(client, LOGIN["admin"])
    with Receiver() as elsewhere, Receiver(statuses=[307, 302], location=elsewhere.url) as gas:
        client.post("/api/v1/webhooks", json={"url": gas.url, "department": "GAS"}, headers=admin)
        _report(client, login(client, LOGIN["resident"]))
        assert backend(fast).drain(timeout=120) and embedded(fast).drain(timeout=60)
        assert len(gas.received) == 2 and elsewhere.connections == 0
    row = _deliveries(fast)[0]
    assert row.status == "failed" and row.last_status_code == 302 and row.last_error.startswith("redirect_refused")


def test_staff_see_a_status_code_and_a_reason_admins_the_detail(fast, client):
    fast.config["WEBHOOK_ALLOWED_CIDRS"] = LOOPBACK
    admin, staff = login(client, LOGIN["admin"]), login(client, LOGIN["dept_staff"])
    secret = b"internal-only: db=10.1.2.3 user=root " * 20
    with Receiver(statuses=[500, 500], body=secret) as gas:
        client.post("/api/v1/webhooks", json={"url": gas.url, "department": "GAS"}, headers=admin)
        client.post("/api/v1/webhooks", json={"url": f"http://127.0.0.1:{closed_port()}/gone", "department": "GAS"},
                    headers=admin)
        _report(client, login(client, LOGIN["resident"]))
        assert backend(fast).drain(timeout=120) and embedded(fast).drain(timeout=60)
    seen = client.get("/api/v1/webhooks/deliveries", headers=staff).get_json()["items"]
    assert sorted((i["reason"], i["last_status_code"]) for i in seen) == [("http_error", 500), ("unreachable", None)]
    for item in seen:
        assert item["last_error"] == item["reason"] and item["reason"] in REASONS
    hooks_seen = client.get("/api/v1/webhooks", headers=staff).get_json()
    assert all(h["deliveries"]["last_error"] in REASONS for h in hooks_seen)
    raw = str(seen) + str(hooks_seen)
    assert "internal-only" not in raw and "Errno" not in raw and "refused" not in raw.lower()
    full = client.get("/api/v1/webhooks/deliveries", headers=admin).get_json()["items"]
    http = next(i for i in full if i["reason"] == "http_error")
    assert http["last_error"].startswith("http_error: HTTP 500: internal-only") and len(http["last_error"]) < 400
    gone = next(i for i in full if i["reason"] == "unreachable")
    assert "refused" in gone["last_error"].lower()


def _self_signed(tmp_path):
    """A certificate for 127.0.0.1 that no one trusts, and its key (PEM files)."""
    import datetime
    import ipaddress
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


def test_certificates_are_verified(fast, client, tmp_path):
    import ssl
    fast.config["WEBHOOK_ALLOWED_CIDRS"] = LOOPBACK
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*_self_signed(tmp_path))
    with Receiver() as gas:
        gas.server.socket = context.wrap_socket(gas.server.socket, server_side=True)
        url = f"https://127.0.0.1:{gas.server.server_port}/hook"
        assert client.post("/api/v1/webhooks", json={"url": url, "department": "GAS"},
                           headers=login(client, LOGIN["admin"])).status_code == 201
        _report(client, login(client, LOGIN["resident"]))
        assert backend(fast).drain(timeout=120) and embedded(fast).drain(timeout=60)
        assert gas.received == [], "nothing is sent over an unverified connection"
    row = _deliveries(fast)[0]
    assert row.status == "failed" and row.last_error.startswith("tls_error") and "verify" in row.last_error


def test_active_webhooks_per_department_are_capped(fast, client):
    fast.config.update(WEBHOOK_ALLOWED_CIDRS=LOOPBACK, WEBHOOK_MAX_PER_DEPARTMENT=2)
    staff = login(client, LOGIN["dept_staff"])
    ids = [client.post("/api/v1/webhooks", json={"url": f"https://127.0.0.1:9/{n}"}, headers=staff).get_json()["id"]
           for n in range(2)]
    over = client.post("/api/v1/webhooks", json={"url": "https://127.0.0.1:9/more"}, headers=staff)
    assert over.status_code == 409
    body = over.get_json()
    assert body["code"] == "conflict" and "WEBHOOK_MAX_PER_DEPARTMENT" in body["message"] and body["errors"]
    assert client.delete(f"/api/v1/webhooks/{ids[0]}", headers=staff).status_code == 200
    assert client.post("/api/v1/webhooks", json={"url": "https://127.0.0.1:9/more"}, headers=staff).status_code == 201


def test_webhook_settings_come_from_config(app, monkeypatch):
    monkeypatch.setenv("WEBHOOK_READ_TIMEOUT", "99")
    with app.app_context():
        assert setting("WEBHOOK_READ_TIMEOUT") == 5 and setting("WEBHOOK_CONNECT_TIMEOUT") == 3
    config = Config({"GRIDWATCH_ENV": "test"})
    assert config.WEBHOOK_READ_TIMEOUT == 99 and config.WEBHOOK_ALLOWED_CIDRS == ""
    assert config.WEBHOOK_MAX_PER_DEPARTMENT == 5


# --- slow receivers cannot delay reports: real RQ workers, real Redis ------------------------------------------

def _wait(condition, what: str, limit: float = 180) -> None:
    """Poll until ``condition()`` holds (the limit only stops a broken run; nothing here is timed)."""
    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, f"never happened: {what}"
        time.sleep(0.2)


def _worker(app, queues: str, **env) -> subprocess.Popen:
    cfg = app.config
    env = {**os.environ, "GRIDWATCH_ENV": "test", "DATABASE_URL": cfg["SQLALCHEMY_DATABASE_URI"],
           "REDIS_URL": cfg["REDIS_URL"], "MEDIA_ROOT": cfg["MEDIA_ROOT"], "GRIDWATCH_INSTANCE": cfg["INSTANCE_DIR"],
           "WHISPER_MODEL": cfg["WHISPER_MODEL"], "WHISPER_MODEL_DIR": cfg["WHISPER_MODEL_DIR"],
           "WEBHOOK_ALLOWED_CIDRS": LOOPBACK, **env}
    return subprocess.Popen([sys.executable, "-m", "server.cli", "worker", "--queues", queues], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _stop(process: subprocess.Popen, kill: bool = False) -> None:
    if kill:  # stuck on purpose: a warm shutdown would wait for the receiver
        process.kill()
    else:
        process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _stage(app, report_id: int) -> tuple[str, int | None]:
    with app.app_context():
        report = db.session.get(Report, report_id)
        result = report.stage, report.case_id
        db.session.remove()
        return result


@pytest.mark.redis
@pytest.mark.postgres
def test_receivers_that_never_answer_do_not_delay_reports(redis_app):
    redis_app.config.update(WEBHOOK_ALLOWED_CIDRS=LOOPBACK)
    client = redis_app.test_client()
    admin, resident = login(client, LOGIN["admin"]), login(client, LOGIN["resident"])
    with Blackhole() as hole:
        for n in range(redis_app.config["WEBHOOK_MAX_PER_DEPARTMENT"]):
            response = client.post("/api/v1/webhooks", json={"url": hole.url(f"/hook{n}"), "department": "GAS"},
                                   headers=admin)
            assert response.status_code == 201, response.get_json()
        # A webhook worker that waits a long time for each answer, and a report worker: separate queues.
        hooks = _worker(redis_app, WEBHOOK_QUEUE, WEBHOOK_READ_TIMEOUT="600")
        reports = _worker(redis_app, queue_for(False))
        try:
            first = _report(client, resident)
            _wait(hole.accepted.is_set, "a delivery connected to the silent receiver")
            assert _stage(redis_app, first)[0] == "routed"
            second = _report(client, resident)
            _wait(lambda: _stage(redis_app, second)[0] in ("routed", "failed"), "the second report processed")
            stage, case_id = _stage(redis_app, second)
            assert stage == "routed" and case_id is not None
            # ... while the deliveries are still waiting for the receiver: none finished, most still queued.
            with redis_app.app_context():
                rows = db.session.execute(db.select(WebhookDelivery)).scalars().all()
                assert len(rows) >= 5 and all(r.status == "pending" for r in rows)
                assert sum(r.attempts for r in rows) == 1, "one attempt in progress, the others waiting"
                from rq import Queue
                hooks_queue = Queue(WEBHOOK_QUEUE, connection=backend(redis_app).connection)

                def webhook_jobs():  # the outbound queue also carries the residents' notices (SMS and the like)
                    return [j for j in hooks_queue.jobs if j.func_name.startswith("server.webhooks.")]
                waiting = len(webhook_jobs())
                assert waiting == len(rows) - 1
                # The sweeper does not queue again what is only waiting its turn, and puts back on the webhook
                # queue (not a report queue) a delivery whose job was lost.
                assert resume_pending(older_than_seconds=0) == 0 and len(webhook_jobs()) == waiting
                webhook_jobs()[-1].delete()
                assert len(webhook_jobs()) == waiting - 1
                assert resume_pending(older_than_seconds=0) == 1 and len(webhook_jobs()) == waiting
        finally:
            _stop(reports)
            _stop(hooks, kill=True)
