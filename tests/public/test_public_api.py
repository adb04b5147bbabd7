"""The public page's API: the map (coarsened, no personal data, filters, validation, cache, rate limit) and reporting
without an account (a guest's token: only its hash stored, the same intake, following and rating with the link)."""
import hashlib
import json

import pytest

from server import create_app
from server.extensions import db
from server.models import ApiToken, Case, CaseReporter, Category, Report, User, utcnow
from server.public.map import CELL_M, cell_centre, cell_of

from .. import media_fixtures as mf
from ..conftest import app_config, fresh_database
from ..helpers import login, new_uuid
from .support import GAS_TEXT, GRID_POINT, PUBLIC_REPLY, close_case, processed_case

RESIDENT = "13800000001"


def _report(lat: float, lon: float, *, category: str = "accident.gas_leak", status: str | None = "dispatched",
            anonymous: bool = False, text: str = "张三 13912345678 家门口煤气味很重，住5栋301") -> int:
    """A resident's report at a point, with a case in the status (None: still being processed)."""
    from server.accounts.service import find_user
    cat = db.session.execute(db.select(Category).where(Category.code == category)).scalar_one()
    resident = find_user(RESIDENT)
    report = Report(client_uuid=new_uuid(), payload_hash="x" * 64, reporter_id=resident.id, text=text, lat=lat,
                    lon=lon, category_id=cat.id, anonymous=anonymous, stage="routed" if status else "analysed")
    db.session.add(report)
    db.session.flush()
    if status:
        case = Case(origin_report_id=report.id, category_id=cat.id, severity=3, status=status,
                    closed_at=utcnow() if status == "closed" else None)
        db.session.add(case)
        db.session.flush()
        report.case_id = case.id
        db.session.add(CaseReporter(case_id=case.id, reporter_id=resident.id, report_id=report.id))
    db.session.commit()
    return report.id


def _map(client, query: str = "") -> dict:
    answer = client.get("/api/v1/public/map" + query)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def test_cells_are_200_m_and_hold_their_points():
    for lat, lon in [(28.2340, 112.9080), (39.9, 116.4), (-33.9, 151.2), (0.0001, -0.0001)]:
        row, col = cell_of(lat, lon)
        c_lat, c_lon = cell_centre(row, col)
        assert cell_of(c_lat, c_lon) == (row, col)
        assert abs(c_lat - lat) * 111_320 <= CELL_M / 2 + 1
        assert abs(c_lon - lon) * 111_320 * 0.5 <= CELL_M  # within a cell's width (cos(lat) >= 0.5 here)


def test_the_map_coarsens_places_merges_a_cell_and_shows_no_personal_data(client, app, city):
    with app.app_context():
        first = _report(28.23401, 112.90801, anonymous=True)
        _report(28.23405, 112.90809)  # a few metres away: the same cell, category and status
        _report(28.2500, 112.9300, status="closed")
        _report(28.2600, 112.9400, status=None, category="accident.fire_hazard")
        exact = db.session.get(Report, first)
        cell = cell_centre(*cell_of(exact.lat, exact.lon))
    body = _map(client)
    dots = {f["properties"]["cell"]: f for f in body["features"]}
    assert body["cell_m"] == 200 and len(dots) == 3
    merged = dots["%d:%d" % cell_of(28.23401, 112.90801)]
    assert merged["properties"]["count"] == 2 and merged["properties"]["status"] == "dispatched"
    assert merged["geometry"]["coordinates"] == [cell[1], cell[0]] != [112.90801, 28.23401]
    assert {f["properties"]["status"] for f in body["features"]} == {"dispatched", "closed", "processing"}
    text = json.dumps(body, ensure_ascii=False)
    for secret in ("13912345678", "张三", "煤气味", "5栋301", RESIDENT, "reporter", "username", "anonymous", "text",
                   "28.23401", "112.90801"):
        assert secret not in text, secret
    assert set(merged["properties"]) == {"cell", "category", "status", "group", "count", "last_day"}


def test_the_map_filters_by_status_and_category_and_validates_its_query(client, app, city):
    with app.app_context():
        _report(28.2340, 112.9080)
        _report(28.2500, 112.9300, status="closed")
        _report(28.2600, 112.9400, category="accident.fire_hazard")
    closed = _map(client, "?status=closed")["features"]
    assert [f["properties"]["status"] for f in closed] == ["closed"]
    assert {f["properties"]["group"] for f in _map(client, "?status=open")["features"]} == {"open"}
    fire = _map(client, "?category=accident.fire_hazard")["features"]
    assert [f["properties"]["category"]["code"] for f in fire] == ["accident.fire_hazard"]
    assert len(_map(client, "?category=accident")["features"]) == 3  # a risk class selects its subcategories
    for bad in ("?status=mine", "?days=0", "?days=91", "?days=x", "?category=" + "x" * 65):
        answer = client.get("/api/v1/public/map" + bad)
        assert answer.status_code == 422 and answer.get_json()["code"] and answer.get_json()["errors"], bad


def test_the_map_is_cached_briefly(client, app, city):
    with app.app_context():
        _report(28.2340, 112.9080)
    first = client.get("/api/v1/public/map")
    assert "max-age=30" in first.headers["Cache-Control"]
    with app.app_context():
        _report(28.2500, 112.9300)
    assert client.get("/api/v1/public/map").get_json() == first.get_json()  # within the cache's lifetime
    app.extensions["gridwatch_public_map"].clear()
    assert len(client.get("/api/v1/public/map").get_json()["features"]) == 2


