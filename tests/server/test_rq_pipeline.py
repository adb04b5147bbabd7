"""With Redis: real RQ workers (separate processes) on PostgreSQL process reports end to end."""
import io
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.intake.servers import stop_processes
from server import create_app
from server.extensions import db
from server.models import Report

from .. import media_fixtures as mf
from ..conftest import app_config
from ..helpers import LOGIN, login, new_uuid

pytestmark = [pytest.mark.redis, pytest.mark.postgres]


def gridwatch(app, *args, timeout=180, **env):
    """Run the gridwatch command against the same database, Redis and media as the app."""
    cfg = app.config
    environ = {**os.environ, "GRIDWATCH_ENV": "test", "DATABASE_URL": cfg["SQLALCHEMY_DATABASE_URI"],
               "MEDIA_ROOT": cfg["MEDIA_ROOT"], "GRIDWATCH_INSTANCE": cfg["INSTANCE_DIR"],
               "WHISPER_MODEL": cfg["WHISPER_MODEL"], "WHISPER_MODEL_DIR": cfg["WHISPER_MODEL_DIR"],
               "PIPELINE_RETRY_INTERVALS": "0,1,1", "WHISPER_THREADS": "1", **env}
    environ.pop("REDIS_URL", None)
    if cfg["REDIS_URL"]:
        environ["REDIS_URL"] = cfg["REDIS_URL"]
    return subprocess.run([sys.executable, "-m", "server.cli", *args], env=environ, capture_output=True,
                          text=True, timeout=timeout)


def stage_of(app, report_id):
    with app.app_context():
        row = db.session.get(Report, report_id)
        return row.stage, row.case_id, list(row.flags or []), [t.status for t in row.transcripts]


def test_report_with_voice_goes_through_the_transcribe_queue_and_a_real_worker(redis_app, tmp_path):
    from tests.nlp.conftest import save_checkpoint
    model = save_checkpoint(tmp_path / "tiny-test.pt", silent=True)
    redis_app.config["WHISPER_MODEL"] = str(model)
    client = redis_app.test_client()
    resident = login(client, LOGIN["resident"])
    fields = {"client_uuid": new_uuid(), "text": "桂花园小区7栋有煤气味", "lat": "28.2345", "lon": "112.9067"}

    def send():
        data = {**fields, "photos": [(io.BytesIO(mf.jpeg_with_exif()), "p.jpg")],
                "audio": (io.BytesIO(mf.audio_bytes("ogg")), "v.ogg")}
        return client.post("/api/v1/reports", data=data, headers=resident, content_type="multipart/form-data")

    first = send()
    assert first.status_code == 201
    for _ in range(20):
        assert send().status_code == 200
    queues = redis_app.extensions["gridwatch_queue"].counts()
    assert queues["transcribe"] == 1 and sum(queues.values()) == 1, "one job, on the transcription queue"
    result = gridwatch(redis_app, "worker", "--burst", "--queues", "transcribe")
    assert result.returncode == 0, result.stderr[-2000:]
    stage, case_id, flags, transcripts = stage_of(redis_app, first.get_json()["id"])
    assert stage == "routed" and case_id
    assert transcripts and transcripts[0] in ("ok", "low_confidence"), "the tiny model really ran"
    assert "transcription_unavailable" not in flags
    with redis_app.app_context():
        assert db.session.execute(db.select(db.func.count()).select_from(Report)).scalar_one() == 1


