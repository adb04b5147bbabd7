"""Near-duplicate candidates: the distance and the time window are applied in the one statement that reads them."""
import json
import math
import random
from datetime import timedelta

import pytest
import sqlalchemy as sa

from nlp.hotspots.duplicates import cells_around
from psycopg._queries import MAX_CACHED_STATEMENT_LENGTH
from server import create_app
from server.extensions import db
from server.hotspots.service import (KM_PER_DEGREE, NEAR_KM, _around_cells, find_duplicate_of, index_for_duplicates,
                                     stored_candidates)
from server.models import Report, utcnow

from ..conftest import app_config, fresh_database
from ..helpers import new_uuid

GAS = "桂花园小区7栋楼道里煤气味很重，怕是漏气了"
LAT, LON = 28.2345, 112.9067


def _north(km: float) -> tuple[float, float]:
    return LAT + km / 111.32, LON


def _report(position, when, text=GAS) -> Report:
    report = Report(client_uuid=new_uuid(), payload_hash="0" * 64, text=text, lat=position[0], lon=position[1],
                    created_at=when)
    db.session.add(report)
    db.session.flush()
    return report


def test_only_reports_within_the_distance_and_the_window_are_candidates(app, city):
    with app.app_context():
        now = utcnow()
        first = _report((LAT, LON), now - timedelta(hours=2))
        assert find_duplicate_of(first) is None, "nothing before it"
        # The same words 0.6 km away, in a cell of the first one's ring: read by the cell scan, left out by distance.
        beyond = _report(_north(0.6), now - timedelta(minutes=90))
        assert find_duplicate_of(beyond) is None, f"0.6 km is farther than {NEAR_KM} km"
        assert beyond.cell != first.cell and beyond.cell in cells_around(first.cell), "a candidate in the ring"
        # Between the two, 0.15 km from the first and 0.45 km from the other (which is newer): the first one, also
        # when only the newest candidate is compared (the farther one must not take its place).
        between = _report(_north(0.15), now - timedelta(minutes=60))
        assert find_duplicate_of(between, limit=1) == first.id
        # The same place two days later: the window (48 hours) holds none of them.
        later = _report((LAT, LON), now + timedelta(hours=48))
        assert find_duplicate_of(later) is None
        # Without a position, the newest report of the same named place in the window.
        placeless = [_report((None, None), now - timedelta(minutes=m)) for m in (30, 20)]
        for report in placeless:
            report.place_code = "GUIHUAYUAN"
        db.session.flush()
        assert find_duplicate_of(placeless[1]) == placeless[0].id
        db.session.rollback()


@pytest.mark.postgres
def test_the_candidates_come_through_the_cell_index_also_before_the_table_is_analysed(pg_url, tmp_path):
    """A new deployment's first minute: no statistics yet. The window must still be read through the index on
    (cell, created_at), not by walking the index on created_at over every report of the window: by a report's
    statement and by a batch's."""
    app = create_app(app_config(pg_url, tmp_path))
    fresh_database(app)
    statements = []

    def keep(_conn, _cursor, statement, parameters, _context, _many):
        if "signature AS TEXT)" in statement:
            statements.append((statement, parameters))

    with app.app_context():
        now = utcnow()
        for i in range(300):  # the same few cells, spread over the last day
            _report(_north((i % 5) * 0.05), now - timedelta(minutes=5 * i))
        db.session.commit()
        conn = db.session.connection()
        conn.exec_driver_sql("DELETE FROM pg_statistic WHERE starelid = 'reports'::regclass")
        conn.exec_driver_sql("UPDATE pg_class SET reltuples = -1, relpages = 0 WHERE oid = 'reports'::regclass")
        db.session.commit()
        sa.event.listen(db.engine, "before_cursor_execute", keep)
        try:
            latest = _report((LAT, LON), now)
            find_duplicate_of(latest)
            stored_candidates([latest])  # a batch's statement for all its reports
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", keep)
        assert len(statements) == 2
        conn = db.session.connection()
        conn.exec_driver_sql("SET LOCAL enable_seqscan = off")  # a table of 300 rows is read whole otherwise
        plans = ["\n".join(r[0] for r in conn.exec_driver_sql("EXPLAIN " + statement, parameters))
                 for statement, parameters in statements]
        db.session.rollback()
    for plan in plans:
        assert "ix_reports_cell_created_at" in plan, plan
        assert "ix_reports_created_at " not in plan and "ix_reports_created_at\n" not in plan, plan
    for statement, _ in statements:
        # Over this length psycopg parses the statement again on every execution, for every report.
        assert len(statement.encode()) <= MAX_CACHED_STATEMENT_LENGTH, len(statement.encode())
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.mark.postgres
def test_a_batch_reads_each_reports_candidates_as_the_report_alone_would(pg_url, tmp_path):
    """A batch reads its reports' candidates in one statement: for each report the same ones, with the same
    signatures, as its own statement (its window, its cells, the distance, the newest few)."""
    app = create_app(app_config(pg_url, tmp_path))
    fresh_database(app)
    rng = random.Random(5)
    with app.app_context(), db.session.no_autoflush:
        now = utcnow()
        earlier = [_report((LAT + rng.uniform(-0.005, 0.005), LON + rng.uniform(-0.005, 0.005)),
                           now - timedelta(hours=rng.uniform(0, 60)), text=f"{GAS}{i % 7}") for i in range(160)]
        for report in earlier:
            index_for_duplicates(report)
        for report in earlier[:5]:  # analysed before signatures were stored
            report.signature = None
        earlier.append(_report((None, None), now - timedelta(hours=1)))  # no position: never a cell's candidate
        db.session.flush()
        batch = [_report((LAT + rng.uniform(-0.004, 0.004), LON + rng.uniform(-0.004, 0.004)),
                         now - timedelta(hours=rng.uniform(0, 20))) for _ in range(12)]
        batch.append(_report((None, None), now))
        for report in batch:  # indexed in memory only, as a batch is until its commit
            index_for_duplicates(report)
        stored = stored_candidates(batch, limit=6)
        alone = {}
        for report in batch[:-1]:
            cells = {f"cell{i}": cell for i, cell in enumerate(cells_around(report.cell))}
            window = {"me": report.id, "since": report.created_at - timedelta(hours=48), "until": report.created_at,
                      "limit": 6, "lat": report.lat, "lon": report.lon,
                      "kx": KM_PER_DEGREE * math.cos(math.radians(report.lat))}
            alone[report.id] = db.session.execute(_around_cells(len(cells), "postgresql"), {**window, **cells}).all()
        db.session.rollback()
    assert sorted(stored) == sorted(alone), "every report with a position, and only those"
    assert sum(len(rows) for rows in alone.values()) > 30, "the reports have candidates to compare"
    assert any(len(rows) == 6 for rows in alone.values()), "the newest few, where more are near"
    for report_id, rows in alone.items():
        expected = {r.id: (r.lat, r.lon, r.created_at, r.place_code, r.signature and json.loads(r.signature))
                    for r in rows}
        got = {r.id: (r.lat, r.lon, r.created_at, r.place_code, r.signature) for r in stored[report_id]}
        assert got == expected, report_id
    unsigned = {r.id for rows in stored.values() for r in rows if r.signature is None}
    assert unsigned and unsigned <= {r.id for r in earlier[:5]}
