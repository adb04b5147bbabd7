"""Helpers for the browser tests: the real app served from a thread, Debian's Chromium driven by Playwright."""
import os
from pathlib import Path

from ..helpers import LiveServer  # noqa: F401  (the browser tests take it from here)

# Debian's package; Playwright's own browser download is not used.
CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "admin"


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