def test_redis_down_at_intake_then_sweeper_and_worker_catch_up(redis_app, tmp_path, pg_url):
    down = create_app(app_config(pg_url, tmp_path, REDIS_URL="redis://127.0.0.1:1/0"))
    client = down.test_client()
    resident = login(client, LOGIN["resident"])
    response = client.post("/api/v1/reports", json={"client_uuid": new_uuid(), "text": "地下通道积水很深"},
                           headers=resident)
    assert response.status_code == 201, "accepted although the queue is unreachable"
    report_id = response.get_json()["id"]
    assert stage_of(redis_app, report_id)[0] == "received"
    swept = gridwatch(redis_app, "sweep", "--grace", "0")
    assert swept.returncode == 0 and "re-enqueued 1" in swept.stdout, swept.stderr[-2000:]
    assert gridwatch(redis_app, "sweep", "--grace", "0").stdout.strip().endswith("re-enqueued 0 report(s)")
    result = gridwatch(redis_app, "worker", "--burst")
    assert result.returncode == 0, result.stderr[-2000:]
    assert stage_of(redis_app, report_id)[:2][0] == "routed"


def test_worker_without_model_still_routes_the_report(redis_app):
    client = redis_app.test_client()
    resident = login(client, LOGIN["resident"])
    data = {"client_uuid": new_uuid(), "text": "", "audio": (io.BytesIO(mf.audio_bytes("3gp")), "v.3gp"),
            "photos": [(io.BytesIO(mf.png_bytes()), "p.png")]}
    response = client.post("/api/v1/reports", data=data, headers=resident, content_type="multipart/form-data")
    assert response.status_code == 201
    result = gridwatch(redis_app, "worker", "--burst")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "text pipeline loaded in" in result.stderr  # before it took the report's jobs
    stage, case_id, flags, transcripts = stage_of(redis_app, response.get_json()["id"])
    assert stage == "routed" and case_id and "transcription_unavailable" in flags and transcripts == ["unavailable"]


