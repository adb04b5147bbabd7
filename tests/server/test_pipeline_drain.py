"""Text reports worked through by coalesced drain jobs (``server.pipeline.drain``) on the real Redis and PostgreSQL.

A crowd of reports queues one drain, not a job each; a drain queued and not started is never queued twice, and one
that has started never hides a later report; a report failing in a drain is counted and goes to its own job; and a
worker killed in the middle of a drain loses and duplicates nothing.
"""
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from rq import Queue
from rq.job import Job

from server import create_app
from server.extensions import db
from server.models import Case, Report
from server.pipeline import batch, drain
from server.pipeline.jobs import process_report
from server.tasks.queue import backend, clear_mark

from ..conftest import app_config, fresh_database, seed_city
from ..helpers import LOGIN, login, new_uuid
from .pipeline_support import GAS, OTHERS, add_waiting, failing_in_analysis, report_state
from .test_rq_pipeline import gridwatch

pytestmark = [pytest.mark.redis, pytest.mark.postgres]
REPO = Path(__file__).resolve().parents[2]


def _queued(app) -> list[str]:
    return Queue("reports", connection=backend(app).connection).job_ids


def test_a_crowd_of_text_reports_queues_one_drain_which_a_real_worker_routes_once_each(redis_app):
    client = redis_app.test_client()
    resident = login(client, LOGIN["resident"])
    texts = [GAS, GAS + "，请尽快处理", *OTHERS, OTHERS[0] + "！"]
    ids = []
    for text in texts:
        response = client.post("/api/v1/reports", headers=resident,
                               json={"client_uuid": new_uuid(), "text": text, "lat": 28.2345, "lon": 112.9067})
        assert response.status_code == 201, response.get_json()
        ids.append(response.get_json()["id"])
    jobs = _queued(redis_app)
    assert len(jobs) == 1 and not jobs[0].startswith("report-"), f"one drain for {len(ids)} reports: {jobs}"
    assert Job.fetch(jobs[0], connection=backend(redis_app).connection).func_name.endswith("drain.drain_reports")
    result = gridwatch(redis_app, "worker", "--burst", "--queues", "reports")
    assert result.returncode == 0, result.stderr[-2000:]
    with redis_app.app_context():
        states = {i: report_state(i) for i in ids}
        assert all(s["stage"] == "routed" and s["routed_events"] == 1 and len(s["mentions"]) == 1
                   for s in states.values()), states
        assert states[ids[0]]["case"] == states[ids[1]]["case"], "the two gas reports are one case"
        assert not backend().connection.exists(drain.MARK), "the drain cleared its mark"
    assert _queued(redis_app) == []


@pytest.mark.parametrize("queue_kind", ["rq", "embedded"])
def test_a_drain_is_queued_once_until_it_starts(redis_app, pg_url, tmp_path, queue_kind):
    """Queued and not started, a drain will see every report stored meanwhile: no second one. Started (its mark
    cleared, before its first claim), it may miss one: the next kick queues another."""
    app = redis_app if queue_kind == "rq" else create_app(app_config(pg_url, tmp_path))
    app.config["PIPELINE_KICK_WINDOW_MS"] = 0  # every kick asks (the window has its own tests)
    with app.app_context():
        assert drain.enabled(), "on PostgreSQL"
        assert drain.kick() is True
        assert [drain.kick() for _ in range(5)] == [False] * 5
        clear_mark(drain.MARK)  # what the drain does as it starts
        assert drain.kick() is True and drain.kick() is False
        counts = backend().counts()
        assert counts.get("reports", counts.get("embedded")) == 2


def test_within_the_kick_window_a_web_process_does_not_ask_again(redis_app):
    redis_app.config["PIPELINE_KICK_WINDOW_MS"] = 300
    with redis_app.app_context():
        assert drain.kick() is True
        clear_mark(drain.MARK)  # a drain started: it lingers a window, so a report stored now needs no kick
        assert drain.kick() is False and not backend().connection.exists(drain.MARK)
        time.sleep(0.35)
        assert drain.kick() is True and backend().connection.exists(drain.MARK)
        assert len(_queued(redis_app)) == 2


