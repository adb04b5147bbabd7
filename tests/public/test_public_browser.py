"""The public page in a real browser (Debian's Chromium, headless, 360 px wide, a fake microphone and a granted
location): a guest reports a hazard with a photo and a recorded voice note, the case is handled and closed through the
case service, the guest follows it with the one-time link in another browser and rates it; the public map shows it.

Screenshots go to test-artifacts/public/ (and to docs/img/ with UPDATE_DOC_SHOTS=1)."""
import os
import shutil
import uuid
from pathlib import Path

import pytest

from server import create_app
from server.extensions import db
from server.models import CaseRating, Media, Report
from server.models.supports import ReportSupport

from ..admin.browser import CHROMIUM_PATH, LiveServer
from ..conftest import app_config, clear_caches, fresh_database
from ..media_fixtures import jpeg_bytes
from .support import GAS_TEXT, GRID_POINT, PUBLIC_REPLY, close_case, processed_case

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = [pytest.mark.slow, pytest.mark.skipif(not Path(CHROMIUM_PATH).exists(),
                                                   reason=f"no Chromium at {CHROMIUM_PATH} (set CHROMIUM_PATH)")]
REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "public"
FAKE_MEDIA = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]


def shot(page, name: str) -> None:
    """The viewport at 360 px, kept as an artifact (and as the docs' picture when asked)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    if os.environ.get("UPDATE_DOC_SHOTS") == "1":
        shutil.copy(path, REPO / "docs" / "img" / f"{name}.png")


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    folder = tmp_path_factory.mktemp("public-browser")
    clear_caches()
    app = create_app(app_config(f"sqlite:///{folder / 'public.db'}", folder))
    fresh_database(app)
    from server.demo.seed import seed_reference
    with app.app_context():
        seed_reference()
    with LiveServer(app) as server:
        yield server
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    clear_caches()


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM_PATH, headless=True, args=FAKE_MEDIA)
        yield chromium
        chromium.close()


def _page(browser, live, requests: list):
    context = browser.new_context(viewport={"width": 360, "height": 780}, locale="zh-CN", device_scale_factor=1,
                                  geolocation={"latitude": GRID_POINT[0], "longitude": GRID_POINT[1]},
                                  permissions=["geolocation", "microphone"])
    page = context.new_page()
    page.set_default_timeout(45000)  # generous: the machine may be busy; nothing here is a timing assertion
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.on("request", lambda r: requests.append((r.url, r.headers.get("referer"))))
    return context, page


def test_a_guest_reports_with_photo_and_voice_follows_to_closure_and_rates(live, browser):
    requests = []
    context, page = _page(browser, live, requests)
    page.goto(live.url + "/public/")
    page.wait_for_selector("#category option[value='accident.gas_leak']", state="attached")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scrolling at 360 px
    shot(page, "public-report")
    page.select_option("#category", "accident.gas_leak")
    page.fill("#text", GAS_TEXT)
    page.set_input_files("#album", files=[{"name": "hazard.jpg", "mimeType": "image/jpeg",
                                           "buffer": jpeg_bytes((320, 240))}])
    page.wait_for_selector("#photo-list img")
    page.click("#locate")
    page.wait_for_function("() => document.getElementById('place-status').textContent.includes('已定位')")
    page.wait_for_selector("#nearby-list li")  # looked for open reports of the kind nearby (none yet)
    page.click("#record")
    page.wait_for_selector("#record[aria-pressed=true]")
    page.wait_for_timeout(1500)  # the fake microphone's beeps are recorded
    page.click("#record")
    page.wait_for_selector("#voice-preview:not([hidden])")
    page.locator("#voice-status").scroll_into_view_if_needed()
    shot(page, "public-voice")
    page.click("#submit")
    page.wait_for_selector("#follow-link")
    number = int(page.text_content("#report-number").split("：")[-1])
    link = page.get_attribute("#follow-link", "href")
    key = link.split("key=")[1]
    shot(page, "public-sent")

    with live.app.app_context():
        report = db.session.get(Report, number)
        kinds = sorted(m.kind for m in db.session.execute(db.select(Media).where(Media.report_id == number)).scalars())
        assert kinds == ["audio", "photo"] and report.channel == "web" and report.anonymous
        assert report.lat == pytest.approx(GRID_POINT[0]) and report.reporter.username.startswith("guest_")
    close_case(live.app, processed_case(live.app, number))

    other, follower = _page(browser, live, requests)  # the link opened later, in another browser
    follower.goto(link)
    follower.wait_for_function("() => (document.getElementById('status-word') || {}).textContent === '已办结'")
    assert PUBLIC_REPLY in follower.text_content("#timeline")
    follower.wait_for_function("() => [...document.querySelectorAll('img.feedback-photo')].some(i => i.src.startsWith("
                               "'blob:') && i.naturalWidth > 0)")
    follower.evaluate("document.getElementById('follow-head').scrollIntoView()")
    shot(follower, "public-follow")
    follower.locator("#rating-form").scroll_into_view_if_needed()
    shot(follower, "public-rate")
    follower.check("input[name=rating][value=satisfied]")
    follower.fill("#rating-comment", "处理及时")
    follower.click("#rating-form button[type=submit]")
    follower.wait_for_selector("#rated")
    with live.app.app_context():
        rating = db.session.execute(db.select(CaseRating).where(CaseRating.report_id == number)).scalar_one()
        assert rating.rating == "satisfied"

    follower.click("#tab-map")
    follower.wait_for_selector("#map-list li.map-dot", state="attached")
    assert "已办结" in follower.text_content("#map-list") and "燃气" in follower.text_content("#map-list")
    follower.locator("#public-map").scroll_into_view_if_needed()
    shot(follower, "public-map")
    follower.focus("#tab-map")
    follower.keyboard.press("ArrowLeft")
    assert follower.get_attribute("#tab-follow", "aria-selected") == "true"
    assert not page.errors and not follower.errors, page.errors + follower.errors
    assert all(key not in url and key not in (referer or "") for url, referer in requests)  # the key stays local
    context.close()
    other.close()


def test_a_resident_signs_in_says_me_too_to_a_report_nearby_and_follows_by_number(live, browser):
    """In English: sign in by phone number, an open report of the kind nearby gets 我也遇到了 (Me too) instead of a
    duplicate, a report of one's own is followed by its number (no link: the account is the key)."""
    client = live.app.test_client()
    guest = {"Authorization": "Bearer " + client.post("/api/v1/public/guests", json={}).get_json()["access_token"]}
    nearby = client.post("/api/v1/reports", headers=guest, json={
        "client_uuid": str(uuid.uuid4()), "text": GAS_TEXT, "lat": GRID_POINT[0] + 0.0004, "lon": GRID_POINT[1],
        "channel": "web", "category_hint": "accident.gas_leak", "anonymous": True})
    assert nearby.status_code == 201
    processed_case(live.app, nearby.get_json()["id"])

    context, page = _page(browser, live, [])
    page.goto(live.url + "/public/?lang=en")
    assert page.text_content("h1") == "Report a hazard"
    page.wait_for_selector("#category option[value='accident.gas_leak']", state="attached")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # English is longer: still no sideways scroll
    page.check("input[name=mode][value=phone]")
    page.fill("#phone", "13800000001")
    page.fill("#password", "demo-resident-2026")
    page.press("#password", "Enter")  # signs in; does not send the report
    page.wait_for_function("() => document.getElementById('who').textContent.includes('Signed in')")
    assert page.is_hidden("#account-choice") and page.text_content("#result") == ""
    page.select_option("#category", "accident.gas_leak")
    page.click("#locate")
    page.click("#nearby-list button")
    page.wait_for_selector("#nearby-list p[role=status]")
    assert "Counted" in page.text_content("#nearby-list")
    page.focus("#pick-map")  # the keyboard's way to a pin: Enter puts it at the map's centre
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.getElementById('place-status').textContent.startsWith('Pin at')")
    with live.app.app_context():
        assert db.session.execute(db.select(db.func.count()).select_from(ReportSupport)).scalar_one() == 1
    text = "Water is pouring from a burst pipe at the gate"
    page.fill("#text", text)
    lost = []

    def lose_the_answer(route):  # the server stores the report, the answer never reaches the browser
        if route.request.method == "POST" and not lost:
            lost.append(route.fetch().status)
            route.abort()
        else:
            route.continue_()
    page.route("**/api/v1/reports", lose_the_answer)
    page.click("#submit")
    page.wait_for_selector("#result.failed")
    assert lost == [201] and page.text_content("#submit") == "Send again"
    page.click("#submit")  # the same client_uuid: the server answers with the report it has
    page.wait_for_selector("#report-number")
    assert "Already sent earlier" in page.text_content("#report-number")
    with live.app.app_context():
        assert db.session.execute(db.select(db.func.count()).select_from(Report).where(Report.text == text)
                                  ).scalar_one() == 1
    number = page.text_content("#report-number").split(":")[-1].strip()
    assert page.locator("#follow-link").count() == 0
    page.click("#tab-follow")
    page.fill("#follow-number", number)
    page.click("#follow-form button[type=submit]")
    page.wait_for_selector("#status-word")
    assert page.text_content("#status-word") == "being assessed" and not page.errors
    context.close()
