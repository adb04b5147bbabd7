"""The admin pages in a real browser (Debian's Chromium, headless): roles and menus, a hotspot confirmed into a
case, the department signing and filing feedback, the supervisor closing it, the metrics counting it, the map,
text with HTML shown as text; one screenshot per page in test-artifacts/admin/."""
from pathlib import Path

import pytest
import requests

from server.accounts.service import create_user
from server.extensions import db
from server.models import Case, Report, User

from ..media_fixtures import png_bytes
from .browser import (CHROMIUM_PATH, LiveServer, close_after_review, demo_copy, dispatch_by_hand, open_page,
                      shot, sign_and_file_feedback)
from .conftest import ADMIN, DEPT, GRID_WORKER, RESIDENT, SUPERVISOR, XSS_TEXT

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = [pytest.mark.slow, pytest.mark.skipif(not Path(CHROMIUM_PATH).exists(),
                                                   reason=f"no Chromium at {CHROMIUM_PATH} (set CHROMIUM_PATH)")]
LEAD_USER, LEAD_PASSWORD = "lead-web01", "lead-web-2026"
CHECKER, CHECKER_PASSWORD = "check-web01", "check-web-2026"


@pytest.fixture(scope="module")
def live(demo_city, tmp_path_factory):
    """The app on a copy of the demo city, served over HTTP."""
    with demo_copy(demo_city, tmp_path_factory.mktemp("browser")) as app, LiveServer(app) as server:
        server.app = app
        yield server


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM_PATH, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser):
    contexts = []

    def make(username: str | None = None, password: str | None = None, base: str = ""):
        page = open_page(browser, base, username, password)
        contexts.append(page.context)
        return page
    yield make
    for context in contexts:
        context.close()


def menu(page) -> set[str]:
    return set(page.eval_on_selector_all("nav.menu a", "els => els.map(e => e.dataset.menu)"))


def test_each_role_signs_in_and_sees_its_menu(live, new_page):
    page = new_page()
    page.goto(live.url + "/admin/login")
    shot(page, "login")
    expected = {SUPERVISOR: {"hotspot_list", "queues", "city_map"}, DEPT: {"inbox"}, ADMIN: {"manage_taxonomy"}}
    for username, must in expected.items():
        page = new_page(username, base=live.url)
        assert must <= menu(page)
        if username == DEPT:
            assert not {"queues", "hotspot_list", "manage_taxonomy", "city_map"} & menu(page)
            page.goto(live.url + "/admin/queues")
            assert "当前角色无权访问" in page.content()
            shot(page, "refused-page")
        shot(page, f"overview-{username}")
    for username in (GRID_WORKER, RESIDENT):
        page = new_page(username, base=live.url)
        assert "手机App" in page.inner_text("main") and not menu(page)
    shot(page, "refused-role")


def _lead_code(app, case_id: int) -> tuple[str | None, str]:
    with app.app_context():
        case = db.session.get(Case, case_id)
        return next((d.department.code for d in case.departments if d.role == "lead"), None), case.status


def _people_for(app, case_id: int, lead: str) -> str | None:
    """A web account of the lead department, and a grid worker for the case's grid (verification by phone)."""
    with app.app_context():
        case = db.session.get(Case, case_id)
        report = db.session.get(Report, case.origin_report_id)
        if db.session.execute(db.select(User).where(User.username == LEAD_USER)).scalar_one_or_none() is None:
            create_user(username=LEAD_USER, role="dept_staff", password=LEAD_PASSWORD, department=lead)
        if report.grid_id is None:
            return None
        create_user(username=CHECKER, role="grid_worker", password=CHECKER_PASSWORD, grid=report.grid.code)
        return report.grid.code


