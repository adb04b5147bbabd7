"""The work one report costs does not grow with the crowd reporting the same place (issue 14, item 1).

Reports are processed one after another in one 500 m area; the SQL statements each runs (both backends), the
SQLite virtual-machine steps they take (a deterministic measure of rows read), and on PostgreSQL the plan of every
statement (indexed: no sequential scan when the planner is told to avoid one) are compared early and late.
"""
import math
import random
import uuid
from datetime import timedelta

import sqlalchemy as sa

from server.extensions import db
from server.cases.chain import audit_events
from server.models import Case, CaseEvent, Report, utcnow
from server.pipeline import stages

CENTRE = (28.2345, 112.9067)
TEXTS = ["桂花园小区7栋楼道里煤气味很重，像是漏气了{}", "桂花园7栋楼道煤气味好重，是不是漏气了{}",
         "桂花园小区门口井盖不见了，晚上很危险{}", "桂花园小区门口积水很深，车子开不过去{}",
         "桂花园小区7栋电梯困人了，快来人{}"]


def _add_reports(count: int, users: list[int], rng: random.Random, start) -> list[int]:
    """Unprocessed text reports within 250 m of the centre, a few hazards told in many ways, some anonymous."""
    ids = []
    for i in range(count):
        distance, angle = 0.25 * math.sqrt(rng.random()), rng.random() * 2 * math.pi
        lat = CENTRE[0] + distance * math.sin(angle) / 111.32
        lon = CENTRE[1] + distance * math.cos(angle) / (111.32 * math.cos(math.radians(CENTRE[0])))
        report = Report(client_uuid=str(uuid.uuid4()), payload_hash="0" * 64, text=rng.choice(TEXTS).format(i % 7),
                        lat=lat, lon=lon, reporter_id=rng.choice(users + [None]),
                        created_at=start + timedelta(seconds=len(ids)))
        db.session.add(report)
        db.session.flush()
        ids.append(report.id)
    db.session.commit()
    return ids


