"""Headless UI tests: the Kivy app under Xvfb, one subprocess per session, against the real server.

Each session drives every screen (typing, tapping, recording with the test double, submitting), asserts the
widgets' state and saves one screenshot per screen in test-artifacts/mobile/.
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "mobile"

pytestmark = pytest.mark.skipif(shutil.which("Xvfb") is None, reason="Xvfb is not installed (make test installs it)")


@pytest.fixture(scope="module")
def display():
    """A private virtual screen large enough for a 1080×2400 phone."""
    read, write = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "1200x2500x24", "-nolisten", "tcp"],
                            pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write)
    with os.fdopen(read) as pipe:
        number = pipe.readline().strip()
    assert number, "Xvfb did not start"
    yield f":{number}"
    xvfb.terminate()
    xvfb.wait(10)


def drive(scenario, size, density, live, display, tmp_path):
    env = {**os.environ, "KIVY_METRICS_DENSITY": str(density), "DISPLAY": display, "KIVY_NO_ARGS": "1", "KIVY_WINDOW": "sdl2",
           "KIVY_HOME": str(tmp_path / "kivy-home"), "KIVY_NO_CONSOLELOG": "1", "SDL_AUDIODRIVER": "dummy"}
    result = subprocess.run(
        [sys.executable, "-m", "tests.mobile.ui_driver", scenario, live.url, str(tmp_path / "phone"), str(ARTIFACTS),
         size], cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stderr[-4000:]
    return sorted(p.name for p in ARTIFACTS.glob(f"{scenario}-*.png"))


def test_resident_on_a_small_phone(live, display, tmp_path):
    shots = drive("resident", "360x640", 1, live, display, tmp_path)
    assert set(shots) == {f"resident-{n}.png" for n in (
        "login", "register", "home", "new_report", "outbox", "my_reports", "report_detail", "settings",
        "settings-en")}


def test_grid_worker_on_a_large_high_density_phone(live, display, tmp_path):
    shots = drive("grid_worker", "1080x2400", 2.625, live, display, tmp_path)
    assert set(shots) == {f"grid_worker-{n}.png" for n in (
        "home", "patrol", "checklist", "new_report-patrol", "verification")}


def seed_notifications(live) -> None:
    """The neighbour's account, with two notifications made at 08:18 and 09:30 UTC (16:18 and 17:30 in Beijing)."""
    from datetime import datetime, timezone

    from server.accounts.service import find_user
    from server.extensions import db
    from server.models import Notification

    from .ui_neighbour import PASSWORD, PHONE
    answer = requests.post(live.url + "/api/v1/auth/register", json={"phone": PHONE, "password": PASSWORD}, timeout=30)
    assert answer.status_code == 201, answer.text
    with live.app.app_context():
        user = find_user(PHONE)
        for hour, minute, message in ((8, 18, "您的上报已受理"), (9, 30, "您的上报已派发至承办部门")):
            db.session.add(Notification(user_id=user.id, kind="report_status", message=message,
                                        created_at=datetime(2025, 3, 5, hour, minute, tzinfo=timezone.utc)))
        db.session.commit()
        db.session.remove()


class TileHandler(BaseHTTPRequestHandler):
    """A tile server: each /z/x/y.png is a light tile with its own border (what a real one serves, without roads)."""

    served: list = []

    def do_GET(self):  # noqa: N802 - the name http.server calls
        image = Image.new("RGB", (256, 256), (236, 232, 222))
        ImageDraw.Draw(image).rectangle((0, 0, 255, 255), outline=(200, 190, 170), width=2)
        body = io.BytesIO()
        image.save(body, "PNG")
        self.served.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(body.tell()))
        self.end_headers()
        self.wfile.write(body.getvalue())

    def log_message(self, *_args):
        pass


def test_map_nearby_and_notifications_on_a_small_phone(live, display, tmp_path):
    """The pin map (tiles from the configured tile server under the grids; drop, my position, drag; the pin's
    coordinates are sent), nearby reports with 我也遇到了 offline, notifications and local times, human outbox
    messages."""
    seed_notifications(live)
    tiles = ThreadingHTTPServer(("127.0.0.1", 0), TileHandler)
    threading.Thread(target=tiles.serve_forever, daemon=True).start()
    live.app.config["ADMIN_TILE_URL"] = f"http://127.0.0.1:{tiles.server_port}/{{z}}/{{x}}/{{y}}.png"
    try:
        shots = drive("neighbour", "360x640", 1, live, display, tmp_path)
    finally:
        live.app.config["ADMIN_TILE_URL"] = ""
        tiles.shutdown()
    assert TileHandler.served and all(p.endswith(".png") and p.count("/") == 3 for p in TileHandler.served)
    assert set(shots) == {f"neighbour-{n}.png" for n in (
        "home", "notices", "nearby", "map-drop", "map", "new_report-map", "outbox", "my_reports")}
