"""Open exports: reports and hotspots as GeoJSON with stable fields, cases as streamed CSV, filters, roles."""
import csv
import io
import json
import re
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from server.exports import service as exports
from server.extensions import db
from server.models import Case, Category, Hotspot, Report
from server.tasks.queue import backend

from ..helpers import LOGIN, PASSWORDS, login, new_uuid
from .interop_support import GAS

FLOOD = "人民路下穿通道内涝严重，积水没过膝盖"


def _reports(app, client) -> dict:
    """A gas leak and a flood with locations, one report without; all through the pipeline."""
    resident = login(client, LOGIN["resident"])
    ids = {}
    for name, body in (("gas", {"text": GAS, "lat": 28.2345, "lon": 112.9067}),
                       ("flood", {"text": FLOOD, "lat": 28.2011, "lon": 112.9702}),
                       ("nowhere", {"text": "有人在小区里乱扔烟头，担心着火", "category_hint": "accident.fire_hazard"})):
        response = client.post("/api/v1/reports", json={"client_uuid": new_uuid(), **body}, headers=resident)
        assert response.status_code == 201
        ids[name] = response.get_json()["id"]
    assert backend(app).drain(timeout=120)
    return ids


def _geojson(client, path, headers):
    response = client.get(path, headers=headers, buffered=False)  # to see that it streams
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.is_streamed and response.mimetype == "application/geo+json"
    data = json.loads(response.get_data(as_text=True))
    assert data["type"] == "FeatureCollection"
    return data["features"]


