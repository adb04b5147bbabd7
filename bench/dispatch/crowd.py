"""python -m bench.dispatch.crowd: the cost of one report when a crowd reports the same 500 m area.

In one process on a private PostgreSQL schema: reports of a few hazards told in many ways, all within 250 m of one
point, are taken through the pipeline (classify, grade, route: ``stages.text_only``) one after another. The CPU time
and the SQL statements of ``--sample`` reports are measured once ``--early`` reports are in the area, then the area
is filled up to ``--late`` reports (processed reports copied as routed rows of the open cases, with their cells,
signatures and people, so that filling takes seconds, not a quarter of an hour) and ``--sample`` more are measured.
Target (issue 14): the cost after 20,000 within 1.5x of the cost after 1,000.

CPU time per report moves with whatever else the machine does (a busy neighbour makes every instruction slower), and
the two measures are a minute apart. So a second area 2 km away, the control, gets its ``--early`` reports too and
is never filled: each measure takes a report of the crowd's area and one of the control in turns, and the ratio that
counts is the crowd's late/early divided by the control's (which would be 1.0 on a steady machine). The plain ratio
is printed beside it.

Each time, a supervisor also opens the biggest case of the area through the API (``case_view``): the copied reports
join their cases with chained events as the pipeline's would, so that the case's reports and history grow with the
crowd; its time, statements and answer size early and late are printed beside each other.
"""
import argparse
import math
import os
import random
import sys
import time
import uuid
from datetime import timedelta

import sqlalchemy as sa

from bench.dispatch import case_view

PG_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
# The crowd's area and the control's: (centre, estate named in the texts), in two neighbouring grids of the demo city.
CROWD, CONTROL = ((28.2345, 112.9067), "桂花园"), ((28.2340, 112.9250), "枫林")
TEXTS = ["{}小区7栋楼道里煤气味很重，像是漏气了", "{}7栋楼道煤气味好重，是不是漏气了",
         "{}小区门口井盖不见了，晚上很危险", "{}小区门口积水很深，车子开不过去", "{}小区7栋电梯困人了，快来人"]
TARGET_RATIO = 1.5


def _point(rng: random.Random, centre: tuple[float, float]) -> tuple[float, float]:
    distance, angle = 0.25 * math.sqrt(rng.random()), rng.random() * 2 * math.pi
    return (centre[0] + distance * math.sin(angle) / 111.32,
            centre[1] + distance * math.cos(angle) / (111.32 * math.cos(math.radians(centre[0]))))


def _add(db, Report, count: int, rng, start, users, area) -> list[int]:
    (centre, estate), rows = area, []
    for i in range(count):
        lat, lon = _point(rng, centre)
        rows.append(Report(client_uuid=str(uuid.uuid4()), payload_hash="0" * 64,
                           text=rng.choice(TEXTS).format(estate) + rng.choice(["", "，请尽快处理", "！", "，太危险了"])
                           + str(i % 9), lat=lat, lon=lon, reporter_id=rng.choice(users + [None]), created_at=start))
    db.session.add_all(rows)
    db.session.commit()
    return [r.id for r in rows]


def _measure(crowd_ids, control_ids, stages, counter) -> tuple[tuple[float, float], tuple[float, float]]:
    """Mean CPU milliseconds and statements per report of the crowd's reports and of the control's, taken in turns."""
    cpu, statements = {"crowd": 0.0, "control": 0.0}, {"crowd": 0, "control": 0}
    for pair in zip(crowd_ids, control_ids):
        for area, report_id in zip(("crowd", "control"), pair):
            began, seen = time.process_time(), counter[0]
            stages.text_only(report_id)
            cpu[area] += time.process_time() - began
            statements[area] += counter[0] - seen
    return tuple((cpu[a] * 1000 / len(crowd_ids), statements[a] / len(crowd_ids)) for a in ("crowd", "control"))


def _fill(db, count: int, start) -> None:
    """Copy the crowd's routed reports (cell, signature, case, duplicate) as anonymous reports, each a person of its
    case; the control's area is left as it is."""
    conn = db.session.connection()
    rows = conn.execute(sa.text("SELECT text, lat, lon, cell, place_code, grid_id, tokens, signature, case_id, "
                                "COALESCE(duplicate_of_id, id) AS dup, category_id FROM reports "
                                "WHERE stage = 'routed' AND text LIKE :estate ORDER BY id"),
                        {"estate": CROWD[1] + "%"}).mappings().all()
    rng = random.Random(7)
    for offset in range(0, count, 2000):
        batch = []
        for i in range(offset, min(count, offset + 2000)):
            r = rng.choice(rows)
            batch.append({**r, "uuid": str(uuid.uuid4()), "at": start + timedelta(milliseconds=i)})
        conn.execute(sa.text(
            "INSERT INTO reports (client_uuid, payload_hash, channel, text, text_masked, lat, lon, cell, place_code, "
            "grid_id, tokens, signature, case_id, duplicate_of_id, category_id, anonymous, has_audio, stage, "
            "stage_updated_at, attempts, flags, created_at) VALUES (:uuid, repeat('0', 64), 'app', :text, :text, "
            ":lat, :lon, :cell, :place_code, :grid_id, CAST(:tokens AS json), CAST(:signature AS json), :case_id, "
            ":dup, :category_id, false, false, 'routed', :at, 1, '[]', :at)"),
            [{**b, "tokens": _json(b["tokens"]), "signature": _json(b["signature"])} for b in batch])
    conn.execute(sa.text("INSERT INTO case_reporters (case_id, reporter_id, report_id) SELECT case_id, NULL, id "
                         "FROM reports WHERE reporter_id IS NULL AND case_id IS NOT NULL AND id NOT IN "
                         "(SELECT report_id FROM case_reporters)"))
    conn.execute(sa.text("UPDATE cases SET own_reporters = (SELECT COUNT(*) FROM case_reporters "
                         "WHERE case_reporters.case_id = cases.id), reporters = GREATEST(reporters, (SELECT COUNT(*) "
                         "FROM case_reporters WHERE case_reporters.case_id = cases.id))"))
    db.session.commit()
    conn = db.session.connection()
    conn.execute(sa.text("ANALYZE"))
    db.session.commit()


