"""Faults with real services: private PostgreSQL and Redis servers are started for this module, stopped, killed and
restarted (the machine's shared servers are never touched).

- Redis stopped during intake: reports still get 201, and are processed once Redis is back (the sweeper).
- An RQ worker SIGKILLed in the middle of a job: after a restart the job runs again, with no duplicate case or event.
- PostgreSQL restarted: requests during the outage get a 503 JSON error, and the app recovers on its own.
- No Whisper model: voice reports flow on their text.
- Redis restarted while a worker runs a job: the same worker process carries on (new reports, delayed retries).
- A worker SIGKILLed: another worker's scheduler takes its scheduler locks over within a bounded number of polls.
- Redis restarted under ``gridwatch scheduler``: it carries on enqueueing the periodic jobs.
"""
import contextlib
import io
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bench.intake.servers import stop_processes
from server import create_app
from server.extensions import db
from server.models import Case, CaseEvent, Report, ReportEvent

from .. import media_fixtures as mf
from ..conftest import app_config, fresh_database
from ..helpers import LOGIN, PASSWORDS, login, new_uuid
from . import services

pytestmark = pytest.mark.skipif(services.missing_reason() is not None, reason=services.missing_reason() or "")
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def private_pg():
    server = services.PrivatePostgres()
    yield server
    server.destroy()


@pytest.fixture(scope="module")
def private_redis():
    server = services.PrivateRedis()
    yield server
    server.destroy()


@pytest.fixture
def fault_app(private_pg, private_redis, tmp_path):
    """An app on the private PostgreSQL and Redis, with the demo city's reference data."""
    if private_pg.port and not (private_pg.data / "postmaster.pid").exists():
        private_pg.start()
    if private_redis.proc is None:
        private_redis.start()
    app = create_app(app_config(private_pg.url, tmp_path, REDIS_URL=private_redis.url))
    fresh_database(app)
    from server.demo.seed import seed_reference
    with app.app_context():
        seed_reference()
    app.extensions["gridwatch_queue"].connection.flushdb()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _env(app, **extra) -> dict:
    cfg = app.config
    env = {**os.environ, "GRIDWATCH_ENV": "test", "DATABASE_URL": cfg["SQLALCHEMY_DATABASE_URI"],
           "REDIS_URL": cfg["REDIS_URL"], "MEDIA_ROOT": cfg["MEDIA_ROOT"], "GRIDWATCH_INSTANCE": cfg["INSTANCE_DIR"],
           "WHISPER_MODEL": cfg["WHISPER_MODEL"], "WHISPER_MODEL_DIR": cfg["WHISPER_MODEL_DIR"],
           "PIPELINE_RETRY_INTERVALS": "0,1,1", "WHISPER_THREADS": "1", "WORKER_HEARTBEAT_SECONDS": "1"}
    env.update(extra)
    return env


def gridwatch(app, *args, timeout=180):
    """Run the gridwatch command against the app's database, Redis and media."""
    done = subprocess.run([sys.executable, "-m", "server.cli", *args], env=_env(app), capture_output=True,
                          text=True, timeout=timeout, cwd=REPO)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _report_state(app, report_id: int) -> dict:
    with app.app_context():
        report = db.session.get(Report, report_id, populate_existing=True)
        cases = db.session.execute(db.select(Case).where(Case.origin_report_id == report_id)).scalars().all()
        events = [e.action for c in cases for e in db.session.execute(
            db.select(CaseEvent).where(CaseEvent.case_id == c.id).order_by(CaseEvent.seq)).scalars()]
        stages = db.session.execute(db.select(ReportEvent.stage).where(ReportEvent.report_id == report_id)).scalars()
        return {"stage": report.stage, "case_id": report.case_id, "cases": len(cases), "events": events,
                "stages": list(stages), "flags": list(report.flags or []), "category": report.category.code
                if report.category else None}


TEXTS = ["桂花园小区7栋楼道里有很重的煤气味", "东风路地铁站出口的井盖不见了", "学士路小学门口电线垂下来了",
         "枫林公园旁边工地围挡倒在人行道上", "莲塘路下穿隧道积水快到膝盖"]