@pytest.fixture
def limited_app(sqlite_url, tmp_path):
    app = create_app(app_config(sqlite_url, tmp_path, PUBLIC_MAP_RATE_LIMIT="3 per minute",
                                REGISTER_RATE_LIMIT="2 per hour"))
    fresh_database(app)
    yield app
    with app.app_context():
        db.engine.dispose()


def test_the_map_and_guests_are_rate_limited_per_address(limited_app):
    client = limited_app.test_client()
    assert [client.get("/api/v1/public/map").status_code for _ in range(3)] == [200] * 3
    refused = client.get("/api/v1/public/basemap")
    assert refused.status_code == 429 and refused.get_json()["code"] == "rate_limited"
    assert int(refused.headers["Retry-After"]) >= 1
    assert [client.post("/api/v1/public/guests", json={}).status_code for _ in range(3)] == [201, 201, 429]


def test_a_guest_reports_through_the_same_intake_and_follows_with_the_link_only(client, app, city):
    made = client.post("/api/v1/public/guests", json={})
    assert made.status_code == 201
    token = made.get_json()["access_token"]
    guest = {"Authorization": "Bearer " + token}
    with app.app_context():
        row = db.session.execute(db.select(ApiToken).where(
            ApiToken.token_hash == hashlib.sha256(token.encode()).hexdigest())).scalar_one()
        user = db.session.get(User, row.user_id)
        assert user.role == "resident" and user.phone_enc is None and user.display_name is None
        assert token not in json.dumps([row.token_hash, user.username, user.password_hash])
        assert (row.expires_at - utcnow()).days >= 364
    fields = {"client_uuid": new_uuid(), "text": GAS_TEXT, "lat": str(GRID_POINT[0]), "lon": str(GRID_POINT[1]),
              "channel": "web", "anonymous": "true", "category_hint": "accident.gas_leak"}

    def send():
        return client.post("/api/v1/reports", headers=guest, content_type="multipart/form-data",
                           data={**fields, "photos": [(__import__("io").BytesIO(mf.jpeg_bytes()), "p.jpg")]})
    first = send()
    assert first.status_code == 201, first.get_json()
    report_id = first.get_json()["id"]
    assert send().status_code == 200 and send().get_json()["id"] == report_id  # a retry is the same report
    fake = client.post("/api/v1/reports", headers=guest, content_type="multipart/form-data",
                       data={**fields, "client_uuid": new_uuid(), "photos": [(__import__("io").BytesIO(b"<html>"),
                                                                              "p.jpg")]})
    assert fake.status_code == 422  # checked by content, as for the app
    assert client.post("/api/v1/auth/login", json={"username": user.username, "password": token}).status_code == 401
    other = {"Authorization": "Bearer " + client.post("/api/v1/public/guests", json={}).get_json()["access_token"]}
    assert client.get(f"/api/v1/reports/{report_id}", headers=other).status_code == 404
    assert client.get(f"/api/v1/reports/{report_id}/feedback", headers=other).status_code == 404

    close_case(app, processed_case(app, report_id))
    followed = client.get(f"/api/v1/reports/{report_id}", headers=guest).get_json()
    assert any(PUBLIC_REPLY in (e["note"] or "") for e in followed["timeline"])
    feedback = client.get(f"/api/v1/reports/{report_id}/feedback", headers=guest).get_json()
    assert feedback["status"] == "closed" and feedback["can_rate"] and feedback["items"][0]["attachments"]
    photo = client.get(feedback["items"][0]["attachments"][0]["url"], headers=guest)
    assert photo.status_code == 200 and photo.mimetype.startswith("image/")
    rated = client.post(f"/api/v1/reports/{report_id}/rating", json={"rating": "satisfied"}, headers=guest)
    assert rated.status_code == 201
    staff = client.get(f"/api/v1/cases/{followed['case_id']}", headers=login(client, "command01")).get_json()
    assert staff["status"] == "closed"
    public = json.dumps(_map(client), ensure_ascii=False)
    assert "guest_" not in public and "煤气" not in public


def test_the_page_is_chinese_first_with_a_strict_policy_and_no_referrer(client):
    page = client.get("/public/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and '<html lang="zh-CN">' in html and "我要上报" in html and "?lang=en" in html
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert page.headers["Referrer-Policy"] == "no-referrer" and "microphone=(self)" in page.headers[
        "Permissions-Policy"]
    import re
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts and all("src=" in s or 'type="application/json"' in s for s in scripts)
    english = client.get("/public/?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in english and "Report a hazard" in english
    assert client.get("/public/static/report.js").headers["Referrer-Policy"] == "no-referrer"
    assert 'href="/public/"' in client.get("/", headers={"Accept": "text/html"}).get_data(as_text=True)


def test_a_refusal_speaks_the_readers_language(limited_app):
    client = limited_app.test_client()
    for _ in range(3):
        client.get("/api/v1/public/map")
    chinese = client.get("/api/v1/public/map").get_json()
    english = client.get("/api/v1/public/map", headers={"Accept-Language": "en"}).get_json()
    assert chinese["code"] == english["code"] == "rate_limited"
    assert chinese["message"] == "该地址请求过于频繁，请稍后再试。" and english["message"].startswith("Too many requests")
