"""Grid patrols: today's tasks per grid worker, checklist answers, hazards linked to the phone's reports."""
from datetime import datetime, timedelta, timezone

from server.accounts.service import create_user
from server.extensions import db
from server.models import PatrolItemResult, PatrolTask

from ..conftest import app_config
from ..helpers import LOGIN, login, new_uuid

TASKS = "/api/v1/patrols/tasks"
PASSWORD = "Xunjian-Wangge-2026!"


def _tasks(client, headers, **query):
    response = client.get(TASKS, headers=headers, query_string=query)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_grid_worker_gets_one_task_per_place_of_their_grid_made_once(city):
    client = city.test_client()
    worker = login(client, LOGIN["grid_worker"])
    first = _tasks(client, worker)
    assert first["grid"]["code"] == "D01-S01-C01-G01"
    names = sorted(t["place"]["name"] for t in first["items"])
    assert names == ["丹桂苑小区", "桂花园小区"]
    task = first["items"][0]
    assert task["status"] == "pending" and task["progress"] == {"answered": 0, "total": 6, "hazards": 0}
    assert task["items"][0]["code"] == "fire_exit" and task["items"][0]["result"] is None
    assert task["items"][0]["category"] == "accident.fire_hazard"
    again = _tasks(client, worker)
    assert [t["id"] for t in again["items"]] == [t["id"] for t in first["items"]]
    tomorrow = _tasks(client, worker, date=(datetime.fromisoformat(first["date"]) + timedelta(days=1)).date()
                      .isoformat())
    assert not {t["id"] for t in tomorrow["items"]} & {t["id"] for t in first["items"]}
    with city.app_context():
        assert db.session.execute(db.select(db.func.count()).select_from(PatrolTask)).scalar_one() == 4


def test_only_grid_workers_with_a_grid(city):
    client = city.test_client()
    response = client.get(TASKS, headers=login(client, LOGIN["resident"]))
    assert response.status_code == 403 and response.get_json()["code"] == "forbidden"
    assert client.get(TASKS).status_code == 401
    with city.app_context():
        user = create_user(username="grid99", role="grid_worker", password=PASSWORD, grid="D01-S01-C01-G02")
        user.grid_id = None  # moved out of their grid
        db.session.commit()
    token = client.post("/api/v1/auth/login", json={"username": "grid99", "password": PASSWORD})
    response = client.get(TASKS, headers={"Authorization": "Bearer " + token.get_json()["access_token"]})
    assert response.status_code == 409 and response.get_json()["code"] == "no_grid"


def test_answers_complete_the_task_and_a_hazard_links_its_report(city):
    client = city.test_client()
    worker = login(client, LOGIN["grid_worker"])
    task = _tasks(client, worker)["items"][0]
    report_uuid = new_uuid()
    at = datetime.now(timezone.utc).isoformat()  # the phone says when each item was checked
    answers = [{"item_code": item["code"], "result": "ok", "checked_at": at} for item in task["items"]]
    answers[1] = {"item_code": task["items"][1]["code"], "result": "hazard", "report_client_uuid": report_uuid,
                  "checked_at": at}
    partial = client.post(f"{TASKS}/{task['id']}/results", json={"results": answers[:2]}, headers=worker)
    assert partial.status_code == 200, partial.get_json()
    assert partial.get_json()["status"] == "in_progress"
    hazard = partial.get_json()["items"][1]["result"]
    assert hazard["result"] == "hazard" and hazard["report_id"] is None, "the report has not arrived yet"

    report = client.post("/api/v1/reports", headers=worker, json={
        "client_uuid": report_uuid, "text": "桂花园小区3栋楼道电动车充电", "channel": "patrol",
        "category_hint": task["items"][1]["category"], "lat": task["place"]["lat"], "lon": task["place"]["lon"]})
    assert report.status_code == 201, report.get_json()
    done = client.post(f"{TASKS}/{task['id']}/results", json={"results": answers}, headers=worker).get_json()
    assert done["status"] == "done" and done["completed_at"]
    assert done["progress"] == {"answered": 6, "total": 6, "hazards": 1}
    assert done["items"][1]["result"]["report_id"] == report.get_json()["id"]
    # A re-send of the same answers changes nothing.
    again = client.post(f"{TASKS}/{task['id']}/results", json={"results": answers}, headers=worker).get_json()
    assert again["items"] == done["items"]
    with city.app_context():
        assert db.session.execute(db.select(db.func.count()).select_from(PatrolItemResult)).scalar_one() == 6


