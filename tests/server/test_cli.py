"""The gridwatch command, the embedded default over HTTP, configuration rules, the demo seed."""
import os
import shutil
import socket
import subprocess
import sys
import time

import pytest
import requests

from server import create_app
from server.extensions import db
from server.models import Case, Hotspot, Report, User

from .. import media_fixtures as mf
from ..conftest import app_config
from ..helpers import PASSWORDS, new_uuid


def run(*args, env, timeout=120):
    """Run ``gridwatch`` as a user would."""
    return subprocess.run([sys.executable, "-m", "server.cli", *args], env=env, capture_output=True, text=True,
                          timeout=timeout)


@pytest.fixture
def demo_env(tmp_path):
    """Environment of a laptop demo: SQLite under an instance folder, no Redis."""
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL", "SECRET_KEY")}
    env.update(GRIDWATCH_ENV="demo", GRIDWATCH_INSTANCE=str(tmp_path / "instance"), ARGON2_TIME_COST="1",
               ARGON2_MEMORY_KIB="1024", WHISPER_MODEL_DIR=str(tmp_path / "no-models"))
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_secret_key_is_required_in_production(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("GRIDWATCH_ENV", "production")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app()
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    assert create_app().config["SECRET_KEY"] == "x" * 32


def test_database_url_in_the_usual_postgres_form_uses_psycopg(monkeypatch):
    monkeypatch.setenv("GRIDWATCH_ENV", "test")
    monkeypatch.setenv("DATABASE_URL", "postgres://u@h/db")
    assert create_app().config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"


def test_user_add_creates_accounts_and_refuses_bad_ones(demo_env):
    assert run("db", "upgrade", env=demo_env).returncode == 0
    assert run("seed-demo", "--no-reports", "--history-days", "0", env=demo_env).returncode == 0
    ok = run("user", "add", "gas02", "--role", "dept_staff", "--password", "gas-pass-2026", "--department", "GAS",
             env=demo_env)
    assert ok.returncode == 0 and "created dept_staff gas02" in ok.stdout
    again = run("user", "add", "gas02", "--role", "dept_staff", "--password", "gas-pass-2026", "--department", "GAS",
                env=demo_env)
    assert again.returncode != 0 and "taken" in again.stderr
    no_dept = run("user", "add", "x-staff", "--role", "dept_staff", "--password", "gas-pass-2026", env=demo_env)
    assert no_dept.returncode != 0 and "department" in no_dept.stderr
    weak = run("user", "add", "weakling", "--role", "supervisor", "--password", "short", env=demo_env)
    assert weak.returncode != 0 and "Password" in weak.stderr


def test_embedded_default_serves_and_processes_a_report_over_http(demo_env):
    assert run("db", "upgrade", env=demo_env).returncode == 0
    seeded = run("seed-demo", "--no-reports", "--history-days", "0", env=demo_env)
    assert seeded.returncode == 0 and "command01" in seeded.stdout
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "server.cli", "serve", "--port", str(port)], env=demo_env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        for _ in range(100):
            try:
                requests.get(base + "/openapi.json", timeout=1)
                break
            except (requests.ConnectionError, requests.Timeout):  # not listening yet, or too busy to answer in 1 s
                time.sleep(0.2)
        token = requests.post(base + "/auth/login", json={"username": "13800000001",
                                                          "password": PASSWORDS["13800000001"]}).json()
        headers = {"Authorization": "Bearer " + token["access_token"]}
        files = [("photos", ("p.jpg", mf.jpeg_with_exif(), "image/jpeg")),
                 ("audio", ("v.m4a", mf.audio_bytes("m4a"), "audio/mp4"))]
        data = {"client_uuid": new_uuid(), "text": "学府路上有个井盖没了，晚上很危险", "lat": "28.21", "lon": "112.95"}
        created = requests.post(base + "/reports", data=data, files=files, headers=headers)
        assert created.status_code == 201, created.text
        report_id = created.json()["id"]
        seen = {}
        for _ in range(150):
            seen = requests.get(f"{base}/reports/{report_id}", headers=headers).json()
            if seen["stage"] in ("routed", "failed"):
                break
            time.sleep(0.2)
        assert seen["stage"] == "routed" and seen["case_id"], seen
        assert requests.post(base + "/reports", data=data, files=files, headers=headers).status_code == 200
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_demo_seed_makes_cases_and_hotspots_and_is_idempotent(seeded_demo, tmp_path):
    """seeded_demo is seed() run once per session (the admin pages use it too); here on a copy of its database."""
    shutil.copy(seeded_demo.folder / "demo.db", tmp_path / "demo.db")
    app = create_app(app_config(f"sqlite:///{tmp_path / 'demo.db'}", tmp_path))
    lines = seeded_demo.lines
    from server.demo.seed import seed
    with app.app_context():
        reports = db.session.execute(db.select(Report)).scalars().all()
        assert len(reports) == 200 and {r.stage for r in reports} == {"routed"}
        assert db.session.execute(db.select(db.func.count()).select_from(Case)).scalar_one() == 200
        assert db.session.execute(db.select(db.func.count()).select_from(Hotspot)).scalar_one() >= 5
        assert sum(1 for r in reports if r.media) >= 60
        roles = {u.role for u in db.session.execute(db.select(User)).scalars()}
        assert roles == {"resident", "grid_worker", "dept_staff", "supervisor", "admin"}
        assert any("demo-admin" in line for line in lines)
        seed(with_reports=True)
        assert db.session.execute(db.select(db.func.count()).select_from(Report)).scalar_one() == 200
