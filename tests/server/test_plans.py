"""Emergency plans (数字应急预案): activation by supervisors, one task per department, completion by each
department, the case showing progress, the event chain intact, and the admins' plan set."""
import re

import pytest

from server.accounts.service import create_user
from server.plans.service import plan_for, shipped_plans
from server.extensions import db
from server.models import Case, Category, Notification, PlanTask, User, verify_chain

from ..helpers import login
from .test_cases_support import PHOTO, USERS, act, case_in

STREET_USER, STREET_PASSWORD = "streetx01", "street-pass-2026"


@pytest.fixture
def headers(client, app, city):
    with app.app_context():
        create_user(username=STREET_USER, role="dept_staff", password=STREET_PASSWORD, department="STREET")
    h = {role: login(client, username) for role, username in USERS.items()}
    token = client.post("/api/v1/auth/login", json={"username": STREET_USER, "password": STREET_PASSWORD})
    h["street"] = {"Authorization": "Bearer " + token.get_json()["access_token"]}
    return h


def gas_case(app, status: str = "dispatched", severity: int = 3) -> int:
    """A gas-leak case (dispatched to GAS, FIRE assisting) brought to the status."""
    with app.app_context():
        case_id = case_in(status)
        case = db.session.get(Case, case_id)
        case.category_id = db.session.execute(db.select(Category.id).where(
            Category.code == "accident.gas_leak")).scalar_one()
        case.severity = severity
        db.session.commit()
        return case_id


def _activate(client, headers, case_id, body=None):
    return client.post(f"/api/v1/cases/{case_id}/plan", json=body or {}, headers=headers)


def _done(client, headers, case_id, task_id, note="已完成"):
    return client.post(f"/api/v1/cases/{case_id}/plan-tasks/{task_id}/done", json={"note": note}, headers=headers)


def test_activation_creates_one_task_per_department_and_follows_them_to_the_end(client, app, headers):
    h = headers
    case_id = gas_case(app)
    response = _activate(client, h["supervisor"], case_id, {"note": "启动燃气泄漏预案"})
    assert response.status_code == 200, response.get_json()
    case = response.get_json()
    plan = case["plan"]
    assert plan["name"] == "燃气泄漏事故应急预案（Ⅲ级响应）" and plan["level"] == 3
    assert [(t["department"]["code"], t["role"]) for t in plan["tasks"]] == [
        ("GAS", "lead"), ("FIRE", "assist"), ("STREET", "assist")]
    assert all(t["duties"] and not t["done"] for t in plan["tasks"])
    assert (plan["done"], plan["total"], plan["completed_at"]) == (0, 3, None)
    # STREET was not on the case: it joins as 协办 and now sees the case.
    assert {(d["code"], d["role"]) for d in case["departments"]} == {("GAS", "lead"), ("FIRE", "assist"),
                                                                     ("STREET", "assist")}
    assert case["status"] == "dispatched", "activation does not change the status"
    event = case["events"][-1]
    assert (event["action"], event["from_status"], event["to_status"]) == ("activate_plan", "dispatched",
                                                                          "dispatched")
    assert event["action_zh"] == "启动应急预案" and event["data"]["joined"] == ["STREET"]
    assert len(event["data"]["tasks"]) == 3 and case["audit_ok"]
    with app.app_context():
        kinds = {(n.user_id, n.kind) for n in db.session.execute(db.select(Notification)).scalars()}
        staff = {u.username: u.id for u in db.session.execute(db.select(User)).scalars()}
        assert {(staff[u], "plan_activated") for u in ("gas01", "fire01", STREET_USER)} <= kinds
        assert db.session.execute(db.select(db.func.count()).select_from(PlanTask)).scalar_one() == 3

    tasks = {t["department"]["code"]: t["id"] for t in plan["tasks"]}
    # Each department completes only its own task.
    assert _done(client, h["lead"], case_id, tasks["FIRE"]).status_code == 403
    assert _done(client, h["supervisor"], case_id, tasks["GAS"]).status_code == 403
    assert _done(client, h["resident"], case_id, tasks["GAS"]).status_code == 404, "may not see the case"
    assert _done(client, h["lead"], case_id, 99999).status_code == 404
    first = _done(client, h["lead"], case_id, tasks["GAS"], "已关阀堵漏，复测正常")
    assert first.status_code == 200, first.get_json()
    progress = first.get_json()["plan"]
    assert (progress["done"], progress["total"], progress["progress"]) == (1, 3, 0.333)
    gas_task = next(t for t in progress["tasks"] if t["id"] == tasks["GAS"])
    assert gas_task["done"] and gas_task["note"] == "已关阀堵漏，复测正常" and gas_task["done_by"]["name"] == "王工"
    again = _done(client, h["lead"], case_id, tasks["GAS"])
    assert again.status_code == 409 and again.get_json()["code"] == "task_done"
    # Followed together: everyone on the case sees the same progress.
    seen = client.get(f"/api/v1/cases/{case_id}", headers=h["street"]).get_json()["plan"]
    assert seen["done"] == 1 and next(t for t in seen["tasks"] if t["id"] == tasks["STREET"])["may_complete"]
    assert _done(client, h["assist"], case_id, tasks["FIRE"], "警戒区已撤除").status_code == 200
    last = _done(client, h["street"], case_id, tasks["STREET"], "居民已返回")
    assert last.status_code == 200
    final = last.get_json()
    assert final["plan"]["completed_at"] is not None and final["plan"]["progress"] == 1.0
    assert [e["action"] for e in final["events"]][-4:] == ["activate_plan", "plan_task_done", "plan_task_done",
                                                          "plan_task_done"]
    assert final["events"][-1]["data"]["plan_completed"] is True
    assert final["audit_ok"]
    with app.app_context():
        case = db.session.get(Case, case_id)
        assert verify_chain(case.events) and case.status == "dispatched"
        kinds = [n.kind for n in db.session.execute(db.select(Notification)).scalars()]
        assert "plan_completed" in kinds and "plan_task_done" in kinds
    # Once completed, a new plan may be activated (e.g. a higher response level).
    assert _activate(client, h["supervisor"], case_id, {"level": 1}).get_json()["plan"]["level"] == 1