class _Meter:
    """Statements (with their parameters) and, on SQLite, virtual-machine steps of everything the engine runs."""

    def __init__(self, engine):
        self.statements, self.steps, self.sqlite = [], 0, engine.dialect.name == "sqlite"
        sa.event.listen(engine, "before_cursor_execute", self._statement)
        if self.sqlite:
            engine.dispose()  # fresh connections, each with the step counter
            sa.event.listen(engine, "connect", self._connect)

    def _statement(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append((statement, parameters))

    def _connect(self, dbapi_connection, record):
        dbapi_connection.set_progress_handler(self._step, 100)

    def _step(self):
        self.steps += 1
        return 0


def _process(ids, meter) -> list[tuple[int, int]]:
    """(statements, hundreds of SQLite steps) each report took from receipt to its case."""
    cost = []
    for report_id in ids:
        before, steps = len(meter.statements), meter.steps
        stages.text_only(report_id)
        cost.append((len(meter.statements) - before, meter.steps - steps))
    return cost


def test_the_cost_of_a_report_does_not_grow_with_the_crowd_in_one_place(app, city):
    from server.accounts.service import create_user
    rng = random.Random(14)
    with app.app_context():
        users = [create_user(username=f"crowd{i}", role="resident", password=f"Crowd-{i}-pass").id for i in range(12)]
        start = utcnow() - timedelta(hours=1)
        meter = _Meter(db.engine)
        # Early: once the candidates around the place fill the cap (DUPLICATE_CANDIDATES, 50) and cases are open.
        early = _process(_add_reports(150, users, rng, start), meter)[-40:]
        crowd = _add_reports(450, users, rng, start + timedelta(minutes=2))
        _process(crowd[:-40], meter)
        first = len(meter.statements)
        late = _process(crowd[-40:], meter)
        late_statements = meter.statements[first:]
        routed = db.session.execute(db.select(sa.func.count(Report.id)).where(Report.stage == "routed")).scalar()
        assert routed == 600
        joined = db.session.execute(db.select(sa.func.count(Report.id))
                                    .where(Report.duplicate_of_id.is_not(None))).scalar()
        assert joined > 400, "most of the crowd joins open cases"
        biggest = db.session.execute(db.select(Case).order_by(Case.own_reporters.desc()).limit(1)).scalar_one()
        people = db.session.execute(db.select(Report.id, Report.reporter_id).where(Report.case_id == biggest.id)).all()
        assert biggest.own_reporters == len({r.reporter_id or -r.id for r in people}) > 12, "distinct people"
        # The same paths (a new case, a join, a regrade) in both; a rarer path may add a statement or two.
        assert max(c for c, _ in late) <= max(c for c, _ in early) + 2, (early, late)
        assert sum(c for c, _ in late) <= sum(c for c, _ in early) * 1.1, (early, late)
        assert max(c for c, _ in late) <= 40
        # Joining chains the case's event to the head kept on its row: no event is read, however many it has.
        assert not [s for s, _ in late_statements if "FROM case_events" in s]
        if meter.sqlite:
            # Rows read: the statements of a late report do no more work than those of an early one.
            assert sum(s for _, s in late) <= 1.5 * sum(s for _, s in early), (early, late)
        else:
            _assert_indexed(late_statements)


def _assert_indexed(statements) -> None:
    """Every SELECT, UPDATE and DELETE a report ran finds its rows through an index, none by a sequential scan."""
    seen = set()
    with db.engine.connect() as conn:
        conn.exec_driver_sql("SET enable_seqscan = off")
        for statement, parameters in statements:
            if statement in seen or not statement.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE")):
                continue
            seen.add(statement)
            plan = "\n".join(r[0] for r in conn.exec_driver_sql("EXPLAIN " + statement, parameters))
            assert "Seq Scan" not in plan, f"{statement}\n{plan}"
        conn.rollback()


def test_a_report_analysed_before_signatures_is_still_found_as_a_duplicate(app, city):
    rng = random.Random(1)
    with app.app_context():
        first, = _add_reports(1, [], rng, utcnow() - timedelta(minutes=5))
        stages.text_only(first)
        db.session.execute(sa.update(Report).where(Report.id == first).values(signature=sa.null()))
        db.session.commit()
        again = Report(client_uuid=str(uuid.uuid4()), payload_hash="0" * 64, text=db.session.get(Report, first).text,
                       lat=CENTRE[0], lon=CENTRE[1])
        db.session.add(again)
        db.session.commit()
        stages.text_only(again.id)
        again = db.session.get(Report, again.id, populate_existing=True)
        assert again.duplicate_of_id == first and again.signature and again.cell
        assert db.session.get(Case, again.case_id).own_reporters == 2, "two anonymous reports: two people"


def test_people_stay_distinct_when_workers_join_one_case_at_once(pg_url, tmp_path):
    """Four threads (own sessions, real PostgreSQL) add reports of the same people to one case at the same time."""
    import threading

    from server import create_app
    from server.accounts.service import create_user
    from server.demo.seed import seed_reference

    from ..conftest import app_config, fresh_database
    app = create_app(app_config(pg_url, tmp_path))
    fresh_database(app)
    rng = random.Random(4)
    with app.app_context():
        seed_reference()
        users = [create_user(username=f"joiner{i}", role="resident", password=f"Joiner-{i}-pass").id for i in range(5)]
        first, = _add_reports(1, users[:1], rng, utcnow() - timedelta(minutes=30))
        stages.text_only(first)
        text = db.session.get(Report, first).text
        ids = []
        for i in range(40):
            report = Report(client_uuid=str(uuid.uuid4()), payload_hash="0" * 64, text=text, lat=CENTRE[0],
                            lon=CENTRE[1], reporter_id=users[i % 5] if i % 8 else None)
            db.session.add(report)
            db.session.flush()
            ids.append(report.id)
        db.session.commit()
    errors, barrier = [], threading.Barrier(4)

    def work(mine):
        try:
            with app.app_context():
                barrier.wait()
                for report_id in mine:
                    stages.text_only(report_id)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
    threads = [threading.Thread(target=work, args=(ids[i::4],)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    with app.app_context():
        case_id = db.session.get(Report, first).case_id
        rows = db.session.execute(db.select(Report.id, Report.reporter_id).where(Report.case_id == case_id)).all()
        assert len(rows) == 41, "every report joined the one case"
        case = db.session.get(Case, case_id)
        assert case.own_reporters == len({r.reporter_id or -r.id for r in rows}) >= 5 + 5
        assert case.reporters >= case.own_reporters
        events = list(db.session.execute(db.select(CaseEvent).where(CaseEvent.case_id == case_id)
                                         .order_by(CaseEvent.seq)).scalars())
        assert audit_events(case, events) == [], "the concurrent joins chained one after another"
        db.session.remove()
        db.engine.dispose()