def test_redis_stopped_during_intake_reports_get_201_and_are_processed_after(fault_app, private_redis):
    client = fault_app.test_client()
    resident = login(client, LOGIN["resident"])
    ids = []
    first = client.post("/api/v1/reports", json={"client_uuid": new_uuid(), "text": TEXTS[0]}, headers=resident)
    assert first.status_code == 201
    ids.append(first.get_json()["id"])
    private_redis.stop()  # queued job and all, as in a crash without persistence
    again = client.post("/api/v1/auth/login", json={"username": LOGIN["resident"],
                                                    "password": PASSWORDS[LOGIN["resident"]]})
    assert again.status_code == 200, "sign-in throttling falls back to memory without Redis"
    for text in TEXTS[1:]:
        response = client.post("/api/v1/reports", json={"client_uuid": new_uuid(), "text": text}, headers=resident)
        assert response.status_code == 201, response.get_json()
        ids.append(response.get_json()["id"])
    assert all(_report_state(fault_app, i)["stage"] == "received" for i in ids)
    private_redis.start()
    assert "re-enqueued 5" in gridwatch(fault_app, "sweep", "--grace", "0")
    assert "re-enqueued 0" in gridwatch(fault_app, "sweep", "--grace", "0"), "live jobs are not enqueued twice"
    gridwatch(fault_app, "worker", "--burst")
    for report_id in ids:
        state = _report_state(fault_app, report_id)
        assert state["stage"] == "routed" and state["case_id"], state
        assert state["stages"].count("routed") == 1, state


