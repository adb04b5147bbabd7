"""Early warning in the server: the detector over routed reports, stored alerts, supervisors told, the API, the overview."""
import hashlib
import random
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from server.alerts import feed
from server.alerts.service import run
from server.extensions import db
from server.models import Alert, Area, Category, Notification, Report, Role, User
from server.tasks.schedule import PERIODIC

from ..admin.conftest import sign_in
from ..helpers import LOGIN, login

NOW = datetime(2026, 11, 30, 6, 0, tzinfo=timezone.utc)  # a Monday, 14:00 in the city


def _rows(grid_id: int, category_id: int, times, stage: str = "routed") -> list[dict]:
    """Report rows (no reporter, no text) in one grid and category at the given times."""
    rows = []
    for t in times:
        token = uuid.uuid4().hex
        rows.append({"client_uuid": str(uuid.UUID(token)), "payload_hash": hashlib.sha256(token.encode()).hexdigest(),
                     "channel": "app", "text": "", "anonymous": False, "created_at": t, "stage_updated_at": t,
                     "has_audio": False, "stage": stage, "attempts": 0, "flags": [], "grid_id": grid_id,
                     "category_id": category_id})
    return rows


def _history(days: int = 14, per_day: int = 3, seed: int = 1) -> tuple[list[int], list[int]]:
    """Insert `days` of ordinary routed reports over eight grids and three categories; return (grids, categories)."""
    rng = random.Random(seed)
    grids = list(db.session.execute(db.select(Area.id).where(Area.level == "grid").order_by(Area.id)).scalars())[:8]
    categories = list(db.session.execute(db.select(Category.id).order_by(Category.id)).scalars())[:3]
    rows = []
    for grid in grids:
        for category in categories:
            times = [NOW - timedelta(days=days) + timedelta(hours=rng.uniform(0, days * 24))
                     for _ in range(rng.randint(per_day * days // 2, per_day * days))]
            rows += _rows(grid, category, sorted(t for t in times if t < NOW - timedelta(hours=3)))
    db.session.execute(db.insert(Report), rows)
    db.session.commit()
    return grids, categories


def _burst(grid: int, category: int, count: int = 10, hours: float = 2.0) -> list[int]:
    """Insert a burst ending just before NOW; return its report ids."""
    times = [NOW - timedelta(hours=hours) + timedelta(hours=hours * n / count) for n in range(count)]
    db.session.execute(db.insert(Report), _rows(grid, category, times))
    db.session.commit()
    return list(db.session.execute(db.select(Report.id).where(Report.created_at >= times[0], Report.grid_id == grid,
                                                              Report.category_id == category)).scalars())


@pytest.fixture
def burst_city(city):
    """The demo city's reference data, two weeks of ordinary reports and a burst in one grid × category."""
    with city.app_context():
        grids, categories = _history()
        burst = _burst(grids[2], categories[1])
    return city, grids[2], categories[1], burst


def test_detector_stores_the_alert_and_tells_supervisors(burst_city):
    app, grid, category, burst = burst_city
    with app.app_context():
        stored = run(NOW)
        assert [(a.kind, a.grid_id, a.category_id) for a in stored][:1] == [("area", grid, category)]
        alert = stored[0]
        assert alert.trigger_report_id in alert.report_ids and alert.count >= 3 and alert.expected < alert.count
        assert alert.score >= app.config["ALERTS_THRESHOLD"]
        assert set(alert.report_ids) <= set(burst) | set(db.session.execute(db.select(Report.id).where(
            Report.grid_id == grid, Report.category_id == category)).scalars())
        supervisors = db.session.execute(db.select(User.id).where(User.role == Role.SUPERVISOR.value,
                                                                  User.active.is_(True))).scalars().all()
        notices = db.session.execute(db.select(Notification).where(Notification.kind == "alert")).scalars().all()
        assert supervisors and {n.user_id for n in notices} == set(supervisors)
        assert all(n.message.startswith("预警") and str(alert.count) in n.message for n in notices)
        before = db.session.execute(db.select(db.func.count()).select_from(Alert)).scalar_one()
        assert run(NOW + timedelta(minutes=5)) == []  # nothing new was routed: nothing new is raised
    app.extensions.pop("gridwatch_alerts")  # a new worker process: rebuilt from history, nothing raised twice
    with app.app_context():
        assert run(NOW + timedelta(minutes=10)) == []
        assert db.session.execute(db.select(db.func.count()).select_from(Alert)).scalar_one() == before


def test_history_alone_raises_nothing_and_growth_raises_again(city):
    with city.app_context():
        grids, categories = _history(seed=2)
        assert run(NOW - timedelta(hours=3)) == []  # two weeks of ordinary reports
        _burst(grids[0], categories[0], count=8, hours=1.5)
        first = run(NOW)
        assert len(first) == 1
        db.session.execute(db.insert(Report), _rows(grids[0], categories[0], [
            NOW + timedelta(minutes=m) for m in range(1, 30, 3)]))
        db.session.commit()
        again = run(NOW + timedelta(minutes=40))
        counts = [first[0].count] + [a.count for a in again]
        assert len(again) >= 1 and all(b >= 1.5 * a for a, b in zip(counts, counts[1:]))  # raised again as it grows


def test_a_report_still_in_the_pipeline_holds_the_feed_back(city):
    with city.app_context():
        grid = db.session.execute(db.select(Area.id).where(Area.level == "grid")).scalars().first()
        category = db.session.execute(db.select(Category.id)).scalars().first()
        db.session.execute(db.insert(Report), _rows(grid, category, [NOW - timedelta(minutes=10)], stage="analysed")
                           + _rows(grid, category, [NOW - timedelta(hours=3)], stage="received"))
        db.session.commit()
        assert feed.cut(NOW) < NOW - timedelta(minutes=10)  # the one stuck for hours no longer counts
        assert feed.cut(NOW) > NOW - timedelta(minutes=11)


def test_api_lists_alerts_for_supervisors(burst_city, client):
    app, grid, category, burst = burst_city
    with app.app_context():
        run(NOW)
        total = db.session.execute(db.select(db.func.count()).select_from(Alert)).scalar_one()
    headers = login(client, LOGIN["supervisor"])
    answer = client.get("/api/v1/alerts?per_page=1", headers=headers)
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["meta"]["total"] == total and len(body["items"]) == 1
    item = body["items"][0]
    assert {"id", "kind", "raised_at", "trigger_report_id", "score", "count", "expected", "window_hours",
            "report_ids", "summary", "summary_en"} <= set(item)
    assert "预期约" in item["summary"] and "expected" in item["summary_en"]
    area = client.get("/api/v1/alerts?kind=area", headers=headers).get_json()["items"]
    assert area and all(a["kind"] == "area" for a in area) and any(a["grid_id"] == grid for a in area)
    assert client.get("/api/v1/alerts?kind=other", headers=headers).status_code == 422
    later = client.get("/api/v1/alerts", query_string={"since": (NOW + timedelta(days=1)).isoformat()},
                       headers=headers).get_json()
    assert later["items"] == [] and later["meta"]["total"] == 0
    assert client.get("/api/v1/alerts").status_code == 401
    for role in ("dept_staff", "resident", "grid_worker"):
        assert client.get("/api/v1/alerts", headers=login(client, LOGIN[role])).status_code == 403


def test_overview_shows_recent_alerts_to_supervisors(burst_city):
    app, grid, category, burst = burst_city
    with app.app_context():
        run(NOW)
        db.session.execute(db.update(Alert).values(raised_at=datetime.now(timezone.utc) - timedelta(hours=1)))
        db.session.commit()
        name = db.session.get(Area, grid).name
    client = app.test_client()
    assert sign_in(client, LOGIN["supervisor"]).status_code == 302
    page = client.get("/admin/").get_data(as_text=True)
    assert 'id="alerts"' in page and "预警" in page and name in page
    staff = app.test_client()
    assert sign_in(staff, LOGIN["dept_staff"]).status_code == 302
    assert 'id="alerts"' not in staff.get("/admin/").get_data(as_text=True)


def test_the_detector_runs_on_the_maintenance_schedule(app):
    jobs = {p.func: p for p in PERIODIC}
    job = jobs["server.alerts.service.alerts_job"]
    assert job.interval(app.config) == app.config["ALERTS_INTERVAL_SECONDS"] == 300
    assert callable(job.load())