def test_a_report_whose_kick_was_spared_is_routed_by_the_lingering_drain(redis_app):
    """The drain has claimed and routed what it found and claims nothing more; a report stored then, its kick spared
    by the window, is still routed by that drain, which keeps claiming until the window has passed."""
    client = redis_app.test_client()
    resident = login(client, LOGIN["resident"])

    def post(text: str) -> int:
        response = client.post("/api/v1/reports", headers=resident,
                               json={"client_uuid": new_uuid(), "text": text, "lat": 28.2345, "lon": 112.9067})
        assert response.status_code == 201, response.get_json()
        return response.get_json()["id"]

    redis_app.config["PIPELINE_KICK_WINDOW_MS"] = 0
    warm = post(OTHERS[1])  # the models load outside the window
    with redis_app.app_context():
        assert drain.drain_reports()["routed"] == 1 and report_state(warm)["stage"] == "routed"
    redis_app.config["PIPELINE_KICK_WINDOW_MS"] = 6000
    redis_app.extensions.pop("gridwatch_drain_kick", None)  # the window holds from the next kick on
    first = post(GAS)
    connection = backend(redis_app).connection
    assert connection.exists(drain.MARK)
    done = {}

    def run_drain():
        with redis_app.app_context():
            done.update(drain.drain_reports())

    worker = threading.Thread(target=run_drain)
    worker.start()
    deadline = time.monotonic() + 5
    with redis_app.app_context():
        while report_state(first)["stage"] != "routed" and time.monotonic() < deadline:
            time.sleep(0.05)
            db.session.remove()
        assert report_state(first)["stage"] == "routed"
    second = post(OTHERS[0])
    assert not connection.exists(drain.MARK), "the kick was spared: no new drain"
    worker.join(timeout=60)
    assert done["routed"] == 2, done
    with redis_app.app_context():
        state = report_state(second)
        assert state["stage"] == "routed" and state["routed_events"] == 1 and len(state["mentions"]) == 1


def test_the_mark_of_a_lost_drain_lapses(redis_app):
    redis_app.config["PIPELINE_DRAIN_PENDING_SECONDS"] = 1
    with redis_app.app_context():
        assert drain.kick() is True
        backend().connection.delete(*[Job.key_for(j) for j in _queued(redis_app)], "rq:queue:reports")  # lost
        assert drain.kick() is False
        time.sleep(1.2)
        assert drain.kick() is True and len(_queued(redis_app)) == 1


def test_a_report_failing_in_a_drain_is_counted_and_retried_by_its_own_job(redis_app, monkeypatch):
    broken = failing_in_analysis(monkeypatch)
    redis_app.config["PIPELINE_RETRY_INTERVALS"] = [30]
    with redis_app.app_context():
        ids = add_waiting([GAS, *OTHERS], waited=timedelta(minutes=1))  # behind: one batch
        bad = ids[1]
        assert drain.drain_reports() == {"routed": len(ids) - 1, "batches": 1, "failed": 1}
        assert all(report_state(i)["stage"] == "routed" for i in ids if i != bad)
        assert report_state(bad) == {"stage": "received", "case": None, "attempts": 1, "mentions": [],
                                     "routed_events": 0}
        own = Job.fetch(f"report-{bad}", connection=backend().connection)
        assert own.get_status() == "scheduled", "its own job, after the first retry interval"
        assert drain.drain_reports() == {"routed": 0, "batches": 0, "failed": 0}, "no drain takes it again"
        broken["on"] = False
        assert process_report(bad) == "routed"  # its own job's run
        assert report_state(bad)["routed_events"] == 1