def test_reports_as_geojson_with_stable_fields_and_filters(app, client, city):
    ids = _reports(app, client)
    supervisor = login(client, LOGIN["supervisor"])
    features = _geojson(client, "/api/v1/exports/reports.geojson", supervisor)
    assert [f["id"] for f in features] == [ids["gas"], ids["flood"], ids["nowhere"]], "oldest first"
    gas = features[0]
    assert gas["geometry"] == {"type": "Point", "coordinates": [112.9067, 28.2345]}, "longitude first"
    assert features[2]["geometry"] is None, "no location: null geometry"
    assert set(gas["properties"]) == set(exports.REPORT_FIELDS)
    props = gas["properties"]
    assert props["category"] == "accident.gas_leak" and props["case_status"] == "dispatched"
    assert props["case_number"].startswith("GW") and props["channel"] == "app" and props["grid"]
    assert "13812345678" not in props["text"], "personal data masked"

    def ids_of(query):
        return [f["id"] for f in _geojson(client, "/api/v1/exports/reports.geojson" + query, supervisor)]

    assert ids_of("?category=accident") == [ids["gas"], ids["nowhere"]], "a class includes its subcategories"
    assert ids_of("?category=natural_disaster.flood_waterlogging") == [ids["flood"]]
    assert ids_of("?department=GAS") == [ids["gas"]]
    tomorrow = (datetime.now(timezone.utc) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert ids_of(f"?since={tomorrow}") == []
    assert ids_of(f"?until={tomorrow}") == [ids["gas"], ids["flood"], ids["nowhere"]]


def test_exports_are_for_supervisors_and_admins_and_check_their_filters(app, client, city):
    for role in ("resident", "dept_staff", "grid_worker"):
        headers = login(client, LOGIN[role])
        for path in ("reports.geojson", "hotspots.geojson", "cases.csv"):
            assert client.get(f"/api/v1/exports/{path}", headers=headers).status_code == 403
    admin = login(client, LOGIN["admin"])
    bad = client.get("/api/v1/exports/cases.csv?since=soon", headers=admin)
    assert bad.status_code == 422 and "since" in bad.get_json()["errors"]
    reversed_ = client.get("/api/v1/exports/reports.geojson?since=2026-02-01T00:00:00Z&until=2026-01-01T00:00:00Z",
                           headers=admin)
    assert reversed_.status_code == 422 and "until" in reversed_.get_json()["errors"]
    assert client.get("/api/v1/exports/cases.csv?status=lost", headers=admin).status_code == 422
    assert client.get("/api/v1/exports/cases.csv").status_code == 401


def _csv(response) -> list[dict]:
    text = response.get_data(as_text=True)
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def test_cases_as_streamed_csv_with_filters(app, client, city):
    ids = _reports(app, client)
    admin = login(client, LOGIN["admin"])
    response = client.get("/api/v1/exports/cases.csv", headers=admin, buffered=False)  # to see that it streams
    assert response.status_code == 200 and response.is_streamed and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="cases.csv"'
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff" + ",".join(exports.CASE_FIELDS) + "\r\n"), "a BOM for Excel, stable header"
    rows = _csv(response)
    assert [int(r["origin_report_id"]) for r in rows] == [ids["gas"], ids["flood"], ids["nowhere"]]
    gas = rows[0]
    assert gas["status"] == "dispatched" and gas["status_zh"] == "已派发" and gas["lead_department"] == "GAS"
    assert gas["category"] == "accident.gas_leak" and gas["category_name"] == "燃气泄漏"
    assert gas["lat"] == "28.2345" and gas["needs_manual_dispatch"] == "false"
    assert datetime.fromisoformat(gas["resolve_by"]).tzinfo is not None

    plain = client.get("/api/v1/exports/cases.csv?bom=false&department=GAS", headers=admin)
    assert not plain.get_data(as_text=True).startswith("\ufeff")
    assert [r["number"] for r in _csv(plain)] == [gas["number"]]
    assert [r["category"] for r in _csv(client.get("/api/v1/exports/cases.csv?category=natural_disaster",
                                                   headers=admin))] == ["natural_disaster.flood_waterlogging"]
    assert _csv(client.get("/api/v1/exports/cases.csv?status=closed", headers=admin)) == []


def test_a_large_range_streams_in_batches_with_every_row(app, client, city):
    total = exports.BATCH * 2 + 7
    with app.app_context():
        category_id = db.session.execute(sa.select(Category.id).where(Category.code == "accident.gas_leak")).scalar()
        now = datetime.now(timezone.utc)
        db.session.execute(sa.insert(Report), [
            {"id": 10000 + i, "client_uuid": new_uuid(), "payload_hash": "0" * 64, "channel": "hotline",
             "text": f"第{i}号热线工单：燃气味", "lat": 28.2 + i / 1e5, "lon": 112.9, "created_at": now,
             "stage_updated_at": now, "stage": "routed", "category_id": category_id, "anonymous": False,
             "has_audio": False, "attempts": 0, "flags": []} for i in range(total)])
        db.session.execute(sa.insert(Case), [
            {"id": 10000 + i, "number": f"GWBULK{i:06d}", "origin_report_id": 10000 + i, "category_id": category_id,
             "severity": 4, "status": "received", "created_at": now, "updated_at": now,
             "needs_manual_dispatch": True, "rating_review": False, "reopen_count": 0} for i in range(total)])
        db.session.commit()
        chunks = exports.cases_csv(bom=False)
        assert next(chunks).startswith("number,id,status"), "the header comes before any row is read"
        assert sum(1 for _ in chunks) == total, "one chunk per case"
    rows = _csv(client.get("/api/v1/exports/cases.csv", headers=login(client, LOGIN["supervisor"])))
    assert len(rows) == total and len({r["number"] for r in rows}) == total
    features = _geojson(client, "/api/v1/exports/reports.geojson", login(client, LOGIN["supervisor"]))
    assert len(features) == total and features[-1]["id"] == 10000 + total - 1


def test_hotspots_as_geojson_hottest_first(app, client, city):
    with app.app_context():
        now = datetime.now(timezone.utc)
        db.session.add_all([
            Hotspot(key="h-gas", label="桂花园小区燃气泄漏", keywords=["煤气", "漏气"], status="confirmed", size=5,
                    centroid_lat=28.2345, centroid_lon=112.9067, min_lat=28.23, min_lon=112.90, max_lat=28.24,
                    max_lon=112.91, heat=8.5, growth=1.5, grids=["D01-S01-C01-G01"],
                    dominant_category="accident.gas_leak", highest_severity=2, first_seen=now - timedelta(days=2),
                    last_seen=now),
            Hotspot(key="h-flood", label="人民路下穿通道积水", keywords=["积水"], status="suggested", size=3,
                    centroid_lat=28.2011, centroid_lon=112.9702, heat=3.0, grids=[],
                    dominant_category="natural_disaster.flood_waterlogging", highest_severity=3,
                    first_seen=now - timedelta(days=40), last_seen=now - timedelta(days=30))])
        db.session.commit()
    supervisor = login(client, LOGIN["supervisor"])
    features = _geojson(client, "/api/v1/exports/hotspots.geojson", supervisor)
    assert [f["properties"]["key"] for f in features] == ["h-gas", "h-flood"]
    gas = features[0]
    assert gas["geometry"]["coordinates"] == [112.9067, 28.2345] and gas["bbox"] == [112.90, 28.23, 112.91, 28.24]
    assert set(gas["properties"]) == set(exports.HOTSPOT_FIELDS) and gas["properties"]["keywords"] == ["煤气", "漏气"]
    assert "bbox" not in features[1] and features[1]["properties"]["bbox"] is None
    week = (datetime.now(timezone.utc) - timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%SZ")
    recent = _geojson(client, f"/api/v1/exports/hotspots.geojson?since={week}", supervisor)
    assert [f["properties"]["key"] for f in recent] == ["h-gas"]
    assert [f["properties"]["key"] for f in _geojson(
        client, "/api/v1/exports/hotspots.geojson?category=natural_disaster", supervisor)] == ["h-flood"]


# --- every table is written by one writer: no cell can run as a spreadsheet formula -----------------------

FORMULAS = ('=HYPERLINK("http://x","y")', "@SUM(1)", "+1+cmd|' /C calc'!A0", "-2+3", "\t=1", "\r=1")


def _formula_cells(rows) -> list:
    """Text cells a spreadsheet would evaluate (a plain negative number in CSV is a number, not a formula)."""
    return [v for row in rows for v in row if isinstance(v, str) and v.startswith(("=", "+", "-", "@", "\t", "\r"))
            and not re.fullmatch(r"-\d+(\.\d+)?", v)]


def _csv_rows(text: str) -> list[list]:
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


def _xlsx_rows(data: bytes) -> list[list]:
    from openpyxl import load_workbook
    sheet = load_workbook(io.BytesIO(data)).active
    assert not [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"], "no formula cells"
    return [[c.value for c in row] for row in sheet.iter_rows()]


def _hostile_case(app) -> tuple[int, int]:
    """A closed case whose report's text, address and a department's name are formulas; the report lies at a
    negative latitude and longitude (numbers, not formulas)."""
    from server.models import Department
    from .test_cases_support import case_in
    with app.app_context():
        case_id = case_in("closed")
        case = db.session.get(Case, case_id)
        report = db.session.get(Report, case.origin_report_id)
        report.text = report.text_masked = FORMULAS[0]
        report.address, report.lat, report.lon = FORMULAS[1], -12.5, -77.25
        case.category_id = db.session.execute(sa.select(Category.id).where(Category.code == "accident.gas_leak")
                                              ).scalar_one()
        db.session.execute(sa.update(Department).where(Department.code == "GAS").values(name=FORMULAS[2]))
        db.session.commit()
        return case_id, report.id


def test_every_csv_and_xlsx_output_neutralises_formulas(app, client, city, tmp_path):
    from server.cli.cases import export_training_command
    from triage.table import write_rows

    from ..admin.conftest import sign_in
    _hostile_case(app)
    found = {}
    api = client.get("/api/v1/exports/cases.csv", headers=login(client, LOGIN["admin"]))
    found["api cases.csv"] = _csv_rows(api.get_data(as_text=True))
    assert "'@SUM(1)" in api.get_data(as_text=True), "the quoted text is kept, not dropped"
    web = app.test_client()
    assert sign_in(web, LOGIN["supervisor"]).status_code == 302
    for path in ("exports/cases.csv", "exports/reports.csv", "metrics/export.csv"):
        found["admin " + path] = _csv_rows(web.get("/admin/" + path).get_data(as_text=True))
    for path in ("exports/cases.xlsx", "exports/reports.xlsx", "metrics/export.xlsx"):
        found["admin " + path] = _xlsx_rows(web.get("/admin/" + path).data)
    out = tmp_path / "training.csv"
    result = app.test_cli_runner().invoke(export_training_command, ["-o", str(out)])
    assert result.exit_code == 0, result.output
    found["export-training"] = _csv_rows(out.read_text(encoding="utf-8"))
    write_rows(tmp_path / "predicted.csv", ["text", "predicted"], [{"text": f, "predicted": "x"} for f in FORMULAS])
    found["triage predict"] = _csv_rows((tmp_path / "predicted.csv").read_text(encoding="utf-8"))
    for name, rows in found.items():
        assert len(rows) > 1, name
        assert _formula_cells(rows) == [], name
    texts = {v for rows in found.values() for row in rows for v in row}
    assert "'" + FORMULAS[0] in texts and "'" + FORMULAS[2] in texts and "'\t=1" in texts
    reports = found["admin exports/reports.xlsx"]
    lat = reports[0].index("纬度")  # the admin's headers are in the visitor's language (Chinese by default)
    assert -12.5 in [row[lat] for row in reports[1:]], "a negative number stays a number in XLSX"
    reports_csv = found["admin exports/reports.csv"]
    assert "-12.5" in [row[lat] for row in reports_csv[1:]], "and plain in CSV"


# --- exports check their filters before streaming; a failure mid-stream is never a complete download --------

def test_bad_filters_are_refused_before_anything_streams(app, client, city):
    admin = login(client, LOGIN["admin"])
    for path in ("cases.csv", "reports.geojson", "hotspots.geojson"):
        for query in ("since=0001-01-01T00:00:00Z", "until=9999-12-31T23:59:59Z", "since=0001-01-01T00:00:00%2B14:00",
                      "category=%00", "department=GAS%00", "category=" + "a" * 65):
            response = client.get(f"/api/v1/exports/{path}?{query}", headers=admin)
            assert response.status_code == 422, (path, query, response.status_code)
            body = response.get_json()
            assert body["errors"] and body["message"], (path, query)
    assert client.get("/api/v1/exports/hotspots.geojson?status=%00", headers=admin).status_code == 422
    response = client.get("/api/v1/exports/cases.csv", headers=admin)
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"


def test_a_failure_mid_stream_cuts_the_download_off_visibly(app, city, monkeypatch, caplog):
    import requests

    from .interop_support import live_server
    with app.app_context():
        for status in ("dispatched", "accepted", "in_progress"):
            from .test_cases_support import case_in
            case_in(status)
        broken = db.session.execute(sa.select(Case.id).order_by(Case.id.desc())).scalars().first()
    real = exports.STATUS_ZH

    class Broken(dict):  # the last case's row fails while it is written (e.g. a bad value in the database)
        def get(self, key, default=None):
            if key == "in_progress":
                raise RuntimeError(f"case {broken} cannot be written")
            return real.get(key, default)

    monkeypatch.setattr(exports, "STATUS_ZH", Broken(real))
    with live_server(app) as url:
        token = requests.post(url + "/api/v1/auth/login", timeout=30, json={
            "username": LOGIN["admin"], "password": PASSWORDS[LOGIN["admin"]]}).json()["access_token"]
        auth = {"Authorization": "Bearer " + token}
        for path in ("cases.csv", "reports.geojson"):
            if path == "reports.geojson":
                monkeypatch.setattr(exports, "_point", lambda lat, lon: 1 / 0)
            with requests.get(f"{url}/api/v1/exports/{path}", headers=auth, timeout=30, stream=True) as response:
                assert response.status_code == 200
                assert response.headers.get("Transfer-Encoding") == "chunked"
                with pytest.raises(requests.exceptions.ChunkedEncodingError):
                    b"".join(response.iter_content(None))  # the chunked body never ends properly
    failures = [r for r in caplog.records if r.name == "server.exports.service" and "cut off" in r.getMessage()]
    assert len(failures) == 2 and failures[0].exc_info is not None
