"""Nearby open reports before reporting, and 我也遇到了: one support per person, counted on the case and hotspot."""
import pytest

from server.extensions import db
from server.models import Case, Category, Hotspot, Report

from ..helpers import login, new_uuid
from .test_cases_support import PATHS, act, new_case

HERE = (28.2345, 112.9067)
GAS = "accident.gas_leak"


def placed_case(lat, lon, category=GAS, status="dispatched", text="小区楼道煤气味很重，电话13912345678") -> tuple:
    """A case in a status whose origin report sits at a point, analysed (cell, masked text, category)."""
    from nlp.hotspots.duplicates import cell_of
    from nlp.pii import mask
    case_id = new_case()
    for action, who, fields, *uploads in PATHS[status]:
        act(case_id, action, who, fields, uploads[0] if uploads else ())
    case = db.session.get(Case, case_id)
    report = db.session.get(Report, case.origin_report_id)
    category_row = db.session.execute(db.select(Category).where(Category.code == category)).scalar_one()
    report.lat, report.lon, report.cell = lat, lon, cell_of(lat, lon)
    report.text, report.text_masked, report.category_id = text, mask(text), category_row.id
    case.category_id = category_row.id
    db.session.commit()
    return case_id, report.id


def resident(client, phone: str) -> dict:
    body = client.post("/api/v1/auth/register", json={"phone": phone, "password": "Anquan-Shouji-2026"}).get_json()
    return {"Authorization": "Bearer " + body["access_token"]}


def nearby(client, headers, **params):
    query = {"lat": HERE[0], "lon": HERE[1], **params}
    return client.get("/api/v1/reports/nearby", query_string=query, headers=headers)


def test_nearby_lists_open_reports_of_the_kind_within_the_radius_without_personal_data(client, app, city):
    with app.app_context():
        _, near = placed_case(28.2355, 112.9067)                      # about 110 m north
        _, far = placed_case(28.2421, 112.9067)                       # about 850 m
        _, other_kind = placed_case(28.2346, 112.9068, category="accident.fire_hazard")
        _, closed = placed_case(28.2346, 112.9066, status="closed")
    me = resident(client, "13912340001")
    answer = nearby(client, me, category=GAS)
    assert answer.status_code == 200, answer.get_json()
    items = answer.get_json()["items"]
    assert [i["id"] for i in items] == [near]
    item = items[0]
    assert item["category"]["code"] == GAS and item["status"] == "case.dispatched" and item["supporters"] == 1
    assert 80 <= item["distance_m"] <= 140 and item["supported"] is False
    assert "13912345678" not in item["text"] and "煤气味" in item["text"]
    assert item["lat"] == round(item["lat"], 3) and "reporter" not in item and "address" not in item
    every_kind = {i["id"] for i in nearby(client, me).get_json()["items"]}
    assert every_kind == {near, other_kind}
    assert {i["id"] for i in nearby(client, me, radius=1000, category=GAS).get_json()["items"]} == {near, far}
    assert nearby(client, me, lat=91).status_code == 422
    assert nearby(client, me, radius=5000).status_code == 422


def test_support_counts_each_person_once_on_the_case_and_the_hotspot(client, app, city):
    with app.app_context():
        case_id, report_id = placed_case(*HERE)
        hotspot = Hotspot(label="煤气味", keywords=[], size=1, reporters=1, heat=5.0)
        db.session.add(hotspot)
        db.session.flush()
        db.session.get(Report, report_id).hotspot_id = hotspot.id
        db.session.get(Case, case_id).hotspot_id = hotspot.id
        db.session.commit()
        hotspot_id = hotspot.id
    first, second = resident(client, "13912340002"), resident(client, "13912340003")
    uuid = new_uuid()
    made = client.post(f"/api/v1/reports/{report_id}/support", json={"client_uuid": uuid}, headers=first)
    assert made.status_code == 201, made.get_json()
    assert made.get_json() == {"report_id": report_id, "case_id": case_id, "supported": True, "created": True,
                               "supporters": 2}
    again = client.post(f"/api/v1/reports/{report_id}/support", json={"client_uuid": uuid}, headers=first)
    assert again.status_code == 200 and again.get_json()["supporters"] == 2 and not again.get_json()["created"]
    other_uuid = client.post(f"/api/v1/reports/{report_id}/support", json={"client_uuid": new_uuid()}, headers=first)
    assert other_uuid.status_code == 200 and other_uuid.get_json()["supporters"] == 2
    assert client.post(f"/api/v1/reports/{report_id}/support", json={"client_uuid": new_uuid()},
                       headers=second).status_code == 201
    with app.app_context():
        case = db.session.get(Case, case_id)
        hotspot = db.session.get(Hotspot, hotspot_id)
        assert (case.own_reporters, case.reporters) == (3, 3)
        assert hotspot.reporters == 3 and hotspot.heat > 5.0
    listed = nearby(client, first, category=GAS).get_json()["items"]
    assert [(i["id"], i["supporters"], i["supported"]) for i in listed] == [(report_id, 3, True)]


