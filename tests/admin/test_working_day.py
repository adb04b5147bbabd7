"""Acceptance (issue 16): a working day in a real browser. A resident's report from a grid without a grid worker goes
to a department, which signs for it and files feedback with a photo in the admin; a supervisor waives verification
with a reason and closes it; the resident rates it; the resident's notifications list each step in Chinese, in the
city's time (+08:00), and the department's bell counts its notices."""
import re
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import requests
from shapely.geometry import shape

from server.accounts.service import create_user
from server.extensions import db
from server.models import Area, AreaLevel, Case, Notification, NotificationDelivery, Report, Role, User
from server.tasks.queue import backend
from server.webhooks.delivery import embedded

from ..helpers import PASSWORDS
from .browser import (CHROMIUM_PATH, LiveServer, close_after_review, demo_copy, dispatch_by_hand, open_page, shot,
                      sign_and_file_feedback)
from .conftest import RESIDENT, SUPERVISOR

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = [pytest.mark.slow, pytest.mark.skipif(not Path(CHROMIUM_PATH).exists(),
                                                   reason=f"no Chromium at {CHROMIUM_PATH} (set CHROMIUM_PATH)")]
STAFF, STAFF_PASSWORD = "dayx-lead01", "dayx-lead-2026"
BEIJING = timezone(timedelta(hours=8))


@pytest.fixture(scope="module")
def live(demo_city, tmp_path_factory):
    """The demo city with every grid worker off duty (no grid, community or street has one), served over HTTP."""
    with demo_copy(demo_city, tmp_path_factory.mktemp("working-day")) as app:
        with app.app_context():
            for worker in db.session.execute(db.select(User).where(User.role == Role.GRID_WORKER.value)).scalars():
                worker.active = False
            db.session.commit()
            # the quietest grid: a new report there opens a case of its own rather than joining one
            grid = db.session.execute(db.select(Area).outerjoin(Report, Report.grid_id == Area.id)
                                      .where(Area.level == AreaLevel.GRID.value).group_by(Area.id)
                                      .order_by(db.func.count(Report.id), Area.code).limit(1)).scalar_one()
            inside = shape(grid.polygon).representative_point()
        with LiveServer(app) as server:
            server.app, server.point, server.grid_id = app, (inside.y, inside.x), grid.id
            yield server


def _api(base: str, username: str, password: str) -> requests.Session:
    session = requests.Session()
    token = session.post(base + "/api/v1/auth/login", json={"username": username, "password": password},
                         timeout=10).json()["access_token"]
    session.headers.update({"Authorization": f"Bearer {token}", "Accept-Language": "zh-CN,zh;q=0.9"})
    return session


def _case_of(app, report_id: int) -> tuple[int, str, str | None, int | None]:
    with app.app_context():
        report = db.session.get(Report, report_id)
        case = db.session.get(Case, report.case_id)
        lead = next((d.department.code for d in case.departments if d.role == "lead"), None)
        return case.id, case.status, lead, report.grid_id


