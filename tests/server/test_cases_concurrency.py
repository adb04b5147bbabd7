"""Operations that lock several cases lock them in one order: opposite merges at the same moment do not deadlock."""
import threading
import uuid

import pytest
import requests
import sqlalchemy as sa

from server import create_app
from server.extensions import db
from server.cases.log import lock_cases
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


def test_several_cases_are_locked_in_one_statement_in_ascending_id_order(pg_app, pg_url):
    """A batch of reports joining many cases locks them in one round trip, still one after another by id: while the
    middle case is held elsewhere, the lower one is already locked and the higher one not yet."""
    with pg_app.app_context():
        low, middle, high = sorted(case_in("dispatched") for _ in range(3))
    name = pg_app.config["TEST_APPLICATION_NAME"]
    engine = sa.create_engine(pg_url)
    statements, locked = [], {}

    def count(_conn, _cursor, statement, _parameters, _context, _many):
        if statement.lstrip().startswith("SELECT cases.id"):
            statements.append(statement)

    def lock_all():
        with pg_app.app_context():
            sa.event.listen(db.engine, "before_cursor_execute", count)
            try:
                locked.update(lock_cases([high, low, middle]))
                db.session.commit()
            finally:
                sa.event.remove(db.engine, "before_cursor_execute", count)

    def free(conn, case_id: int) -> bool:
        """Whether another transaction could lock the case at once."""
        try:
            with conn.begin():
                conn.execute(sa.text("SELECT id FROM cases WHERE id = :id FOR UPDATE NOWAIT"), {"id": case_id})
            return True
        except sa.exc.OperationalError:
            return False

    with engine.connect() as holder, holder.begin() as tx:
        holder.execute(sa.text("SELECT id FROM cases WHERE id = :id FOR UPDATE"), {"id": middle})
        thread = threading.Thread(target=lock_all)
        thread.start()
        with engine.connect() as watcher:
            while _waiting(watcher, name) < 1 and thread.is_alive():
                threading.Event().wait(0.05)
            assert not free(watcher, low), "the lowest id is locked first"
            assert free(watcher, high), "the highest waits for the middle one"
        tx.commit()
    thread.join(60)
    engine.dispose()
    assert sorted(locked) == [low, middle, high]
    assert len(statements) == 1, statements
