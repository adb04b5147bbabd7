"""The case library: vectors stored on close, similar closed cases, model cases, the library, reply templates."""
import pytest

from server.accounts.service import create_user
from server.cases import library
from server.cases.log import append_event
from server.extensions import db
from server.models import Area, Case, CaseLibraryEntry, Report

from ..helpers import login, new_uuid
from .test_cases_support import FEEDBACK, GRID, PHOTO, USERS, act, user

HERE, NEAR, FAR = (28.2000, 112.9700), (28.2010, 112.9710), (28.3000, 113.0800)


@pytest.fixture(autouse=True)
def _fresh_index():
    """Each test starts from its own closed cases (the index is per process)."""
    library.invalidate()
    yield
    library.invalidate()


@pytest.fixture
def headers(client, city):
    return {role: login(client, username) for role, username in USERS.items()}


def _case(text: str, place: tuple, category: str, address: str = "桂花园小区3栋") -> int:
    """A case from a resident's report in the test grid, dispatched to GAS (lead) with FIRE assisting."""
    area = db.session.execute(db.select(Area).where(Area.code == GRID)).scalar_one()
    report = Report(client_uuid=new_uuid(), payload_hash="x" * 64, reporter_id=user(USERS["resident"]).id,
                    text=text, lat=place[0], lon=place[1], address=address, grid_id=area.id, stage="routed")
    db.session.add(report)
    db.session.flush()
    case = Case(origin_report_id=report.id, severity=3, status="received", needs_manual_dispatch=True)
    db.session.add(case)
    db.session.flush()
    case.number, report.case_id = f"GWT{case.id:06d}", case.id
    append_event(case, "create", "received", data={"report_id": report.id})
    db.session.commit()
    act(case.id, "dispatch", "supervisor", {"lead": "GAS", "assist": ["FIRE"], "category": category})
    return case.id


def _closed(text: str, place: tuple, category: str, measures: str = FEEDBACK["measures"]) -> int:
    """A case handled to the end: signed, started, feedback, verified on site, closed."""
    case_id = _case(text, place, category)
    for action, who, fields in [("sign", "lead", {}), ("start", "lead", {}),
                                ("feedback", "lead", {**FEEDBACK, "measures": measures})]:
        act(case_id, action, who, fields)
    act(case_id, "verify", "grid_worker", {}, PHOTO)
    act(case_id, "close", "supervisor", {})
    return case_id


@pytest.fixture
def cases(app, city):
    """Closed: a gas smell nearby, the same 15 km away, a missing manhole cover nearby, a fallen tree far away;
    open: a new gas smell report (dispatched)."""
    with app.app_context():
        ids = {
            "gas_near": _closed("桂花园小区3栋楼道里一股很重的煤气味，闻着头晕", NEAR, "accident.gas_leak", "关阀、更换软管"),
            "gas_far": _closed("桂花园小区3栋楼道里一股很重的煤气味，闻着头晕", FAR, "accident.gas_leak", "疏散住户、检漏"),
            "manhole": _closed("桂花园小区门口井盖不见了，晚上很容易踩空", NEAR, "accident.road_facility", "更换井盖"),
            "tree": _closed("东湖公园那棵大树被风吹歪了，随时可能倒下来", FAR, "natural_disaster.tree_fall", "扶正加固"),
            "open": _case("桂花园小区楼道煤气味很重", HERE, "accident.gas_leak"),
        }
    return ids


def _similar(client, headers, case_id, role="supervisor", **params):
    return client.get(f"/api/v1/cases/{case_id}/similar", query_string=params, headers=headers[role])


def test_closing_stores_the_vector_and_the_same_hazard_nearby_ranks_first(client, app, headers, cases):
    with app.app_context():
        entry = db.session.get(CaseLibraryEntry, cases["gas_near"])
        assert entry is not None and entry.vector and entry.vector[0] == 1 and not entry.model
        assert db.session.get(CaseLibraryEntry, cases["open"]) is None  # not closed: not in the library
    response = _similar(client, headers, cases["open"], limit=5)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    ids = [item["id"] for item in body["items"]]
    assert ids[:2] == [cases["gas_near"], cases["gas_far"]]
    assert cases["tree"] not in ids and cases["open"] not in ids and body["indexed"] == 4
    first = body["items"][0]
    assert first["category"]["code"] == "accident.gas_leak" and first["handling"]["measures"] == "关阀、更换软管"
    assert first["handling"]["result"] == FEEDBACK["result"] and first["hours_to_close"] >= 0
    assert first["similarity"]["same_category"] and first["similarity"]["distance_km"] < 0.5
    assert body["items"][1]["similarity"]["distance_km"] > 10
    assert first["place"] == {"area": first["place"]["area"], "lat": 28.2, "lon": 112.97}  # coarse
    assert "煤气味" in first["excerpt"] and first["model"] is False


