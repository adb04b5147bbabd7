"""Triage in the pipeline: a learned model blended with the keyword rules, manual dispatch with three
suggestions, an unusable model falling back to the rules, and severity raised as more people report."""
import pytest

from server import create_app
from server.extensions import db
from server.models import Case, Report
from server.tasks.queue import backend
from triage.learn import train
from triage.taxonomy import load_default

from ..conftest import app_config, fresh_database
from ..data.taxonomy_training import taxonomy_training_set
from ..helpers import LOGIN, login, new_uuid

GAS = "桂花园小区7栋楼道里好大一股煤气味，像是哪家漏气了"
VAGUE = "这里的情况请尽快处理一下"  # no keyword of any category


@pytest.fixture(scope="module")
def model_path(tmp_path_factory):
    """A category model trained on the taxonomy's own examples and keywords."""
    path = tmp_path_factory.mktemp("model") / "triage.model"
    train(*taxonomy_training_set(load_default(), lambda sub: sub.code), calibration_folds=2).save(path)
    return str(path)


def _app(db_url, tmp_path, **config):
    app = create_app(app_config(db_url, tmp_path, **config))
    fresh_database(app)
    from server.demo.seed import seed_reference
    with app.app_context():
        seed_reference()
    return app


def _report(app, client, headers, text, **fields):
    response = client.post("/api/v1/reports", json={"client_uuid": new_uuid(), "text": text, **fields},
                           headers=headers)
    assert response.status_code == 201, response.get_json()
    assert backend(app).drain(timeout=60)
    seen = client.get(f"/api/v1/reports/{response.get_json()['id']}", headers=headers).get_json()
    assert seen["stage"] == "routed", seen
    return seen


def test_a_configured_model_joins_the_keyword_rules(db_url, tmp_path, model_path):
    app = _app(db_url, tmp_path, TRIAGE_MODEL=model_path, MANUAL_DISPATCH_BELOW=0.2)
    client = app.test_client()
    report = _report(app, client, login(client, LOGIN["resident"]), GAS)
    supervisor = login(client, LOGIN["supervisor"])
    case = client.get(f"/api/v1/cases/{report['case_id']}", headers=supervisor).get_json()
    assert case["classifier"] == "model+keywords" and case["status"] == "dispatched"
    top = case["suggestions"][0]
    assert top["category"] == "accident.gas_leak" and set(top["sources"]) == {"keywords", "model"}
    assert top["lead"] == "GAS" and top["lead_name"] and top["category_name"]
    assert [d["code"] for d in case["departments"] if d["role"] == "lead"] == ["GAS"]


def test_an_unsure_case_waits_for_manual_dispatch_with_three_suggestions(db_url, tmp_path, model_path):
    app = _app(db_url, tmp_path, TRIAGE_MODEL=model_path, MANUAL_DISPATCH_BELOW=0.9)
    client = app.test_client()
    report = _report(app, client, login(client, LOGIN["resident"]), VAGUE)
    supervisor = login(client, LOGIN["supervisor"])
    queue = client.get("/api/v1/cases?queue=manual_dispatch", headers=supervisor).get_json()["items"]
    case = next(c for c in queue if c["id"] == report["case_id"])
    assert case["needs_manual_dispatch"] and case["status"] == "received" and not case["departments"]
    assert len(case["suggestions"]) == 3
    assert len({s["category"] for s in case["suggestions"]}) == 3
    assert all(0 <= s["confidence"] < 0.9 for s in case["suggestions"])
    pick = case["suggestions"][1]
    done = client.post(f"/api/v1/cases/{case['id']}/actions/dispatch", headers=supervisor,
                       json={"lead": pick["lead"], "category": pick["category"], "note": "人工派单"})
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["status"] == "dispatched"
    assert [d["code"] for d in done.get_json()["departments"] if d["role"] == "lead"] == [pick["lead"]]


def test_an_unusable_model_leaves_routing_on_the_keyword_rules(db_url, tmp_path, caplog):
    bad = tmp_path / "not-a-model.bin"
    bad.write_bytes(b"garbage")
    app = _app(db_url, tmp_path, TRIAGE_MODEL=str(bad))
    client = app.test_client()
    report = _report(app, client, login(client, LOGIN["resident"]), GAS)
    case = client.get(f"/api/v1/cases/{report['case_id']}", headers=login(client, LOGIN["supervisor"])).get_json()
    assert case["classifier"] == "keywords" and case["status"] == "dispatched"
    assert any("not a GridWatch triage model" in r.getMessage() for r in caplog.records)


def test_severity_rises_as_more_people_report_the_same_hazard(db_url, tmp_path):
    from server.accounts.service import create_user
    app = _app(db_url, tmp_path)
    client = app.test_client()
    with app.app_context():
        for i in range(6):
            create_user(username=f"neighbour{i}", role="resident", password=f"Neighbour-{i}-pass")
    where = {"lat": 28.2345, "lon": 112.9067}
    first = None
    for i in range(6):
        token = client.post("/api/v1/auth/login", json={"username": f"neighbour{i}",
                                                        "password": f"Neighbour-{i}-pass"}).get_json()
        seen = _report(app, client, {"Authorization": "Bearer " + token["access_token"]},
                       GAS if i == 0 else f"{GAS}，第{i}次反映", **where)
        first = first or seen
        assert seen["case_id"] == first["case_id"], "the same hazard joins the open case"
    with app.app_context():
        case = db.session.get(Case, first["case_id"])
        assert case.reporters == 6
        regrades = [e for e in case.events if e.action == "regrade"]
        assert regrades, [e.action for e in case.events]
        assert case.severity == regrades[-1].data["to"] < regrades[0].data["from"]
        assert any("多人反映" in r for r in case.severity_reasons)
        assert db.session.execute(db.select(db.func.count(Report.id)).where(
            Report.case_id == case.id)).scalar_one() == 6