def _verify_by_phone(base: str, case_id: int) -> None:
    """The grid worker's 核查 through the API, as the phone app sends it."""
    token = requests.post(base + "/api/v1/auth/login", json={"username": CHECKER, "password": CHECKER_PASSWORD},
                          timeout=10).json()["access_token"]
    response = requests.post(f"{base}/api/v1/cases/{case_id}/verification", data={"passed": "true"},
                             files={"photos": ("site.png", png_bytes(), "image/png")},
                             headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert response.status_code == 200, response.text


def test_hotspot_to_closed_case_counted_in_metrics(live, new_page):
    sup = new_page(SUPERVISOR, base=live.url)
    sup.goto(live.url + "/admin/hotspots")
    shot(sup, "hotspots")
    sup.click("#hotspots tr[data-hotspot] a")
    sup.wait_for_selector("#minimap .leaflet-interactive")
    shot(sup, "hotspot")
    sup.click("form[data-action=confirm] button")
    assert "热点已确认" in sup.inner_text(".flash.success")
    sup.click("#hotspot-case")
    case_id = int(sup.url.rstrip("/").split("/")[-1])
    lead, status = _lead_code(live.app, case_id)
    if status == "received":  # the machine was unsure: dispatch by hand
        dispatch_by_hand(sup, live.url, case_id)
        lead, status = _lead_code(live.app, case_id)
    assert status == "dispatched" and lead
    grid = _people_for(live.app, case_id, lead)

    dept = new_page(LEAD_USER, LEAD_PASSWORD, base=live.url)
    dept.goto(live.url + "/admin/inbox")
    shot(dept, "inbox")
    sign_and_file_feedback(dept, live.url, case_id)
    dept.goto(f"{live.url}/admin/cases/{case_id}")
    assert dept.locator("#timeline li[data-event=feedback] img").count() == 1

    if grid:
        _verify_by_phone(live.url, case_id)
    close_after_review(sup, live.url, case_id, screenshot="queues-feedback-review")
    sup.goto(f"{live.url}/admin/cases/{case_id}")
    assert "已办结" in sup.inner_text("h1") and "留痕链校验通过" in sup.inner_text("#audit-state")
    shot(sup, "case")
    sup.goto(live.url + "/admin/metrics")
    row = sup.locator(f'#metrics-table tr[data-department="{lead}"]')
    assert int(row.locator("td.closed").inner_text()) >= 1
    sup.wait_for_function("document.querySelectorAll('canvas[data-chart]').length === 2")
    shot(sup, "metrics")
    assert not sup.errors and not dept.errors


def test_city_map_draws_its_layers(live, new_page):
    page = new_page(SUPERVISOR, base=live.url)
    page.goto(live.url + "/admin/map")
    page.wait_for_selector("#map[data-ready='1']")
    for layer in ("Grids", "Reports", "Hotspots", "Cases"):
        assert int(page.get_attribute("#map", f"data-loaded-{layer.lower()}")) > 0
    assert "离线底图" in page.inner_text("#map-status")  # no tile URL configured: the grids are the base map
    page.select_option("select[name=severity]", "1")
    page.click("#map-filters button")
    page.wait_for_timeout(300)
    shot(page, "map")
    assert not page.errors


def test_report_text_with_html_shows_as_text(live, new_page):
    with live.app.app_context():
        case_id = db.session.execute(db.select(Report.case_id).where(Report.text == XSS_TEXT)).scalar_one()
    page = new_page(SUPERVISOR, base=live.url)
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{live.url}/admin/cases/{case_id}")
    text = page.inner_text(".report .text")
    assert "<script>window.__xss=1</script>" in text and "<b>粗体</b>" in text
    assert page.evaluate("typeof window.__xss") == "undefined" and not dialogs
    assert page.locator(".report b").count() == 0
    shot(page, "case-with-html-text")


PAGES = {
    SUPERVISOR: ["/admin/queues", "/admin/queues/plans", "/admin/cases", "/admin/transcripts", "/admin/jobs",
                 "/admin/exports"],
    DEPT: ["/admin/cases", "/admin/metrics"],
    ADMIN: ["/admin/manage/taxonomy", "/admin/manage/departments", "/admin/manage/areas", "/admin/manage/users",
            "/admin/manage/keys", "/admin/audit"],
}


def test_every_other_page_renders(live, new_page):
    for username, urls in PAGES.items():
        page = new_page(username, base=live.url)
        for url in urls:
            page.goto(live.url + url)
            assert page.locator("h1").count() == 1 and not page.errors, url
            shot(page, url.removeprefix("/admin/").replace("/", "-") + ("" if username != DEPT else "-dept"))
    page.goto(live.url + "/admin/transcripts")
    page.click("table a")
    page.wait_for_selector("#transcript-audio")
    page.fill("textarea[name=corrected_text]", "三楼楼道有煤气味")
    page.click("#correction-form button")
    assert "原始转写保留" in page.inner_text(".flash.success")
    shot(page, "transcript")
    page.click("#lang-switch")
    assert "Corrections" in page.inner_text("main")
    page.goto(live.url + "/admin/")
    assert "Overview" in page.inner_text("h1")
    shot(page, "overview-english")