def test_only_supervisors_activate_once_on_an_open_case(client, app, headers):
    h = headers
    case_id = gas_case(app, "accepted")
    for role in ("lead", "assist", "admin", "grid_worker"):
        response = _activate(client, h[role], case_id)
        assert response.status_code == 403, role
    assert _activate(client, h["resident"], case_id).status_code == 404, "may not see the case"
    assert _activate(client, h["supervisor"], case_id).status_code == 200
    again = _activate(client, h["supervisor"], case_id)
    assert again.status_code == 409 and again.get_json()["code"] == "plan_active"
    assert again.get_json()["errors"]["plan"][0].startswith("该案件已启动")
    assert _activate(client, h["supervisor"], 99999).status_code == 404

    closed = gas_case(app, "closed")
    response = _activate(client, h["supervisor"], closed)
    assert response.status_code == 409 and response.get_json()["errors"]["plan"] == ["案件已办结，不能启动预案"]
    received = gas_case(app, "received")
    assert _activate(client, h["supervisor"], received).status_code == 409
    # No plan for the category (or the level asked for): 409 no_plan.
    no_level = _activate(client, h["supervisor"], gas_case(app), {"level": 4})
    assert no_level.status_code == 409 and no_level.get_json()["code"] == "no_plan"
    with app.app_context():
        plain = case_in("dispatched")
    assert _activate(client, h["supervisor"], plain).get_json()["code"] == "no_plan"


def test_tasks_of_a_case_stay_with_their_case(client, app, headers):
    h = headers
    one, two = gas_case(app), gas_case(app)
    task = _activate(client, h["supervisor"], one).get_json()["plan"]["tasks"][0]["id"]
    assert _done(client, h["lead"], two, task).status_code == 404
    # A case without a plan shows none.
    assert client.get(f"/api/v1/cases/{two}", headers=h["supervisor"]).get_json()["plan"] is None


def test_the_plan_follows_the_cases_level():
    plans = [p for p in shipped_plans() if p["category"] == "accident.gas_leak"]
    assert sorted(p["level"] for p in plans) == [1, 3]