def test_a_hotspot_many_people_report_raises_its_open_cases(db_url, tmp_path):
    from server.accounts.service import create_user
    from server.models import Hotspot
    from server.pipeline.grading import regrade_hotspot_cases
    app = _app(db_url, tmp_path)
    client = app.test_client()
    seen = []
    places = [(28.2345 + 0.01 * i, 112.9067) for i in range(6)]  # far apart: no duplicates, six cases
    with app.app_context():
        for i in range(6):
            create_user(username=f"walker{i}", role="resident", password=f"Walker-{i}-pass")
    for i, (lat, lon) in enumerate(places):
        token = client.post("/api/v1/auth/login", json={"username": f"walker{i}",
                                                        "password": f"Walker-{i}-pass"}).get_json()
        seen.append(_report(app, client, {"Authorization": "Bearer " + token["access_token"]},
                            "井盖缺失，路面有个大坑", lat=lat, lon=lon))
    assert len({s["case_id"] for s in seen}) == 6
    with app.app_context():
        hotspot = Hotspot(key="hs-test", label="井盖缺失", keywords=["井盖"], size=6)
        db.session.add(hotspot)
        db.session.flush()
        for s in seen:
            db.session.get(Report, s["id"]).hotspot_id = hotspot.id
        closed = db.session.get(Case, seen[0]["case_id"])
        closed.status = "closed"
        db.session.commit()
        before = {c.id: c.severity for c in db.session.execute(db.select(Case)).scalars()}
        assert regrade_hotspot_cases() == 5, "every open case of the hotspot, not the closed one"
        assert regrade_hotspot_cases() == 0, "nothing more to raise on a second run"
        for case in db.session.execute(db.select(Case)).scalars():
            if case.id == seen[0]["case_id"]:
                assert case.severity == before[case.id] and case.reporters == 1
                continue
            assert case.reporters == 6 and case.hotspot_id == hotspot.id
            assert case.severity < before[case.id] and case.events[-1].action == "regrade"


def _admin_page(client, username: str, url: str) -> str:
    """Sign in to the admin pages through the form and return a page's text."""
    import re

    from ..helpers import PASSWORDS
    page = client.get("/admin/login", follow_redirects=True).get_data(as_text=True)
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
    client.post("/admin/login", data={"username": username, "password": PASSWORDS[username], "csrf_token": token})
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_routed_case_keeps_why_it_went_there(db_url, tmp_path, model_path):
    app = _app(db_url, tmp_path, TRIAGE_MODEL=model_path, MANUAL_DISPATCH_BELOW=0.2)
    client = app.test_client()
    report = _report(app, client, login(client, LOGIN["resident"]), GAS)
    with app.app_context():
        reason = db.session.get(Case, report["case_id"]).suggestions[0]["reason"]
        assert "煤气味" in reason["keywords"]
        assert reason["rule"]["rule"] == "category" and reason["rule"]["lead"] == "GAS"
        assert reason["model"]["label"] == "accident.gas_leak" and reason["model"]["terms"]
        assert all(term in GAS for term, weight in reason["model"]["terms"] if weight > 0)
        assert reason["confidence"] > 0.2
    staff = login(client, LOGIN["dept_staff"])  # a gas company engineer: the lead unit
    why = client.get(f"/api/v1/cases/{report['case_id']}", headers=staff).get_json()["routing_reason"]
    assert why["mode"] == "automatic" and why["your_role"] == "lead"
    assert "主办单位" in why["text"] and "“煤气味”" in why["text"] and "燃气泄漏" in why["text"]
    assert "GAS" not in why["text"] and "accident." not in why["text"]
    page = _admin_page(app.test_client(), LOGIN["dept_staff"], f"/admin/cases/{report['case_id']}")
    panel = page[page.index('id="routing-reason"'):]
    assert "为什么派给我" in panel and "“煤气味”" in panel and "燃气泄漏" in panel


def test_the_manual_dispatch_queue_names_each_suggestion_and_its_reason(db_url, tmp_path, model_path):
    app = _app(db_url, tmp_path, TRIAGE_MODEL=model_path, MANUAL_DISPATCH_BELOW=0.9)
    client = app.test_client()
    report = _report(app, client, login(client, LOGIN["resident"]), VAGUE)
    supervisor = login(client, LOGIN["supervisor"])
    case = client.get(f"/api/v1/cases/{report['case_id']}", headers=supervisor).get_json()
    why = case["routing_reason"]
    assert why["mode"] == "waiting" and "低于人工派单阈值 90%" in why["text"]
    assert len(why["suggestions"]) == 3
    for s in case["suggestions"]:
        assert s["lead_name"] and s["category_name"] and any("派单规则" in line for line in s["reason"])
    queued = next(c for c in client.get("/api/v1/cases?queue=manual_dispatch", headers=supervisor)
                  .get_json()["items"] if c["id"] == report["case_id"])
    assert [s["reason"] for s in queued["suggestions"]] == [s["reason"] for s in case["suggestions"]]
    page = _admin_page(app.test_client(), LOGIN["supervisor"], "/admin/queues/manual_dispatch")
    card = page[page.index(f'data-case="{report["case_id"]}"'):]
    for s in case["suggestions"]:
        assert f"→ {s['lead_name']}" in card and s["category_name"] in card
        assert f"→ {s['lead']}" not in card
    assert "派单规则" in card