def test_the_reporters_rating_is_shown(client, app, headers, cases):
    with app.app_context():
        report_id = db.session.get(Case, cases["gas_near"]).origin_report_id
    rated = client.post(f"/api/v1/reports/{report_id}/rating", json={"rating": "basically_satisfied"},
                        headers=headers["resident"])
    assert rated.status_code == 201, rated.get_json()
    library.invalidate()
    first = _similar(client, headers, cases["open"]).get_json()["items"][0]
    assert first["id"] == cases["gas_near"] and first["rating"] == "basically_satisfied"
    assert first["rating_zh"] == "基本满意"


def test_model_cases_rank_first_and_can_be_unmarked(client, app, headers, cases):
    marked = client.put(f"/api/v1/cases/{cases['gas_far']}/model", json={"summary": "夜间燃气泄漏：先疏散再关阀"},
                        headers=headers["supervisor"])
    assert marked.status_code == 200, marked.get_json()
    assert marked.get_json()["model"] and marked.get_json()["model_summary"] == "夜间燃气泄漏：先疏散再关阀"
    items = _similar(client, headers, cases["open"]).get_json()["items"]
    assert [i["id"] for i in items][:2] == [cases["gas_far"], cases["gas_near"]] and items[0]["model"]
    page = client.get("/api/v1/case-library", query_string={"model": "true"}, headers=headers["lead"]).get_json()
    assert [i["id"] for i in page["items"]] == [cases["gas_far"]] and page["meta"]["total"] == 1
    unmarked = client.delete(f"/api/v1/cases/{cases['gas_far']}/model", headers=headers["supervisor"])
    assert unmarked.status_code == 200 and unmarked.get_json()["model"] is False
    assert [i["id"] for i in _similar(client, headers, cases["open"]).get_json()["items"]][0] == cases["gas_near"]


def test_marking_errors_are_json(client, headers, cases):
    url = "/api/v1/cases/{}/model"
    not_closed = client.put(url.format(cases["open"]), json={"summary": "一个总结一个总结"}, headers=headers["supervisor"])
    assert not_closed.status_code == 409 and not_closed.get_json()["code"] == "invalid_transition"
    empty = client.put(url.format(cases["gas_near"]), json={"summary": ""}, headers=headers["supervisor"])
    assert empty.status_code == 422 and "summary" in empty.get_json()["errors"]
    for role in ("lead", "admin", "grid_worker", "resident"):
        refused = client.put(url.format(cases["gas_near"]), json={"summary": "一个总结一个总结"}, headers=headers[role])
        assert refused.status_code == 403 and refused.get_json()["code"] == "forbidden", role
    missing = client.put(url.format(999999), json={"summary": "一个总结一个总结"}, headers=headers["supervisor"])
    assert missing.status_code == 404 and set(missing.get_json()) == {"code", "message", "errors"}


def test_who_may_see_similar_cases(client, app, headers, cases):
    with app.app_context():
        create_user(username="edu01", role="dept_staff", password="edu-pass-2026", department="EDUCATION")
    token = client.post("/api/v1/auth/login", json={"username": "edu01", "password": "edu-pass-2026"}).get_json()
    headers["other_department"] = {"Authorization": "Bearer " + token["access_token"]}
    expected = {"resident": 403, "grid_worker": 200, "lead": 200, "assist": 200, "supervisor": 200, "admin": 200,
                "other_department": 404}
    for role, status in expected.items():
        response = _similar(client, headers, cases["open"], role)
        assert response.status_code == status, (role, response.get_json())
        assert response.is_json
    assert client.get(f"/api/v1/cases/{cases['open']}/similar").status_code == 401
    assert _similar(client, headers, 999999).status_code == 404
    bad = _similar(client, headers, cases["open"], limit=0)
    assert bad.status_code == 422 and "limit" in bad.get_json()["errors"]