def test_scheduler_enqueues_the_sweeper_which_recovers_a_lost_report(redis_app, tmp_path, pg_url):
    import time
    down = create_app(app_config(pg_url, tmp_path, REDIS_URL="redis://127.0.0.1:1/0"))
    client = down.test_client()
    resident = login(client, LOGIN["resident"])
    report_id = client.post("/api/v1/reports", json={"client_uuid": new_uuid(), "text": "路灯杆倾斜快倒了"},
                            headers=resident).get_json()["id"]
    cfg = redis_app.config
    env = {**os.environ, "GRIDWATCH_ENV": "test", "DATABASE_URL": cfg["SQLALCHEMY_DATABASE_URI"],
           "REDIS_URL": cfg["REDIS_URL"], "SWEEP_INTERVAL_SECONDS": "1", "SWEEP_GRACE_SECONDS": "0",
           "RECLUSTER_INTERVAL_SECONDS": "3600"}
    scheduler = subprocess.Popen([sys.executable, "-m", "server.cli", "scheduler"], env=env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 180  # each burst worker starts a process: slow on a busy machine
        while time.monotonic() < deadline:
            worker = gridwatch(redis_app, "worker", "--burst", "--queues", "maintenance,reports")
            assert worker.returncode == 0, worker.stderr[-2000:]
            if stage_of(redis_app, report_id)[0] == "routed":
                break
            time.sleep(1)
    finally:
        scheduler.terminate()
        scheduler.wait(timeout=20)
    assert stage_of(redis_app, report_id)[0] == "routed"


REPO = Path(__file__).resolve().parents[2]


def procfile() -> dict[str, list[str]]:
    """The Procfile's process kinds and their commands."""
    kinds = {}
    for line in (REPO / "Procfile").read_text().splitlines():
        if ":" in line:
            kind, command = line.split(":", 1)
            kinds[kind.strip()] = shlex.split(command)
    return kinds


def worker_queues(command: list[str]) -> list[str]:
    return command[command.index("--queues") + 1].split(",") if "--queues" in command else []


def test_every_periodic_job_runs_on_the_maintenance_queue_which_no_report_worker_takes():
    from server.tasks.queue import MAINTENANCE_QUEUE, REPORTS_QUEUE, TRANSCRIBE_QUEUE, WEBHOOK_QUEUE
    from server.tasks.schedule import PERIODIC
    assert {job.queue for job in PERIODIC} == {MAINTENANCE_QUEUE}
    assert all(callable(job.load()) for job in PERIODIC)
    workers = {kind: worker_queues(cmd) for kind, cmd in procfile().items() if cmd[:2] == ["gridwatch", "worker"]}
    for queue in (REPORTS_QUEUE, TRANSCRIBE_QUEUE, MAINTENANCE_QUEUE, WEBHOOK_QUEUE):
        assert any(queue in queues for queues in workers.values()), f"no Procfile process works {queue}"
    for queues in workers.values():
        assert not ({REPORTS_QUEUE, TRANSCRIBE_QUEUE} & set(queues) and MAINTENANCE_QUEUE in queues), workers


def _start(app, kind: str, log: Path) -> subprocess.Popen:
    """Run a Procfile process kind against the app's database and Redis."""
    command = procfile()[kind]
    assert command[0] == "gridwatch"
    cfg = app.config
    env = {**os.environ, "GRIDWATCH_ENV": "test", "DATABASE_URL": cfg["SQLALCHEMY_DATABASE_URI"],
           "REDIS_URL": cfg["REDIS_URL"], "MEDIA_ROOT": cfg["MEDIA_ROOT"], "GRIDWATCH_INSTANCE": cfg["INSTANCE_DIR"],
           "WHISPER_MODEL": cfg["WHISPER_MODEL"], "WHISPER_MODEL_DIR": cfg["WHISPER_MODEL_DIR"],
           "WHISPER_THREADS": "1"}
    with open(log, "wb") as out:
        return subprocess.Popen([sys.executable, "-m", "server.cli", *command[1:]], env=env, cwd=REPO,
                                stdout=out, stderr=subprocess.STDOUT)


def test_a_long_maintenance_job_does_not_delay_a_report(redis_app, tmp_path):
    """The Procfile's report and maintenance workers on the real Redis: a report is routed while a
    maintenance job (standing in for a long re-clustering) still holds its worker."""
    from rq import Queue, Worker
    from rq.job import Job

    from server.tasks.queue import MAINTENANCE_QUEUE, REPORTS_QUEUE
    connection = redis_app.extensions["gridwatch_queue"].connection
    procs = [_start(redis_app, kind, tmp_path / f"{kind}.log") for kind in ("worker", "maintenance")]
    started, release = tmp_path / "started", tmp_path / "release"
    try:
        for _ in range(600):  # both workers listen
            names = {q for w in Worker.all(connection=connection) for q in w.queue_names()}
            if {REPORTS_QUEUE, MAINTENANCE_QUEUE} <= names:
                break
            assert all(p.poll() is None for p in procs), [(tmp_path / f"{k}.log").read_text()[-2000:]
                                                          for k in ("worker", "maintenance")]
            time.sleep(0.1)
        long_job = Queue(MAINTENANCE_QUEUE, connection=connection).enqueue(
            "tests.server.blocking_job.block_until", str(started), str(release), job_timeout=600)
        for _ in range(600):
            if started.exists():
                break
            time.sleep(0.1)
        assert started.exists(), "the maintenance worker took the long job"
        client = redis_app.test_client()
        resident = login(client, LOGIN["resident"])
        response = client.post("/api/v1/reports", json={"client_uuid": new_uuid(), "text": "桂花园小区7栋有煤气味"},
                               headers=resident)
        assert response.status_code == 201
        report_id = response.get_json()["id"]
        for _ in range(1200):
            if stage_of(redis_app, report_id)[0] == "routed":
                break
            time.sleep(0.1)
        assert stage_of(redis_app, report_id)[0] == "routed", (tmp_path / "worker.log").read_text()[-3000:]
        assert Job.fetch(long_job.id, connection=connection).get_status() == "started", \
            "the report was routed while the long maintenance job still ran"
        release.write_text("go")
        for _ in range(600):
            if Job.fetch(long_job.id, connection=connection).get_status() == "finished":
                break
            time.sleep(0.1)
        assert Job.fetch(long_job.id, connection=connection).return_value() == "released"
    finally:
        release.write_text("go")
        stop_processes(procs)