def test_worker_killed_mid_job_runs_again_without_duplicates(fault_app, tmp_path):
    client = fault_app.test_client()
    resident = login(client, LOGIN["resident"])
    report_id = client.post("/api/v1/reports", json={"client_uuid": new_uuid(), "text": TEXTS[0]},
                            headers=resident).get_json()["id"]
    marker = tmp_path / "stalled"
    worker = subprocess.Popen([sys.executable, "-m", "tests.security.stall_worker", "worker", "--queues", "reports"],
                              env=_env(fault_app, GW_STALL_MARKER=str(marker)), cwd=REPO,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert worker.poll() is None, worker.stderr.read().decode()[-3000:]
            assert time.monotonic() < deadline, "the worker never reached the stall"
            time.sleep(0.1)
        with fault_app.app_context():  # the case is written but not committed
            assert db.session.execute(db.select(db.func.count()).select_from(Case)).scalar_one() == 0
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
        worker.stderr.close()
    state = _report_state(fault_app, report_id)
    assert state["stage"] in ("received", "transcribed", "analysed") and state["cases"] == 0, state
    time.sleep(4)  # three missed heartbeats: the job is abandoned, not "started" for its whole timeout
    gridwatch(fault_app, "sweep", "--grace", "0")  # the scheduler's sweep finds the abandoned job and retries it
    gridwatch(fault_app, "worker", "--burst")
    state = _report_state(fault_app, report_id)
    assert state["stage"] == "routed" and state["cases"] == 1, state
    assert state["events"].count("create") == 1 and state["events"].count("dispatch") <= 1, state
    assert state["stages"] == ["transcribed", "analysed", "routed"], state


def _get(url: str, token: str | None = None, data: dict | None = None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    body = None
    if data is not None:
        headers["Content-Type"], body = "application/json", json.dumps(data).encode()
    request = urllib.request.Request(url, headers=headers, data=body, method="POST" if body else "GET")
    try:
        with urllib.request.urlopen(request, timeout=30) as resp:
            return resp.status, json.load(resp)
    except urllib.error.HTTPError as exc:
        return exc.code, json.load(exc)


@contextlib.contextmanager
def _two_workers(app, tmp_path):
    """Yield (base url, a login token) of the app under gunicorn with two workers, each holding pooled connections;
    afterwards, assert that no worker died and nothing raised."""
    from bench.intake.servers import WorkerConfig, gunicorn
    with gunicorn("server:create_app()", _env(app), REPO, WorkerConfig(2, 1), "/healthz", tmp_path / "g.log") as base:
        status, body = _get(base + "/api/v1/auth/login", data={"username": "gas01", "password": PASSWORDS["gas01"]})
        assert status == 200
        token = body["access_token"]
        for _ in range(6):
            assert _get(base + "/api/v1/auth/me", token)[0] == 200
        yield base, token
    log = (tmp_path / "g.log").read_text(errors="replace")
    assert "Worker exited" not in log and "Traceback" not in log, log[-2000:]


def test_postgres_restart_gives_503s_then_the_app_recovers_on_its_own(fault_app, private_pg, tmp_path):
    with _two_workers(fault_app, tmp_path) as (base, token):
        private_pg.stop()
        try:
            for url in ("/healthz", "/api/v1/auth/me", "/api/v1/cases"):
                for _ in range(3):
                    status, body = _get(base + url, token)
                    assert status == 503 and body["code"] == "database_unavailable" and body["message"], body
            status, body = _get(base + "/api/v1/reports", token, {"client_uuid": new_uuid(), "text": TEXTS[1]})
            assert status == 503 and body["code"] == "database_unavailable"
        finally:
            private_pg.start()
        for _ in range(6):  # every worker, every pooled connection: no restart of the app needed
            assert _get(base + "/api/v1/auth/me", token)[0] == 200
        assert _get(base + "/healthz")[0] == 200


def test_a_postgres_restart_between_two_requests_costs_no_request(fault_app, private_pg, tmp_path):
    """A restart faster than the pool's no-ping window, which no request saw: every pooled connection is dead, none
    has failed yet, and none has been idle long enough to be pinged. The first requests after it must not fail."""
    with _two_workers(fault_app, tmp_path) as (base, token):
        private_pg.stop()
        private_pg.start()
        answers = [_get(base + "/api/v1/auth/me", token)[0] for _ in range(8)]
        assert answers == [200] * 8


def test_without_a_whisper_model_voice_reports_flow_on_their_text(fault_app):
    client = fault_app.test_client()
    resident = login(client, LOGIN["resident"])
    data = {"client_uuid": new_uuid(), "text": TEXTS[0], "audio": (io.BytesIO(mf.audio_bytes("ogg")), "v.ogg")}
    response = client.post("/api/v1/reports", data=data, headers=resident, content_type="multipart/form-data")
    assert response.status_code == 201
    gridwatch(fault_app, "worker", "--burst", "--queues", "transcribe,reports")
    state = _report_state(fault_app, response.get_json()["id"])
    assert state["stage"] == "routed" and state["case_id"], state
    assert "transcription_unavailable" in state["flags"] and state["category"] == "accident.gas_leak", state


def _until(condition, polls: int = 1200, every: float = 0.1, why: str = "") -> int:
    """Poll ``condition`` up to ``polls`` times; returns how many polls it took (fails when it never held)."""
    for count in range(1, polls + 1):
        if condition():
            return count
        time.sleep(every)
    raise AssertionError(f"not within {polls} polls: {why}")


def _post(app, text: str) -> int:
    client = app.test_client()
    response = client.post("/api/v1/reports", json={"client_uuid": new_uuid(), "text": text},
                           headers=login(client, LOGIN["resident"]))
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def _spawn(app, tmp_path, name: str, *args: str, **env) -> subprocess.Popen:
    with open(tmp_path / f"{name}.log", "wb") as log:
        return subprocess.Popen([sys.executable, "-m", "tests.security.stall_worker", *args], env=_env(app, **env),
                                cwd=REPO, stdout=log, stderr=subprocess.STDOUT)


def test_a_worker_rides_out_a_redis_restart_in_the_middle_of_a_job(fault_app, private_redis, tmp_path):
    from rq import Worker
    marker, release, failed = tmp_path / "stalled", tmp_path / "release", tmp_path / "failed-once"
    fault_app.extensions["gridwatch_queue"].intervals = [2]  # a failed job waits in RQ's scheduled registry
    worker = _spawn(fault_app, tmp_path, "rider", "worker", "--queues", "reports", "--name", "rider",
                    GW_STALL_MARKER=str(marker), GW_STALL_RELEASE=str(release), GW_FAIL_TEXT="请重试",
                    GW_FAIL_ONCE=str(failed), WORKER_RECONNECT_MAX_SECONDS="1")
    log = tmp_path / "rider.log"
    try:
        first = _post(fault_app, TEXTS[0])
        _until(lambda: marker.exists() or worker.poll() is not None, why="the worker reaches the stall")
        assert worker.poll() is None, log.read_text()[-3000:]
        private_redis.stop()  # in the middle of the job
        release.write_text("go")
        _until(lambda: _report_state(fault_app, first)["stage"] == "routed", why="the job ends without Redis")
        private_redis.start()  # empty: everything queued is gone, as after a crash without persistence
        second = _post(fault_app, TEXTS[1])
        _until(lambda: _report_state(fault_app, second)["stage"] == "routed" or worker.poll() is not None,
               why="a report sent after the restart is processed")
        assert worker.poll() is None, "the worker did not exit: " + log.read_text()[-3000:]
        assert _report_state(fault_app, second)["stage"] == "routed"
        connection = fault_app.extensions["gridwatch_queue"].connection
        assert [w.pid for w in Worker.all(connection=connection)] == [worker.pid], "the same process, reconnected"
        third = _post(fault_app, TEXTS[2] + "，请重试")  # fails once; RQ's retry waits 2 s in the scheduled registry
        _until(lambda: _report_state(fault_app, third)["stage"] == "routed", why="the delayed retry runs")
        assert failed.read_text() == str(third), "the first attempt failed, the scheduled retry routed it"
        # Redis restarted again while the worker waits for work: its scheduler (a child process that died with
        # Redis, before) reconnects, so delayed retries do not stall.
        private_redis.stop()
        _until(lambda: "scheduler rider: Redis unavailable" in log.read_text(errors="replace"),
               why="the worker's scheduler notices the outage")
        private_redis.start()
        failed.unlink()  # the next report with the token fails once too
        fourth = _post(fault_app, TEXTS[3] + "，请重试")
        _until(lambda: _report_state(fault_app, fourth)["stage"] == "routed" or worker.poll() is not None,
               why="the delayed retry after the second restart runs")
        assert worker.poll() is None and failed.read_text() == str(fourth), log.read_text()[-3000:]
        assert _report_state(fault_app, fourth)["stage"] == "routed"
        assert [w.pid for w in Worker.all(connection=connection)] == [worker.pid], "registered again, once"
        for report_id in (first, second, third, fourth):
            state = _report_state(fault_app, report_id)
            assert state["cases"] == 1 and state["events"].count("create") == 1, state
    finally:
        release.write_text("go")
        stop_processes([worker])


def test_a_killed_workers_scheduler_locks_pass_to_another_worker(fault_app, tmp_path):
    from datetime import timedelta

    from rq import Queue

    from server.tasks.queue import REPORTS_QUEUE
    connection = fault_app.extensions["gridwatch_queue"].connection
    lock = f"rq:scheduler-lock:{REPORTS_QUEUE}"
    first = _spawn(fault_app, tmp_path, "first", "worker", "--queues", "reports", "--name", "first",
                   SCHEDULER_LOCK_SECONDS="3")
    second = None
    try:
        _until(lambda: connection.get(lock) == b"first" or first.poll() is not None, why="the first worker's lock")
        assert first.poll() is None, (tmp_path / "first.log").read_text()[-3000:]
        second = _spawn(fault_app, tmp_path, "second", "worker", "--queues", "reports", "--name", "second",
                        SCHEDULER_LOCK_SECONDS="3")
        _until(lambda: connection.exists("rq:scheduler:second") or second.poll() is not None,
               why="the second worker's scheduler runs")
        assert second.poll() is None, (tmp_path / "second.log").read_text()[-3000:]
        assert connection.get(lock) == b"first", "one scheduler per queue"
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
        _until(lambda: connection.get(lock) == b"second", polls=100,  # 10 s: lock 3 s, one poll a second
               why="the second worker's scheduler takes the lock of the killed one")
        started, release = tmp_path / "job-started", tmp_path / "job-release"
        release.write_text("go")
        Queue(REPORTS_QUEUE, connection=connection).enqueue_in(
            timedelta(seconds=1), "tests.server.blocking_job.block_until", str(started), str(release))
        _until(started.exists, why="a delayed job is moved to its queue by the new lock holder and runs")
    finally:
        stop_processes([first, *([second] if second else [])])


def test_the_scheduler_rides_out_a_redis_restart(fault_app, private_redis, tmp_path):
    from rq import Queue

    from server.tasks.queue import MAINTENANCE_QUEUE
    connection = fault_app.extensions["gridwatch_queue"].connection
    scheduler = _spawn(fault_app, tmp_path, "scheduler", "scheduler", SWEEP_INTERVAL_SECONDS="1",
                       WORKER_RECONNECT_MAX_SECONDS="1", RECLUSTER_INTERVAL_SECONDS="3600")
    maintenance = Queue(MAINTENANCE_QUEUE, connection=connection)
    try:
        _until(lambda: maintenance.count > 0 or scheduler.poll() is not None, why="the periodic jobs are enqueued")
        private_redis.stop()
        _until(lambda: "Redis unavailable" in (tmp_path / "scheduler.log").read_text(errors="replace")
               or scheduler.poll() is not None, why="the scheduler notices the outage")
        private_redis.start()
        _until(lambda: maintenance.count > 0 or scheduler.poll() is not None, why="enqueueing resumes")
        assert scheduler.poll() is None, (tmp_path / "scheduler.log").read_text()[-3000:]
        assert maintenance.count > 0
    finally:
        stop_processes([scheduler])


def test_a_worker_started_while_redis_is_down_waits_for_it(fault_app, private_redis, tmp_path):
    private_redis.stop()
    worker = _spawn(fault_app, tmp_path, "early", "worker", "--queues", "reports", WORKER_RECONNECT_MAX_SECONDS="1")
    log = tmp_path / "early.log"
    try:
        _until(lambda: "Redis unavailable" in log.read_text(errors="replace") or worker.poll() is not None,
               why="the worker tries to reach Redis")
        assert worker.poll() is None, log.read_text()[-3000:]
        private_redis.start()
        report_id = _post(fault_app, TEXTS[4])
        _until(lambda: _report_state(fault_app, report_id)["stage"] == "routed" or worker.poll() is not None,
               why="the worker starts working once Redis is there")
        assert _report_state(fault_app, report_id)["stage"] == "routed", log.read_text()[-3000:]
    finally:
        stop_processes([worker])