def test_library_search_by_words_and_category(client, headers, cases):
    def page(**params):
        response = client.get("/api/v1/case-library", query_string=params, headers=headers["lead"])
        assert response.status_code == 200, response.get_json()
        return [i["id"] for i in response.get_json()["items"]]

    assert set(page(q="煤气味")) == {cases["gas_near"], cases["gas_far"]}
    assert page(q="井盖不见了") == [cases["manhole"]]
    assert page(category="natural_disaster.tree_fall") == [cases["tree"]]
    assert page(q="煤气味", category="accident.road_facility") == []
    empty = client.get("/api/v1/case-library", query_string={"q": "煤气味", "category": "accident.road_facility"},
                       headers=headers["lead"]).get_json()["meta"]
    assert empty["total"] == 0 and empty["pages"] == 0  # as every other API page: nothing, no page
    full = client.get("/api/v1/case-library", query_string={"per_page": 3}, headers=headers["lead"]).get_json()["meta"]
    assert full["total"] == 4 and full["pages"] == 2
    assert len(page()) == 4 and cases["open"] not in page()
    assert client.get("/api/v1/case-library", headers=headers["resident"]).status_code == 403
    too_long = client.get("/api/v1/case-library", query_string={"q": "长" * 201}, headers=headers["lead"])
    assert too_long.status_code == 422 and "q" in too_long.get_json()["errors"]


def test_reply_template_is_filled_from_the_case_and_admins_edit_it(client, headers, cases):
    url = f"/api/v1/cases/{cases['open']}/reply-template"
    shipped = client.get(url, headers=headers["lead"]).get_json()
    assert shipped["source"] == "shipped" and shipped["category"] == "accident.gas_leak"
    assert "桂花园小区3栋" in shipped["measures"] and "GWT" in shipped["public_reply"]
    assert "{" not in shipped["measures"] + shipped["result"] + shipped["public_reply"]
    assert "年" in shipped["public_reply"]  # the report's date, written the Chinese way
    body = {"measures": "{department}于{signed_on}到{address}处置{category}", "result": "已处理",
            "public_reply": "案件{number}已办结"}
    assert client.put("/api/v1/reply-templates/accident.gas_leak", json=body, headers=headers["lead"]).status_code == 403
    saved = client.put("/api/v1/reply-templates/accident.gas_leak", json=body, headers=headers["admin"])
    assert saved.status_code == 200 and saved.get_json()["source"] == "custom"
    custom = client.get(url, headers=headers["lead"]).get_json()
    assert custom["source"] == "custom" and custom["public_reply"] == f"案件GWT{cases['open']:06d}已办结"
    assert custom["measures"].endswith("于—到桂花园小区3栋处置燃气泄漏")  # not signed for yet: no date
    listed = client.get("/api/v1/reply-templates", headers=headers["lead"]).get_json()
    assert {i["category"]: i["source"] for i in listed["items"]}["accident.gas_leak"] == "custom"
    reset = client.delete("/api/v1/reply-templates/accident.gas_leak", headers=headers["admin"])
    assert reset.status_code == 200 and reset.get_json()["source"] == "shipped"


@pytest.mark.parametrize("text, field", [("{address} {password}", "measures"), ("{address", "result"),
                                         ("{number.__class__}", "public_reply")])
def test_reply_template_validation(client, headers, cases, text, field):
    body = {"measures": "到{address}处置", "result": "已处理", "public_reply": "", field: text}
    response = client.put("/api/v1/reply-templates/accident.gas_leak", json=body, headers=headers["admin"])
    assert response.status_code == 422 and field in response.get_json()["errors"], response.get_json()
    assert client.put("/api/v1/reply-templates/no_such", json=body | {field: "x"},
                      headers=headers["admin"]).status_code == 404
    assert client.put("/api/v1/reply-templates/accident.gas_leak", json={"result": "x"},
                      headers=headers["admin"]).status_code == 422


def test_a_new_process_loads_stored_vectors_and_old_closed_cases_are_backfilled(app, cases):
    with app.app_context():
        before = library.index().search("煤气味", k=4)
        db.session.execute(db.delete(CaseLibraryEntry).where(CaseLibraryEntry.case_id == cases["manhole"]))
        db.session.commit()
        library.invalidate()
        assert cases["manhole"] not in library.index()
        assert library.backfill() == 1
        library.invalidate()
        assert cases["manhole"] in library.index() and library.index().search("煤气味", k=4) == before