def test_plan_for_picks_the_least_serious_plan_covering_the_case(app, city):
    with app.app_context():
        assert plan_for("accident.gas_leak", 4)["level"] == 3
        assert plan_for("accident.gas_leak", 3)["level"] == 3
        assert plan_for("accident.gas_leak", 2)["level"] == 1
        assert plan_for("accident.gas_leak", 1)["level"] == 1
        assert plan_for("public_health.food_safety", 1)["level"] == 2  # nothing as serious: the most serious
        assert plan_for("accident.gas_leak", 3, level=2) is None
        assert plan_for("social_security.dispute", 3) is None


def test_shipped_plans_name_known_categories_and_departments(app, city):
    from server.plans.service import validate_plans
    with app.app_context():
        assert validate_plans(shipped_plans()) == {}
    for plan in shipped_plans():
        for dept in plan["departments"]:
            assert dept["tasks"] and all(len(t) >= 6 for t in dept["tasks"]), plan["name"]


def test_admins_edit_the_plans(client, app, headers):
    h = headers
    listed = client.get("/api/v1/plans", headers=h["admin"])
    assert listed.status_code == 200 and listed.get_json()["source"] == "shipped"
    plans = listed.get_json()["plans"]
    assert len(plans) == len(shipped_plans())
    assert client.get("/api/v1/plans", headers=h["supervisor"]).status_code == 200
    assert client.get("/api/v1/plans", headers=h["lead"]).status_code == 403
    assert client.put("/api/v1/plans", json={"plans": plans}, headers=h["supervisor"]).status_code == 403

    gas = next(p for p in plans if p["category"] == "accident.gas_leak" and p["level"] == 3)
    gas["departments"] = [{"department": "GAS", "role": "lead", "tasks": ["关阀堵漏并复测"]},
                          {"department": "POLICE", "role": "assist", "tasks": ["设置警戒，疏导交通"]}]
    gas["name"] = "燃气泄漏处置预案（修订）"
    saved = client.put("/api/v1/plans", json={"plans": plans}, headers=h["admin"])
    assert saved.status_code == 200, saved.get_json()
    assert saved.get_json()["source"] == "edited"
    assert client.get("/api/v1/plans", headers=h["admin"]).get_json()["plans"] == saved.get_json()["plans"]

    case_id = gas_case(app)
    plan = _activate(client, h["supervisor"], case_id).get_json()["plan"]
    assert plan["name"] == "燃气泄漏处置预案（修订）"
    assert [t["department"]["code"] for t in plan["tasks"]] == ["GAS", "POLICE"]

    bad = [{**gas, "departments": [{"department": "NOPE", "role": "assist", "tasks": ["x"]}]},
           {**gas, "category": "accident.nope"}]
    response = client.put("/api/v1/plans", json={"plans": bad}, headers={**h["admin"], "Accept-Language": "en"})
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert any("NOPE" in m for m in errors["plans.0"]) and any("lead" in m for m in errors["plans.0"])
    assert any("unknown category" in m for m in errors["plans.1"])
    errors = client.put("/api/v1/plans", json={"plans": bad}, headers=h["admin"]).get_json()["errors"]
    assert "未知部门：NOPE" in errors["plans.0"] and "须有且仅有一个牵头部门（role 为 lead）" in errors["plans.0"]
    assert any(m.startswith("未知类别") and "accident.nope" in m for m in errors["plans.1"]), "Chinese by default"
    assert client.put("/api/v1/plans", json={"plans": [{"category": "accident.gas_leak", "level": 9}]},
                      headers=h["admin"]).status_code == 422


def test_activation_through_the_service_is_chained(app, headers):
    """Activation appended to a long chain (after several actions) still verifies."""
    from server.plans.service import activate_plan, complete_task
    from .test_cases_support import user
    case_id = gas_case(app, "in_progress")
    with app.app_context():
        case = db.session.get(Case, case_id)
        activation = activate_plan(case, user(USERS["supervisor"]))
        lead_task = next(t for t in activation.tasks if t.role == "lead")
        complete_task(case, lead_task.id, user(USERS["lead"]), "处置完毕")
        act(case_id, "feedback", "lead", {"measures": "关阀", "result": "已修复"})
        case = db.session.get(Case, case_id)
        assert [e.action for e in case.events][-3:] == ["activate_plan", "plan_task_done", "feedback"]
        assert verify_chain(case.events) and case.status == "feedback_submitted"


