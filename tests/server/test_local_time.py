"""Times people read are in CITY_TIMEZONE (notification texts, XLSX dates); the API keeps ISO 8601 with an offset."""
import io
import re
from datetime import datetime, timedelta, timezone

import pytest
from openpyxl import load_workbook

from server.exports.tabular import xlsx_bytes
from server.extensions import db
from server.models import Notification
from server.web import localtime

from ..helpers import login
from .test_cases_support import USERS, case_in

AT = datetime(2026, 12, 3, 8, 18, 30, tzinfo=timezone.utc)
OFFSET = re.compile(r"(\+00:00|Z)$")


@pytest.mark.parametrize("zone, shown", [("Asia/Shanghai", "2026-12-03 16:18"), ("Asia/Urumqi", "2026-12-03 14:18"),
                                         ("Europe/Berlin", "2026-12-03 09:18"), ("America/New_York", "2026-12-03 03:18")])
def test_format_city_follows_the_setting(app, zone, shown):
    app.config["CITY_TIMEZONE"] = zone
    with app.app_context():
        assert localtime.format_city(AT) == shown
        assert localtime.format_city(AT.isoformat()) == shown, "ISO text as stored in event data"
        assert localtime.format_city("2026-12-03T08:18:30Z") == shown
        assert localtime.naive_city(AT).tzinfo is None and localtime.naive_city(AT).strftime("%Y-%m-%d %H:%M") == shown
        assert localtime.format_city(None) == "—"


def test_zone_names_and_the_default_outside_an_app(app):
    assert localtime.format_city(AT, localtime.SECONDS) == "2026-12-03 16:18:30", "Asia/Shanghai by default"
    with app.app_context():
        assert localtime.zone_name("zh") == "北京时间" and localtime.zone_name("en") == "Beijing time"
        app.config["CITY_TIMEZONE"] = "Europe/Berlin"
        assert localtime.zone_name("zh") == "Europe/Berlin 时间"


def test_xlsx_times_are_real_dates_in_the_city_zone(app):
    with app.app_context():
        app.config["CITY_TIMEZONE"] = "Asia/Shanghai"
        data = xlsx_bytes(["id", "受理时间（北京时间）", "note"], [[1, AT, "=1+1"], [2, datetime(2026, 1, 1, 9, 0), None]])
    sheet = load_workbook(io.BytesIO(data)).active
    cell = sheet.cell(2, 2)
    assert cell.value == datetime(2026, 12, 3, 16, 18, 30) and cell.is_date and cell.number_format == localtime.XLSX_FORMAT
    assert sheet.cell(3, 2).value == datetime(2026, 1, 1, 9, 0), "a naive datetime is written as given"
    assert sheet.cell(2, 3).value == "'=1+1", "text still never a formula"


def test_api_keeps_offsets_while_the_extension_notice_is_in_local_time(client, app, city):
    headers = {role: login(client, USERS[role]) for role in ("lead", "supervisor")}
    with app.app_context():
        case_id = case_in("accepted")
    asked = client.post(f"/api/v1/cases/{case_id}/actions/extend_request", json={"days": 3, "reason": "材料未到"},
                        headers=headers["lead"]).get_json()
    until = asked["pending_resolve_by"]
    assert OFFSET.search(until) and OFFSET.search(asked["created_at"]), "the API answers ISO 8601 with an offset"
    case = client.get(f"/api/v1/cases/{case_id}", headers=headers["supervisor"]).get_json()
    assert OFFSET.search(case["resolve_by"]) and OFFSET.search(case["sign_by"])
    moment = datetime.fromisoformat(until.replace("Z", "+00:00"))
    local = (moment + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M")
    with app.app_context():
        messages = db.session.execute(db.select(Notification.message).where(
            Notification.case_id == case_id, Notification.kind == "extension")).scalars().all()
    assert messages and all(m.endswith(f"申请延期至 {local}。") for m in messages), messages
    listed = client.get("/api/v1/notifications", headers=headers["supervisor"]).get_json()
    assert listed["items"] and all(OFFSET.search(n["created_at"]) for n in listed["items"])
