"""The demo city as seeded: a login for every department and community, ~90 days of history written through the
case service (hash chains intact), metrics worth reading, and a second run that changes nothing."""
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest

from server import create_app
from server.accounts.passwords import password_problem
from server.demo.accounts import demo_accounts
from server.demo.data import load
from server.demo.history import replay_history
from server.demo.seed import seed, seed_reference
from server.extensions import db
from server.metrics.service import department_metrics
from server.models import Area, Case, CaseEvent, CaseRating, Notification, Report, User

from ..conftest import app_config, clear_caches

NOW = datetime(2026, 11, 20, 4, 0, tzinfo=timezone.utc)  # 12:00 in China: the history ends here
PERIOD = "2026-11"
RECEIVING = {d["code"] for d in load("departments")} - {"COMMAND"}  # COMMAND receives only what nobody else does


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    """The demo city's reference data and its history up to NOW (without today's ~200 reports)."""
    from flask_migrate import upgrade
    base = tmp_path_factory.mktemp("demo-history")
    clear_caches()
    app = create_app(app_config(f"sqlite:///{base / 'demo.db'}", base, RATELIMIT_ENABLED=False))
    with app.app_context():
        upgrade()
        seed_reference()
        result = replay_history(demo_accounts(), now=NOW)
    yield app, result
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    clear_caches()


def _counts() -> dict:
    return {model.__name__: db.session.execute(db.select(db.func.count()).select_from(model)).scalar_one()
            for model in (User, Report, Case, CaseEvent, CaseRating, Notification)}


def test_every_department_and_community_has_a_login_that_signs_in(city):
    app, _ = city
    accounts = demo_accounts()
    staff = {u["department"] for u in accounts if u["role"] == "dept_staff"}
    assert staff == {d["code"] for d in load("departments")}
    communities = {a["code"] for a in load("areas") if a["level"] == "community"}
    assert {u["grid"].rsplit("-", 1)[0] for u in accounts if u["role"] == "grid_worker"} == communities
    assert sum(u["role"] == "supervisor" for u in accounts) >= 2 and any(u["role"] == "admin" for u in accounts)
    assert len({u["username"] for u in accounts}) == len(accounts)
    phones = [u["phone"] for u in accounts if u["phone"]]
    assert len(set(phones)) == len(phones)
    for u in accounts:  # the same policy as any account's, and deterministic
        assert password_problem(u["password"], username=u["username"], phone=u["phone"]) is None, u["username"]
        assert u["password"].startswith("demo-") and u["password"].endswith("-2026")
    client = app.test_client()
    for account in accounts:
        if account["role"] == "resident" and account["username"] != "13800000001":
            continue
        answer = client.post("/api/v1/auth/login", json={"username": account["username"],
                                                         "password": account["password"]})
        assert answer.status_code == 200, (account["username"], answer.get_json())
        user = answer.get_json()["user"]
        assert user["role"] == account["role"]


def test_seed_prints_every_login(city):
    app, _ = city
    with app.app_context():
        lines = seed(with_reports=False)
    text = "\n".join(lines)
    assert "role" in text and "password" in text
    for account in demo_accounts():
        if account["role"] != "resident":
            assert account["username"] in text and account["password"] in text


def test_history_spans_90_days_and_tells_the_whole_story(city):
    app, result = city
    assert len(result["failed"]) <= result["stories"] * 0.03, result["failed"][:5]
    with app.app_context():
        first, last = db.session.execute(db.select(db.func.min(Report.created_at),
                                                   db.func.max(Report.created_at))).one()
        assert NOW - timedelta(days=92) <= first <= NOW - timedelta(days=86) and last <= NOW
        actions = Counter(db.session.execute(db.select(CaseEvent.action)).scalars())
        for action in ("dispatch", "sign", "send_back", "rule_send_back", "start", "extend_request",
                       "extend_decide", "feedback", "verify", "close", "reopen", "escalate", "rate", "rule_rating"):
            assert actions[action] > 0, action
        assert db.session.execute(db.select(db.func.max(CaseEvent.created_at))).scalar_one() <= NOW
        statuses = Counter(db.session.execute(db.select(Case.status)).scalars())
        total = sum(statuses.values())
        assert 0.75 * total <= statuses["closed"] < total, "most are closed; the newest are still being handled"
        ratings = Counter(db.session.execute(db.select(CaseRating.rating)).scalars())
        assert ratings["satisfied"] > ratings["basically_satisfied"] > 0 and ratings["dissatisfied"] > 0
        late = db.session.execute(db.select(CaseEvent).where(CaseEvent.action == "escalate")).scalars().all()
        assert any(e.actor_id is None and e.data["reason"] == "sign_overdue" for e in late)
        worked = {a.code for a in db.session.execute(db.select(Area).join(Report, Report.grid_id == Area.id))
                  .scalars()}
        assert len(worked) == 12, "the reports lie in the grids of the twelve grid workers"


def test_metrics_are_worth_reading_for_most_departments(city):
    app, _ = city
    with app.app_context():
        rows = {r["department"]: r for r in department_metrics(PERIOD, now=NOW)}
    full = [d for d in RECEIVING if d in rows and rows[d]["response_rate"] and rows[d]["resolution_rate"]
            and rows[d]["satisfaction_rate"]]
    assert len(full) >= len(RECEIVING) - 3, sorted(RECEIVING - set(full))
    assert any(r["response_rate"] < 1 for r in rows.values()), "some departments sign late"
    assert any(r["satisfaction_rate"] is not None and r["satisfaction_rate"] < 1 for r in rows.values())
    ranks = sorted(r["rank"] for r in rows.values())
    assert ranks == list(range(1, len(rows) + 1))


def test_audit_chain_verifies(city):
    app, _ = city
    from server.cli import cli
    out = app.test_cli_runner().invoke(cli, ["audit", "verify"])
    assert out.exit_code == 0 and "intact" in out.output, out.output


def test_seeding_again_changes_nothing(city):
    app, _ = city
    with app.app_context():
        before = _counts()
        seed_reference()
        again = replay_history(demo_accounts(), now=NOW)
        assert again["stories"] == 0 and _counts() == before
        later = replay_history(demo_accounts(), now=NOW + timedelta(days=1))  # another day: the same stories
        assert later["stories"] == 0 and _counts() == before
