"""Helpers for the browser tests: the real app served from a thread, Debian's Chromium driven by Playwright, and the
steps several tests take (a department signing and filing feedback, a supervisor dispatching or closing)."""
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

from server import create_app
from server.extensions import db

from ..conftest import clear_caches
from ..helpers import PASSWORDS, LiveServer  # noqa: F401  (the browser tests take LiveServer from here)
from ..media_fixtures import png_bytes
from .conftest import _config

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


@contextmanager
def demo_copy(demo_city: Path, folder: Path):
    """An app on a copy of the demo city's database in ``folder`` (the per-process caches cleared before and after)."""
    shutil.copy(demo_city / "demo.db", folder / "demo.db")
    clear_caches()
    app = create_app(_config(folder / "demo.db", folder, demo_city / "media"))
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        clear_caches()


def open_page(browser, base: str = "", username: str | None = None, password: str | None = None, width: int = 1366):
    """A new page in Chinese (its own context), signed in when a username is given; script errors collect in
    ``page.errors``."""
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    if username:
        sign_in(page, base, username, password or PASSWORDS[username])
    return page


def dispatch_by_hand(page, base: str, case_id: int, lead: str = "GAS") -> None:
    """A supervisor dispatches a case the machine was unsure of, from its page."""
    page.goto(f"{base}/admin/cases/{case_id}")
    page.select_option("form[data-action=dispatch] select[name=lead]", lead)
    page.click("form[data-action=dispatch] button")


def sign_and_file_feedback(page, base: str, case_id: int) -> None:
    """The department signs for a case in its inbox, then files its handling feedback with a photo."""
    page.goto(f"{base}/admin/inbox/{case_id}")  # the inbox is a table; a case's forms open one at a time
    card = page.locator(f'section[data-case="{case_id}"]')
    card.locator("form[data-action=sign] button").click()
    assert "签收成功" in page.inner_text(".flash.success")
    card = page.locator(f'section[data-case="{case_id}"]')
    card.locator("details:has(form[data-action=feedback]) > summary").click()
    form = card.locator("form[data-action=feedback]")
    form.locator("textarea[name=measures]").fill("关闭阀门，更换老化软管")
    form.locator("textarea[name=result]").fill("漏点已修复，复测无泄漏")
    form.locator("input[name=photos]").set_input_files(
        [{"name": "after.png", "mimeType": "image/png", "buffer": png_bytes((320, 240), "RGB")}])
    form.locator("button").click()
    assert "处置反馈成功" in page.inner_text(".flash.success")


def close_after_review(page, base: str, case_id: int, screenshot: str | None = None) -> None:
    """A supervisor closes a case from the feedback review queue."""
    page.goto(base + "/admin/queues/feedback_review")
    if screenshot:
        shot(page, screenshot)
    page.locator(f'section[data-case="{case_id}"] form[data-action=close] button').click()
    assert "办结成功" in page.inner_text(".flash.success")
