"""Helpers for the browser tests: the real app served from a thread, Debian's Chromium driven by Playwright."""
import os
import threading
from pathlib import Path

from werkzeug.serving import make_server

# Debian's package; Playwright's own browser download is not used.
CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "admin"


class LiveServer:
    """The app on 127.0.0.1 and a free port, in a daemon thread."""

    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.thread.join(5)


def shot(page, name: str) -> None:
    """One full-page screenshot per page, kept as a test artifact."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def sign_in(page, base: str, username: str, password: str) -> None:
    """Fill in the sign-in form."""
    page.goto(base + "/admin/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("#login-form button[type=submit]")
    page.wait_for_load_state("load")
