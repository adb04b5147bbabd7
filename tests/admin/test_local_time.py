"""Every time a person reads in the admin web is in the city's zone (CITY_TIMEZONE): pages, map popups, CSV and XLSX."""
import csv
import io
import json
from datetime import datetime, timezone

from openpyxl import load_workbook

from server.extensions import db
from server.models import Case, Report

from .conftest import SUPERVISOR

AT = datetime(2030, 1, 2, 8, 18, 5, tzinfo=timezone.utc)  # 16:18 in Beijing, 09:18 in Berlin, 14:18 in Urumqi


def _case_at(app) -> tuple[int, str]:
    """A demo case (and its first report) made at AT, due for signing at AT: the newest case of the list."""
    with app.app_context():
        case = db.session.execute(db.select(Case).where(Case.status != "merged").order_by(Case.id)).scalars().first()
        case.created_at = case.sign_by = AT
        db.session.get(Report, case.origin_report_id).created_at = AT
        db.session.commit()
        return case.id, case.number


def _csv_row(client, number: str) -> dict:
    text = client.get("/admin/exports/cases.csv").get_data(as_text=True).lstrip("\ufeff")
    return next(row for row in csv.DictReader(io.StringIO(text)) if row["案件编号"] == number)


def test_pages_map_and_exports_in_beijing_time(admin_app, as_user):
    case_id, number = _case_at(admin_app)
    client = as_user(SUPERVISOR)
    page = client.get(f"/admin/cases/{case_id}").get_data(as_text=True)
    assert "2030-01-02 16:18" in page and "2030-01-02 08:18" not in page
    listing = client.get("/admin/cases").get_data(as_text=True)
    assert "2030-01-02 16:18" in listing, "the newest case's sign-by in the list"
    features = json.loads(client.get("/admin/map/reports.json?days=1").data)["features"]
    mine = next(f for f in features if f["properties"]["at"].startswith("2030-01-02"))
    assert mine["properties"]["at_local"] == "2030-01-02 16:18", "the popup's time"
    assert mine["properties"]["at"] == AT.isoformat(), "the machine-readable time keeps its offset"

    row = _csv_row(client, number)
    assert row["受理时间（北京时间）"] == "2030-01-02 16:18:05" and row["签收时限（北京时间）"] == "2030-01-02 16:18:05"
    assert "+00:00" not in "".join(v or "" for v in row.values())
    assert "时间均为北京时间" in client.get("/admin/exports").get_data(as_text=True)

    sheet = load_workbook(io.BytesIO(client.get("/admin/exports/cases.xlsx").data)).active
    header = [c.value for c in sheet[1]]
    column = header.index("受理时间（北京时间）") + 1
    found = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == number)
    cell = sheet.cell(found, column)
    assert cell.value == datetime(2030, 1, 2, 16, 18, 5), "a real date, the city's wall-clock time"
    assert cell.is_date and "yy" in cell.number_format


def test_another_city_timezone_changes_what_people_read(admin_app, as_user):
    case_id, number = _case_at(admin_app)
    admin_app.config["CITY_TIMEZONE"] = "Europe/Berlin"
    client = as_user(SUPERVISOR)
    page = client.get(f"/admin/cases/{case_id}").get_data(as_text=True)
    assert "2030-01-02 09:18" in page and "2030-01-02 16:18" not in page
    row = _csv_row(client, number)
    assert row["受理时间（Europe/Berlin 时间）"] == "2030-01-02 09:18:05"
    admin_app.config["CITY_TIMEZONE"] = "Asia/Urumqi"
    assert "2030-01-02 14:18" in client.get("/admin/cases").get_data(as_text=True)
    assert "时间均为乌鲁木齐时间" in client.get("/admin/exports").get_data(as_text=True)