def test_an_older_answer_arriving_late_does_not_replace_a_newer_one(city):
    client = city.test_client()
    worker = login(client, LOGIN["grid_worker"])
    task = _tasks(client, worker)["items"][0]
    now = datetime.now(timezone.utc)
    newer = {"item_code": "fire_exit", "result": "hazard", "note": "堆放杂物", "checked_at": now.isoformat()}
    older = {"item_code": "fire_exit", "result": "ok", "checked_at": (now - timedelta(minutes=5)).isoformat()}
    client.post(f"{TASKS}/{task['id']}/results", json={"results": [newer]}, headers=worker)
    body = client.post(f"{TASKS}/{task['id']}/results", json={"results": [older]}, headers=worker).get_json()
    assert body["items"][0]["result"]["result"] == "hazard" and body["items"][0]["result"]["note"] == "堆放杂物"


def test_invalid_answers_use_the_error_shape(city):
    client = city.test_client()
    worker = login(client, LOGIN["grid_worker"])
    task = _tasks(client, worker)["items"][0]
    url = f"{TASKS}/{task['id']}/results"
    response = client.post(url, json={"results": [{"item_code": "nope", "result": "ok"},
                                                  {"item_code": "fire_exit", "result": "hazard"}]}, headers=worker)
    assert response.status_code == 422
    body = response.get_json()
    assert body["code"] == "validation_error"
    assert set(body["errors"]["results"]) == {"0", "1"} and "note" in body["errors"]["results"]["1"]
    response = client.post(url, json={"results": [{"item_code": "fire_exit", "result": "maybe"}]}, headers=worker)
    assert response.status_code == 422 and response.get_json()["code"] == "unprocessable_entity"
    assert client.post(url, json={"results": []}, headers=worker).status_code == 422
    assert client.get(f"{TASKS}/999999", headers=worker).status_code == 404


def test_another_workers_task_is_not_found(city):
    client = city.test_client()
    task = _tasks(client, login(client, LOGIN["grid_worker"]))["items"][0]
    with city.app_context():
        create_user(username="gridx02", role="grid_worker", password=PASSWORD, grid="D01-S01-C01-G02")
    token = client.post("/api/v1/auth/login", json={"username": "gridx02", "password": PASSWORD})
    other = {"Authorization": "Bearer " + token.get_json()["access_token"]}
    assert client.get(f"{TASKS}/{task['id']}", headers=other).status_code == 404
    response = client.post(f"{TASKS}/{task['id']}/results", headers=other,
                           json={"results": [{"item_code": "fire_exit", "result": "ok"}]})
    assert response.status_code == 404


def test_patrol_migration_downgrades_and_upgrades(tmp_path):
    from flask_migrate import downgrade, upgrade

    from server import create_app
    app = create_app(app_config(f"sqlite:///{tmp_path / 'm.db'}", tmp_path))
    with app.app_context():
        upgrade()
        downgrade(revision="0007")
        assert "patrol_tasks" not in db.inspect(db.engine).get_table_names()
        upgrade()
        assert {"checklist_templates", "patrol_places", "patrol_tasks", "patrol_item_results"} <= set(
            db.inspect(db.engine).get_table_names())
        db.engine.dispose()


def test_reporters_read_only_their_own_reports_feedback(city):
    client = city.test_client()
    resident = login(client, LOGIN["resident"])
    report = client.post("/api/v1/reports", headers=resident, json={"client_uuid": new_uuid(), "text": "路灯不亮"})
    report_id = report.get_json()["id"]
    body = client.get(f"/api/v1/reports/{report_id}/feedback", headers=resident).get_json()
    assert body == {"case_id": None, "status": None, "items": [], "rating": None, "can_rate": False}
    other = login(client, "13800000002")
    assert client.get(f"/api/v1/reports/{report_id}/feedback", headers=other).status_code == 404
    assert client.get(f"/api/v1/reports/{report_id}/feedback/files/nope", headers=resident).status_code == 404


def test_dates_are_bounded_and_far_days_make_no_tasks(city):
    from server.patrols.service import today
    client = city.test_client()
    worker = login(client, LOGIN["grid_worker"])

    def count() -> int:
        with city.app_context():
            return db.session.execute(db.select(db.func.count()).select_from(PatrolTask)).scalar_one()

    day = today()
    for far in ("0001-01-01", "9999-12-31", (day + timedelta(days=400)).isoformat(),
                (day - timedelta(days=400)).isoformat()):
        response = client.get(TASKS, headers=worker, query_string={"date": far})
        assert response.status_code == 422 and "date" in response.get_json()["errors"], far
    assert count() == 0
    # Within the year but far from today: what exists (nothing), no rows made.
    for other in (day + timedelta(days=30), day - timedelta(days=30), day + timedelta(days=366)):
        assert _tasks(client, worker, date=other.isoformat())["items"] == []
    assert count() == 0
    # Near today, tasks are made (yesterday to a week ahead).
    for near in (day - timedelta(days=1), day, day + timedelta(days=7)):
        assert len(_tasks(client, worker, date=near.isoformat())["items"]) == 2
    assert count() == 6