def _worker(app, log: Path, **settings: str) -> subprocess.Popen:
    """A report worker process (``gridwatch worker``), in a process group of its own."""
    cfg = app.config
    env = {**os.environ, "GRIDWATCH_ENV": "test", "DATABASE_URL": cfg["SQLALCHEMY_DATABASE_URI"],
           "REDIS_URL": cfg["REDIS_URL"], "MEDIA_ROOT": cfg["MEDIA_ROOT"], "GRIDWATCH_INSTANCE": cfg["INSTANCE_DIR"],
           "PIPELINE_BATCH_SIZE": "5", "PIPELINE_BATCH_AFTER_MS": "0", **settings}
    with open(log, "wb") as out:
        return subprocess.Popen([sys.executable, "-m", "server.cli", "worker", "--queues", "reports"], env=env,
                                cwd=REPO, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def _crowd(count: int, gas_every: int, rows: int, columns: int) -> list[int]:
    """Waiting reports over a grid of rows × columns spots about 1 km apart, every gas_every-th of a gas smell, the
    others of the other hazards (many near duplicates, some cases joined by many)."""
    texts = [f"{OTHERS[i % 4]}，第{i // 4}处" if i % gas_every else f"{GAS}，{i}号" for i in range(count)]
    points = [(28.20 + 0.01 * (i % rows), 112.90 + 0.01 * (i % columns)) for i in range(count)]
    return add_waiting(texts, points=points)


def _stages() -> dict:
    with db.engine.connect() as conn:
        return dict(conn.execute(sa.select(Report.stage, sa.func.count()).group_by(Report.stage)).all())


def test_a_worker_killed_in_the_middle_of_a_drain_loses_and_duplicates_nothing(redis_app, tmp_path):
    count = 400
    with redis_app.app_context():
        ids = _crowd(count, gas_every=5, rows=9, columns=7)
        assert drain.kick()
    doomed = _worker(redis_app, tmp_path / "doomed.log")
    try:
        with redis_app.app_context():
            deadline = time.monotonic() + 120
            while _stages().get("routed", 0) == 0 and time.monotonic() < deadline and doomed.poll() is None:
                time.sleep(0.01)
            os.killpg(doomed.pid, signal.SIGKILL)  # in the middle of its drain: the batch it held is rolled back
            doomed.wait()
            after_kill = _stages()
            assert after_kill.get("routed", 0) > 0 and after_kill.get("received", 0) > 0, after_kill
            assert set(after_kill) == {"routed", "received"}, after_kill
            # A drain is queued for what is left: the one the killed drain kicked as it found a backlog, or else
            # the sweeper's (the killed drain's own mark went as it started).
            swept = gridwatch(redis_app, "sweep", "--grace", "0")
            assert swept.returncode == 0, swept.stderr[-2000:]
            assert f"re-enqueued {after_kill['received']} " in swept.stdout or _queued(redis_app), swept.stdout
            assert [j for j in _queued(redis_app) if not j.startswith("report-")], "a drain waits"
        result = gridwatch(redis_app, "worker", "--burst", "--queues", "reports")
        assert result.returncode == 0, result.stderr[-2000:]
        with redis_app.app_context():
            assert _stages() == {"routed": count}
            states = [report_state(i) for i in ids]
            assert all(s["routed_events"] == 1 and len(s["mentions"]) == 1 for s in states), \
                [s for s in states if s["routed_events"] != 1 or len(s["mentions"]) != 1][:3]
            cases = db.session.execute(sa.select(sa.func.count(sa.distinct(Report.case_id)))).scalar_one()
            assert cases == db.session.execute(sa.select(sa.func.count()).select_from(Case)).scalar_one()
    finally:
        if doomed.poll() is None:
            os.killpg(doomed.pid, signal.SIGKILL)


def test_a_worker_asked_to_stop_hands_the_rest_of_its_drain_to_the_next(redis_app, tmp_path):
    """SIGTERM in the middle of a drain (a deploy during a crowd): the worker stops after the batch in hand, not when
    the drain has worked through the crowd or its time budget; the rest waits for the next drain, queued as it
    stopped, which routes each report once."""
    count = 1500
    with redis_app.app_context():
        ids = _crowd(count, gas_every=5, rows=9, columns=7)
        assert drain.kick()
    log = tmp_path / "stopping.log"
    stopping = _worker(redis_app, log, PIPELINE_DRAIN_SECONDS="3600", PIPELINE_BACKLOG_BATCH_SIZE="5")
    try:
        with redis_app.app_context():
            deadline = time.monotonic() + 120
            while _stages().get("routed", 0) == 0 and time.monotonic() < deadline and stopping.poll() is None:
                time.sleep(0.01)
            os.killpg(stopping.pid, signal.SIGTERM)  # what a process manager sends
            assert stopping.wait(timeout=120) == 0, log.read_text()[-2000:]
            left = _stages()
            assert set(left) == {"routed", "received"}, f"stopped with reports still waiting: {left}"
            assert "the worker is stopping" in log.read_text()
            assert [j for j in _queued(redis_app) if not j.startswith("report-")], "it queued the next drain"
        result = gridwatch(redis_app, "worker", "--burst", "--queues", "reports")
        assert result.returncode == 0, result.stderr[-2000:]
        with redis_app.app_context():
            assert _stages() == {"routed": count}
            assert all(s["routed_events"] == 1 and len(s["mentions"]) == 1 for s in map(report_state, ids))
    finally:
        if stopping.poll() is None:
            os.killpg(stopping.pid, signal.SIGKILL)


def test_two_workers_draining_at_once_route_every_report_once(redis_app, tmp_path):
    count = 200
    redis_app.config["PIPELINE_KICK_WINDOW_MS"] = 0  # the second kick asks, though the first was just now
    with redis_app.app_context():
        ids = _crowd(count, gas_every=3, rows=5, columns=4)
        assert drain.kick()
        clear_mark(drain.MARK)
        assert drain.kick(), "two drains queued"
    workers = [_worker(redis_app, tmp_path / f"w{n}.log") for n in (1, 2)]
    try:
        with redis_app.app_context():
            deadline = time.monotonic() + 180
            while _stages().get("received", 0) and time.monotonic() < deadline:
                assert all(w.poll() is None for w in workers), (tmp_path / "w1.log").read_text()[-2000:]
                time.sleep(0.1)
            assert _stages() == {"routed": count}
            assert all(s["routed_events"] == 1 and len(s["mentions"]) == 1 for s in map(report_state, ids))
    finally:
        _stop(workers)


def _stop(procs) -> None:
    """Ask each worker's process group to stop; kill what still runs after 30 s."""
    for proc in procs:
        os.killpg(proc.pid, signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@pytest.fixture
def sqlite_app(tmp_path):
    app = create_app(app_config(f"sqlite:///{tmp_path / 'gw.db'}", tmp_path))
    fresh_database(app)
    seed_city(app)
    return app


def test_on_sqlite_every_report_keeps_its_own_job(sqlite_app):
    client = sqlite_app.test_client()
    resident = login(client, LOGIN["resident"])
    response = client.post("/api/v1/reports", headers=resident, json={"client_uuid": new_uuid(), "text": GAS})
    assert response.status_code == 201
    with sqlite_app.app_context():
        assert not drain.enabled()
        assert backend().active_jobs([f"report-{response.get_json()['id']}"])


def test_a_drain_that_finds_a_backlog_queues_one_more_for_the_idle_workers(redis_app):
    """A backlog no intake adds to (after an outage) must not be left to one worker: the drain kicks once more."""
    redis_app.config.update(PIPELINE_BATCH_SIZE=5, PIPELINE_BACKLOG_BATCH_SIZE=5)
    with redis_app.app_context():
        add_waiting([f"{OTHERS[i % 4]}，第{i}处" for i in range(12)], waited=timedelta(minutes=1))
        assert drain.drain_reports()["routed"] == 12
        assert len(_queued(redis_app)) == 1, "one more drain, queued as the first claim came back full"
        add_waiting([GAS])
        assert drain.drain_reports() == {"routed": 1, "batches": 1, "failed": 0}
        assert len(_queued(redis_app)) == 1, "a claim short of a batch queues none"
        redis_app.config.update(PIPELINE_BATCH_SIZE=1, PIPELINE_BACKLOG_BATCH_SIZE=1, PIPELINE_BATCH_AFTER_MS=60_000)
        add_waiting([OTHERS[0]])
        assert drain.drain_reports() == {"routed": 1, "batches": 1, "failed": 0}
        assert len(_queued(redis_app)) == 1, "a fresh report alone is no backlog, whatever the batch size"


def test_a_backlog_is_drained_in_larger_batches(redis_app):
    """Reports that have waited past PIPELINE_BACKLOG_AFTER_MS go in batches of PIPELINE_BACKLOG_BATCH_SIZE."""
    redis_app.config.update(PIPELINE_BATCH_SIZE=3, PIPELINE_BACKLOG_BATCH_SIZE=8, PIPELINE_BACKLOG_AFTER_MS=60_000,
                            PIPELINE_BATCH_AFTER_MS=0)
    texts = [f"{OTHERS[i % 4]}，第{i}处" for i in range(8)]
    with redis_app.app_context():
        add_waiting(texts)
        assert drain.drain_reports() == {"routed": 8, "batches": 3, "failed": 0}, "fresh: 3 + 3 + 2"
        add_waiting(texts, waited=timedelta(minutes=2))
        assert drain.drain_reports() == {"routed": 8, "batches": 1, "failed": 0}, "a backlog: all 8 at once"


def test_behind_a_drain_claims_each_batch_in_one_statement(redis_app):
    """Once a claim came back full, the next takes a whole batch at once instead of claiming the oldest alone first
    (each claim reads the index entries of every waiting report: a crowd's backlog makes that the costly part)."""
    redis_app.config.update(PIPELINE_BATCH_SIZE=5, PIPELINE_BACKLOG_BATCH_SIZE=5, PIPELINE_KICK_WINDOW_MS=0)
    claims = []

    def keep(_conn, _cursor, statement, *_args):
        if "SKIP LOCKED" in statement:
            claims.append(statement)

    with redis_app.app_context():
        ids = add_waiting([f"{OTHERS[i % 4]}，第{i}处" for i in range(12)], waited=timedelta(minutes=1))
        sa.event.listen(db.engine, "before_cursor_execute", keep)
        try:
            done = drain.drain_reports()
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", keep)
        assert done == {"routed": 12, "batches": 3, "failed": 0}
        assert all(report_state(i)["routed_events"] == 1 for i in ids)
    # The first batch: the oldest alone (has it waited?), then four more; the next two batches one claim each (the
    # last comes back short); then one that finds none waiting.
    assert len(claims) == 2 + 1 + 1 + 1, claims


def _plan_nodes(node: dict):
    yield node
    for child in node.get("Plans", []):
        yield from _plan_nodes(child)


def test_a_claim_of_many_reads_only_the_reports_it_claims_whatever_the_statistics_say(redis_app):
    """A crowd arrives between two ANALYZEs: the statistics say no report waits. The claim of a batch must still walk
    the waiting reports in id order and stop after those it claims, not read and sort every waiting one (the cost
    of a claim would grow with the backlog); the planner settings it needs are put back after it."""
    with redis_app.app_context():
        earlier = add_waiting([f"{OTHERS[i % 4]}，早前第{i}处" for i in range(40)])
        db.session.execute(sa.update(Report).where(Report.id.in_(earlier)).values(stage="routed"))
        db.session.commit()
        with db.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE reports")
            conn.commit()
        waiting = add_waiting([f"{OTHERS[i % 4]}，第{i}处" for i in range(400)], waited=timedelta(minutes=1))
        plans = []

        def explain(_conn, cursor, statement, parameters, *_args):
            if "SKIP LOCKED" in statement and "LIMIT" in statement:  # explained with the settings it ran under
                plans.append(cursor.connection.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + statement,
                                                       parameters).fetchone()[0][0]["Plan"])

        sa.event.listen(db.engine, "after_cursor_execute", explain)
        try:
            claimed = batch._claim_others(0, 50)
        finally:
            sa.event.remove(db.engine, "after_cursor_execute", explain)
        assert [r.id for r in claimed] == sorted(waiting)[:50], "the 50 oldest waiting, ascending"
        nodes = list(_plan_nodes(plans[0]))
        assert not [n for n in nodes if n["Node Type"] == "Sort"], nodes
        scans = [n for n in nodes if n.get("Relation Name") == "reports"]
        assert [(n["Node Type"], n.get("Index Name")) for n in scans] == [("Index Scan", "ix_reports_stage_id")]
        assert scans[0]["Actual Rows"] <= 50, "read no further than the claim"
        settings = db.session.execute(sa.text("SELECT current_setting('enable_sort'), "
                                              "current_setting('enable_bitmapscan')")).one()
        assert tuple(settings) == ("on", "on"), "put back within the claim's transaction"
        db.session.rollback()
