"""Operations that lock several cases lock them in one order: opposite merges at the same moment do not deadlock."""
import threading
import uuid

import pytest
import requests
import sqlalchemy as sa

from server import create_app
from server.extensions import db
from server.models import Case

from ..conftest import app_config, fresh_database
from ..helpers import LOGIN, PASSWORDS, LiveServer
from .test_cases_support import case_in


@pytest.fixture
def pg_app(pg_url, tmp_path):
    """The app on PostgreSQL, its connections named so that the test can see them wait for a lock."""
    name = "gw_merge_" + uuid.uuid4().hex[:8]
    app = create_app(app_config(f"{pg_url}&application_name={name}", tmp_path))
    fresh_database(app)
    from server.demo.seed import seed_reference
    with app.app_context():
        seed_reference()
    app.config["TEST_APPLICATION_NAME"] = name
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _waiting(conn, name: str) -> int:
    """How many of the app's connections wait for a lock (each call in its own transaction: PostgreSQL keeps one
    snapshot of its activity statistics per transaction)."""
    count = conn.execute(sa.text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :name "
                                 "AND wait_event_type = 'Lock'"), {"name": name}).scalar_one()
    conn.rollback()
    return count


def test_opposite_merges_at_once_one_merges_the_other_gets_409(pg_app, pg_url):
    with pg_app.app_context():
        first, second = case_in("dispatched"), case_in("dispatched")
    name = pg_app.config["TEST_APPLICATION_NAME"]
    blocker_engine = sa.create_engine(pg_url)
    results = {}
    with LiveServer(pg_app) as server:
        token = requests.post(server.url + "/api/v1/auth/login", timeout=30, json={
            "username": LOGIN["supervisor"], "password": PASSWORDS[LOGIN["supervisor"]]}).json()["access_token"]

        def merge(source: int, target: int):
            response = requests.post(f"{server.url}/api/v1/cases/{source}/actions/merge", json={"into": target},
                                     headers={"Authorization": "Bearer " + token}, timeout=120)
            results[source] = (response.status_code, response.json())

        with blocker_engine.connect() as blocker, blocker.begin() as tx:
            # Hold both cases, so that both requests take their first lock at the same moment when released:
            # without one locking order, each would then hold one case and wait for the other (a deadlock).
            blocker.execute(sa.text("SELECT id FROM cases WHERE id IN (:a, :b) FOR UPDATE"), {"a": first, "b": second})
            threads = [threading.Thread(target=merge, args=pair) for pair in ((first, second), (second, first))]
            for thread in threads:
                thread.start()
            with blocker_engine.connect() as watcher:
                while _waiting(watcher, name) < 2 and all(t.is_alive() for t in threads):
                    threading.Event().wait(0.05)
            tx.commit()
        for thread in threads:
            thread.join(120)
    blocker_engine.dispose()
    statuses = sorted(status for status, _ in results.values())
    assert statuses == [200, 409], results
    loser = next(body for status, body in results.values() if status == 409)
    assert loser["code"] == "invalid_transition" and loser["errors"]["status"], loser
    with pg_app.app_context():
        cases = {c.id: c for c in db.session.execute(sa.select(Case).where(Case.id.in_([first, second]))).scalars()}
        assert sorted(c.status for c in cases.values()) == ["dispatched", "merged"]