def test_support_refuses_what_it_cannot_count(client, app, city):
    with app.app_context():
        _, open_report = placed_case(*HERE)
        _, other_report = placed_case(28.2350, 112.9070)
        _, closed_report = placed_case(*HERE, status="closed")
    me = resident(client, "13912340004")
    uuid = new_uuid()
    assert client.post(f"/api/v1/reports/{open_report}/support", json={"client_uuid": uuid},
                       headers=me).status_code == 201
    reused = client.post(f"/api/v1/reports/{other_report}/support", json={"client_uuid": uuid}, headers=me)
    assert reused.status_code == 409 and reused.get_json()["code"] == "uuid_conflict"
    closed = client.post(f"/api/v1/reports/{closed_report}/support", json={"client_uuid": new_uuid()}, headers=me)
    assert closed.status_code == 409 and closed.get_json()["code"] == "report_closed"
    assert client.post("/api/v1/reports/999999/support", json={"client_uuid": new_uuid()},
                       headers=me).status_code == 404
    assert client.post(f"/api/v1/reports/{open_report}/support", json={"client_uuid": "not-a-uuid"},
                       headers=me).status_code == 422
    assert client.post(f"/api/v1/reports/{open_report}/support", json={"client_uuid": new_uuid()}).status_code == 401


def test_the_reporter_supporting_their_own_report_is_not_counted_twice(client, app, city):
    with app.app_context():
        case_id, report_id = placed_case(*HERE)
    own = login(client, "13800000001")  # the demo resident made the case's report
    answer = client.post(f"/api/v1/reports/{report_id}/support", json={"client_uuid": new_uuid()}, headers=own)
    assert answer.status_code == 200 and answer.get_json()["supporters"] == 1
    assert nearby(client, own, category=GAS).get_json()["items"][0]["supported"] is True
    with app.app_context():
        assert db.session.get(Case, case_id).reporters == 1


def test_nearby_is_rate_limited_per_account(client, app, city):
    app.config["NEARBY_RATE_LIMIT"] = "2 per minute"
    me = resident(client, "13912340005")
    assert [nearby(client, me).status_code for _ in range(2)] == [200, 200]
    refused = nearby(client, me)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert nearby(client, resident(client, "13912340006")).status_code == 200


@pytest.mark.parametrize("role", ["resident", "grid_worker"])
def test_the_grid_map_for_the_phone(client, city, role):
    from ..helpers import LOGIN
    body = client.get("/api/v1/areas/grids.geojson", headers=login(client, LOGIN[role])).get_json()
    assert body["type"] == "FeatureCollection" and body["city_timezone"] == "Asia/Shanghai"
    grid = next(f for f in body["features"] if f["properties"]["code"] == "D01-S01-C01-G01")
    assert grid["geometry"]["type"] in ("Polygon", "MultiPolygon") and grid["properties"]["name"]
    assert client.get("/api/v1/areas/grids.geojson").status_code == 401


def test_supporters_stay_in_the_hotspot_and_its_heat_when_it_is_reclustered(client, app, city):
    from server.hotspots.service import recount_hotspot_people
    from server.models import HotspotReporter
    from server.reports.support import support_likes
    with app.app_context():
        _, report_id = placed_case(*HERE)
        hotspot = Hotspot(label="煤气味", keywords=[], size=1, reporters=1, heat=5.0)
        db.session.add(hotspot)
        db.session.flush()
        db.session.get(Report, report_id).hotspot_id = hotspot.id
        db.session.commit()
        hotspot_id = hotspot.id
    for phone in ("13912340007", "13912340008"):
        assert client.post(f"/api/v1/reports/{report_id}/support", json={"client_uuid": new_uuid()},
                           headers=resident(client, phone)).status_code == 201
    with app.app_context():
        recount_hotspot_people()
        db.session.commit()
        assert db.session.get(Hotspot, hotspot_id).reporters == 3
        people = db.session.execute(db.select(HotspotReporter.reporter_id).where(
            HotspotReporter.hotspot_id == hotspot_id)).scalars().all()
        assert len(people) == len(set(people)) == 3
        assert support_likes([report_id]) == {report_id: 100.0}  # two supporters weigh as two reporters


def test_a_deleted_account_stays_counted_behind_the_case_but_no_longer_as_itself(client, app, city):
    from server.models import CaseReporter
    from server.models.supports import ReportSupport
    with app.app_context():
        case_id, report_id = placed_case(*HERE)
    me = resident(client, "13912340009")
    assert client.post(f"/api/v1/reports/{report_id}/support", json={"client_uuid": new_uuid()},
                       headers=me).status_code == 201
    user_id = client.get("/api/v1/auth/me", headers=me).get_json()["id"]
    deleted = client.post("/api/v1/auth/delete", json={"password": "Anquan-Shouji-2026", "confirm": True}, headers=me)
    assert deleted.status_code == 200, deleted.get_json()
    with app.app_context():
        assert db.session.execute(db.select(ReportSupport).where(ReportSupport.user_id == user_id)).first() is None
        assert db.session.execute(db.select(CaseReporter).where(CaseReporter.reporter_id == user_id)).first() is None
        assert db.session.get(Case, case_id).reporters == 2
        rows = db.session.execute(db.select(CaseReporter).where(CaseReporter.case_id == case_id)).scalars().all()
        assert [r.reporter_id for r in rows] == [None]  # the supporter's row stays, without the account
