"""Case search on GET /api/v1/cases: text, number, address, category, department, status, level, dates, scoping,
pages, order and 422 on bad input (SQLite and PostgreSQL)."""
from datetime import timedelta

import pytest

from server.extensions import db
from server.models import Case, Category, Report, utcnow

from ..helpers import login
from .test_cases_support import USERS, act, new_case


def _shape(case_id: int, text: str, address: str, category: str, severity: int, days_ago: int, resolve_in: int | None):
    """Give a fresh case its report's text and address, a category, a level, an age and a resolve-by deadline."""
    case = db.session.get(Case, case_id)
    report = db.session.get(Report, case.origin_report_id)
    report.text, report.text_masked, report.address = text, None, address
    case.category_id = db.session.execute(db.select(Category.id).where(Category.code == category)).scalar_one()
    case.severity = severity
    case.created_at = utcnow() - timedelta(days=days_ago)
    case.resolve_by = utcnow() + timedelta(days=resolve_in) if resolve_in is not None else None
    db.session.commit()


@pytest.fixture
def world(app, city):
    """Four cases: gas (dispatched to GAS), fire (dispatched to FIRE), a masked phone text, and one waiting."""
    with app.app_context():
        gas, fire, masked, waiting = (new_case() for _ in range(4))
        act(gas, "dispatch", "supervisor", {"lead": "GAS"})  # dispatch sets deadlines: shape the cases after it
        act(fire, "dispatch", "supervisor", {"lead": "FIRE"})
        _shape(gas, "桂花园小区7栋楼道煤气味很重", "桃花岭街道桂花园小区7栋", "accident.gas_leak", 2, 3, 2)
        _shape(fire, "消防通道被杂物堵塞 100%占用", "枫林路12号", "accident.fire_hazard", 1, 1, 5)
        _shape(masked, "噪音扰民", "枫林路8号", "public_health.environmental_pollution", 4, 10, None)
        db.session.get(Report, db.session.get(Case, masked).origin_report_id).text = "噪音扰民 电话13975126638"
        db.session.get(Report, db.session.get(Case, masked).origin_report_id).text_masked = "噪音扰民 电话139****6638"
        db.session.commit()
        _shape(waiting, "路灯不亮", "枫林路20号", "accident.road_facility", 3, 5, 1)
        numbers = {name: db.session.get(Case, cid).number for name, cid in
                   (("gas", gas), ("fire", fire), ("masked", masked), ("waiting", waiting))}
        return {"ids": {"gas": gas, "fire": fire, "masked": masked, "waiting": waiting}, "numbers": numbers}


def _search(client, who, **query):
    response = client.get("/api/v1/cases", query_string=query, headers=login(client, USERS[who]))
    return response


def _found(client, world, who="supervisor", **query):
    response = _search(client, who, **query)
    assert response.status_code == 200, response.get_json()
    names = {cid: name for name, cid in world["ids"].items()}
    return [names[item["id"]] for item in response.get_json()["items"]]


def test_text_address_and_number(client, world):
    assert _found(client, world, q="煤气味") == ["gas"]
    assert _found(client, world, q="枫林路") == ["fire", "waiting", "masked"]  # newest first
    assert _found(client, world, q="枫林路 路灯") == ["waiting"]  # every word must match
    assert _found(client, world, q=world["numbers"]["fire"].lower()) == ["fire"]
    assert _found(client, world, q="100%") == ["fire"]  # a wildcard is a plain character
    assert _found(client, world, q="_") == []
    assert _found(client, world, q="13975126638") == []  # personal data is searched masked only
    assert _found(client, world, q="没有这个词") == []


def test_category_department_status_level_and_dates(client, world):
    assert _found(client, world, category="accident.gas_leak") == ["gas"]
    assert set(_found(client, world, category="accident")) == {"gas", "fire", "waiting"}  # a class and its subs
    assert _found(client, world, category="accident.gas") == []  # no prefix matching
    assert _found(client, world, department="FIRE") == ["fire"]
    assert _found(client, world, status="received", q="枫林路") == ["waiting", "masked"]
    assert _found(client, world, level=1) == ["fire"]
    since = (utcnow() - timedelta(days=4)).isoformat()
    until = (utcnow() - timedelta(days=2)).isoformat()
    assert _found(client, world, since=since, until=until) == ["gas"]


def test_sort_and_pages(client, world):
    assert _found(client, world, sort="level") == ["fire", "gas", "waiting", "masked"]
    assert _found(client, world, sort="-level") == ["masked", "waiting", "gas", "fire"]
    assert _found(client, world, sort="deadline") == ["waiting", "gas", "fire", "masked"]  # no deadline last
    assert _found(client, world, sort="created") == ["masked", "waiting", "gas", "fire"]
    first = _search(client, "supervisor", sort="created", per_page=3, page=1).get_json()
    second = _search(client, "supervisor", sort="created", per_page=3, page=2).get_json()
    assert first["meta"] == {"page": 1, "per_page": 3, "total": 4, "pages": 2}
    assert [i["id"] for i in second["items"]] == [world["ids"]["fire"]]


def test_scoping(client, world):
    assert _found(client, world, who="lead", q="枫林路") == []  # GAS staff: only GAS's cases
    assert _found(client, world, who="lead") == ["gas"]
    assert _found(client, world, who="assist", q="消防") == ["fire"]
    assert _search(client, "resident", q="煤气").status_code == 403


@pytest.mark.parametrize("query", [{"sort": "name"}, {"level": 5}, {"level": "I"}, {"since": "yesterday"},
                                   {"q": "x" * 101}, {"status": "lost"}, {"per_page": 1000}])
def test_bad_input_is_422(client, world, query):
    response = _search(client, "supervisor", **query)
    assert response.status_code == 422
    body = response.get_json()
    assert body["code"] == "unprocessable_entity" and body["message"]
    assert set(body["errors"]) == set(query), body  # the bad field is named


def test_empty_form_fields_are_ignored(client, world):
    assert len(_found(client, world, q="", category="", level="", sort="", status="")) == 4