RFC_1123 = re.compile(r"^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$")
ISO_LIKE = re.compile(r"^\d{4}-\d{2}-\d{2}T")


def _strings(value):
    """Every string in a JSON document, with its path."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from ((f"{key}.{path}" if path else key, s) for path, s in _strings(item))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from ((f"{i}.{path}" if path else str(i), s) for path, s in _strings(item))
    elif isinstance(value, str):
        yield "", value


def test_every_date_in_a_case_is_iso_8601_with_an_offset(client, app, headers):
    """Nested dicts no schema formats (plan tasks, event data) included: never an HTTP date (RFC 1123)."""
    from datetime import datetime
    h = headers
    case_id = gas_case(app, "in_progress")
    tasks = _activate(client, h["supervisor"], case_id).get_json()["plan"]["tasks"]
    assert _done(client, h["lead"], case_id, tasks[0]["id"]).status_code == 200
    for role in ("supervisor", "lead"):
        body = client.get(f"/api/v1/cases/{case_id}", headers=h[role]).get_json()
        found = list(_strings(body))
        assert [p for p, s in found if RFC_1123.match(s)] == [], role
        dates = [(p, s) for p, s in found if ISO_LIKE.match(s)]
        assert any(p.startswith("plan.tasks.") and p.endswith("done_at") for p, _ in dates), "nested dates seen"
        assert all(datetime.fromisoformat(s).tzinfo is not None for _, s in dates), dates


def test_a_task_is_not_done_once_the_department_no_longer_holds_the_case(client, app, headers):
    from server.plans.service import complete_task
    from .test_cases_support import user
    h = headers
    case_id = gas_case(app)
    plan = _activate(client, h["supervisor"], case_id).get_json()["plan"]
    tasks = {t["department"]["code"]: t["id"] for t in plan["tasks"]}
    # Sent back (退单): the lead department has given the case up until the supervisor rules.
    assert client.post(f"/api/v1/cases/{case_id}/actions/send_back", json={"reason": "不属于本单位职责"},
                       headers=h["lead"]).status_code == 200
    for role, code in (("lead", "GAS"), ("assist", "FIRE")):
        refused = _done(client, h[role], case_id, tasks[code])
        assert refused.status_code == 409, (role, refused.get_json())
        assert refused.get_json()["code"] == "not_held" and "不再承办" in refused.get_json()["errors"]["plan"][0]
    # Re-dispatched to other departments: GAS and FIRE are off the case, which they may no longer even see.
    ruled = client.post(f"/api/v1/cases/{case_id}/actions/rule_send_back", headers=h["supervisor"],
                        json={"decision": "redispatch", "lead": "POLICE"})
    assert ruled.status_code == 200, ruled.get_json()
    for role, code in (("lead", "GAS"), ("assist", "FIRE")):
        gone = _done(client, h[role], case_id, tasks[code])
        assert gone.status_code == 404 and "plan" not in gone.get_json(), role
    with app.app_context():
        case = db.session.get(Case, case_id)
        with pytest.raises(Exception) as refused:
            complete_task(case, tasks["GAS"], user(USERS["lead"]), "已完成")
        assert getattr(refused.value, "status", None) == 409
        db.session.rollback()
        assert all(t.done_at is None for t in db.session.execute(db.select(PlanTask)).scalars())
    # A closed case takes no more plan work either.
    closed = gas_case(app, "in_progress")
    task = _activate(client, h["supervisor"], closed).get_json()["plan"]["tasks"][0]["id"]
    with app.app_context():
        act(closed, "feedback", "lead", {"measures": "关阀", "result": "已修复"})
        act(closed, "verify", "grid_worker", {}, PHOTO)
        act(closed, "close", "supervisor", {})
    refused = _done(client, h["lead"], closed, task)
    assert refused.status_code == 409 and refused.get_json()["code"] == "not_held"