def test_a_working_day(live):
    resident = _api(live.url, RESIDENT, PASSWORDS[RESIDENT])
    sent = resident.post(live.url + "/api/v1/reports", timeout=30, json={
        "client_uuid": str(uuid.uuid4()), "text": "小区7栋楼道里煤气味很重，像是哪家燃气管漏气了",
        "lat": live.point[0], "lon": live.point[1], "address": "7栋2单元楼道"})
    assert sent.status_code == 201, sent.text
    report_id = sent.json()["id"]
    assert backend(live.app).drain(timeout=120)
    case_id, status, lead, grid = _case_of(live.app, report_id)
    assert grid == live.grid_id  # a report from a grid: verification is due, and no grid worker can give it
    with live.app.app_context():
        assert db.session.get(Case, case_id).origin_report_id == report_id  # a case of its own

    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM_PATH, headless=True)
        sup = open_page(browser, live.url, SUPERVISOR, width=1440)
        if status == "received":  # the machine was unsure: the supervisor dispatches by hand
            dispatch_by_hand(sup, live.url, case_id)
            case_id, status, lead, grid = _case_of(live.app, report_id)
        assert status == "dispatched" and lead
        with live.app.app_context():
            create_user(username=STAFF, role="dept_staff", password=STAFF_PASSWORD, department=lead)

        dept = open_page(browser, live.url, STAFF, STAFF_PASSWORD, width=1440)
        sign_and_file_feedback(dept, live.url, case_id)

        sup.goto(live.url + "/admin/queues/feedback_review")
        section = sup.locator(f'section[data-case="{case_id}"]')
        section.locator("details:has(form[data-action=waive_verification]) > summary").click()
        section.locator("form[data-action=waive_verification] textarea[name=reason]").fill(
            "本街道暂无网格员，已电话回访报告人确认漏点修复")
        section.locator("form[data-action=waive_verification] button").click()
        close_after_review(sup, live.url, case_id)
        shot(sup, "working-day-closed")

        # the bell counts each one's notices; the page lists them (the supervisor was asked to verify or waive, the
        # department, whose account was made after the dispatch, heard of the closing) and opens the case
        sup.goto(live.url + "/admin/queues")
        assert int(sup.inner_text("#bell-count")) >= 1
        sup.click("#bell")
        assert "消息通知" in sup.inner_text("h1")
        kinds = sup.eval_on_selector_all("#notices tr.notice", "rows => rows.map(r => r.dataset.kind)")
        assert "verify_supervisor" in kinds
        assert "无网格员" in sup.inner_text("#notices") and sup.locator("#deliveries tr").count() > 1
        shot(sup, "working-day-notifications")
        dept.goto(live.url + "/admin/inbox")
        assert int(dept.inner_text("#bell-count")) == 1
        dept.click("#bell")
        assert dept.eval_on_selector_all("#notices tr.notice", "rows => rows.map(r => r.dataset.kind)") == ["closed"]
        dept.locator("#notices tr.notice button[name=open]").first.click()
        assert f"/admin/cases/{case_id}" in dept.url
        dept.goto(live.url + "/admin/inbox")
        assert int(dept.inner_text("#bell-count")) == 0  # opening it marked it read
        assert not sup.errors and not dept.errors
        browser.close()

    listed = resident.get(live.url + "/api/v1/notifications", timeout=10).json()
    closed = next(n for n in listed["items"] if n["kind"] == "report_closed")
    assert closed["action"] == "rate" and closed["report_id"] == report_id
    rated = resident.post(f"{live.url}/api/v1/reports/{report_id}/rating", json={"rating": "satisfied"}, timeout=10)
    assert rated.status_code in (200, 201), rated.text

    listed = resident.get(live.url + "/api/v1/notifications", timeout=10).json()
    mine = [n for n in listed["items"] if n["case_id"] == case_id]
    assert [n["kind"] for n in reversed(mine)] == [
        "report_accepted", "report_dispatched", "report_handled", "report_closed"]
    for notice in mine:
        assert re.search(r"[\u4e00-\u9fff]", notice["message"]) and not re.search(r"[A-Za-z]{3,}", notice["message"])
        local = datetime.fromisoformat(notice["created_at"].replace("Z", "+00:00")).astimezone(BEIJING)
        assert notice["local_time"] == local.strftime("%Y-%m-%d %H:%M")  # +08:00, not UTC
        assert f"于 {local:%Y-%m-%d %H:%M} " in notice["message"]
    assert next(n for n in mine if n["kind"] == "report_closed")["action"] is None  # rated now
    assert embedded(live.app).drain(timeout=60)
    with live.app.app_context():
        statuses = [r.status for r in db.session.execute(db.select(NotificationDelivery).join(
            Notification, Notification.id == NotificationDelivery.notification_id).where(
            Notification.case_id == case_id)).scalars()]
    assert len(statuses) >= 6 and set(statuses) == {"sent"}  # the day's notices went out through the log channel
