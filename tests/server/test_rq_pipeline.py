"""With Redis: real RQ workers (separate processes) on PostgreSQL process reports end to end."""
import io
import os
import subprocess
import sys

import pytest

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
    assert queues == {"transcribe": 1, "default": 0}, "one job, on the transcription queue"
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
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            worker = gridwatch(redis_app, "worker", "--burst", "--queues", "default")
            assert worker.returncode == 0, worker.stderr[-2000:]
            if stage_of(redis_app, report_id)[0] == "routed":
                break
            time.sleep(1)
    finally:
        scheduler.terminate()
        scheduler.wait(timeout=20)
    assert stage_of(redis_app, report_id)[0] == "routed"