def _json(value):
    import json
    return None if value is None else json.dumps(value, ensure_ascii=False)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.dispatch.crowd", description=__doc__)
    parser.add_argument("--early", type=int, default=1000, help="reports in the area at the first measure")
    parser.add_argument("--late", type=int, default=20000, help="reports in the area at the second measure")
    parser.add_argument("--sample", type=int, default=200, help="reports measured each time")
    args = parser.parse_args(argv)
    os.environ.setdefault("GRIDWATCH_ENV", "test")
    schema = f"bench_crowd_{uuid.uuid4().hex[:8]}"
    engine = sa.create_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    print(f"crowd bench: {args.sample} reports measured after {args.early} and after {args.late} reports within "
          f"250 m; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}", flush=True)
    try:
        return _run(args, f"{PG_URL}?options=-csearch_path%3D{schema}")
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()


def _run(args, url: str) -> int:
    import tempfile

    from flask_migrate import upgrade

    from server import create_app
    from server.accounts.service import create_user
    from server.demo.seed import seed_reference
    from server.extensions import db
    from server.models import Report, utcnow
    from server.pipeline import stages
    tmp = tempfile.mkdtemp(prefix="crowd-")
    app = create_app({"GRIDWATCH_ENV": "test", "SQLALCHEMY_DATABASE_URI": url, "REDIS_URL": None, "MEDIA_ROOT": tmp,
                      "INSTANCE_DIR": tmp, "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_KIB": 1024,
                      "WHISPER_MODEL": "absent-model"})
    counter = [0]
    with app.app_context():
        upgrade()
        seed_reference()
        users = [create_user(username=f"crowd{i}", role="resident", password=f"Crowd-{i}-pass").id
                 for i in range(40)]
        case_view.add_supervisor()
        sa.event.listen(db.engine, "before_cursor_execute", lambda *a: counter.__setitem__(0, counter[0] + 1))
        rng, start = random.Random(14), utcnow() - timedelta(hours=2)
        for area in (CROWD, CONTROL):
            for report_id in _add(db, Report, args.early - args.sample, rng, start, users, area):
                stages.text_only(report_id)

        def sample(minutes: int):
            at = start + timedelta(minutes=minutes)
            return _measure(_add(db, Report, args.sample, rng, at, users, CROWD),
                            _add(db, Report, args.sample, rng, at, users, CONTROL), stages, counter)
        early, control_early = sample(30)
        seen = case_view.measure(app, counter)
        filled_after = db.session.execute(sa.text("SELECT MAX(id) FROM reports")).scalar()
        _fill(db, args.late - args.early - args.sample, start + timedelta(minutes=40))
        case_view.join_events(db, filled_after)
        late, control_late = sample(60)
        crowd = db.session.execute(sa.text("SELECT COUNT(*) FROM reports WHERE text LIKE :estate"),
                                   {"estate": CROWD[1] + "%"}).scalar()
    seen_late = case_view.measure(app, counter)
    plain, drift = late[0] / early[0], control_late[0] / control_early[0]
    ratio = plain / drift
    print(f"{'':<44} {'CPU ms/report':>14} {'statements/report':>18}")
    for label, (cpu, statements) in ((f"crowd, after {args.early} reports in the area", early),
                                     (f"crowd, after {crowd - args.sample} reports in the area", late),
                                     (f"control, {args.early} reports (first measure)", control_early),
                                     (f"control, {args.early + args.sample} reports (second)", control_late)):
        print(f"{label:<44} {cpu:>14.1f} {statements:>18.1f}")
    print(f"ratio late/early: CPU {ratio:.2f}x (plain {plain:.2f}x, the control's {drift:.2f}x), statements "
          f"{late[1] / early[1]:.2f}x; target ≤ {TARGET_RATIO}x: {'met' if ratio <= TARGET_RATIO else 'MISSED'}; "
          f"load average {os.getloadavg()[0]:.2f}")
    print("\n".join(["", *case_view.lines(seen, seen_late)]))
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
