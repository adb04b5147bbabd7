"""The crowd bench's second question: what opening the crowd's biggest case costs a supervisor, early and late.

``join_events`` gives the reports the crowd bench copies in (``crowd._fill``) the event the pipeline records when a
report joins a case, chained to the case's head as ``append_event`` chains it, so that the case's history grows as it
would. ``measure`` then reads the biggest case through the API (``GET /api/v1/cases/<id>``) in this process.
"""
import statistics
import time

import sqlalchemy as sa

SUPERVISOR, PASSWORD = "crowd-duty", "Watch-the-estate-2026"
READS = 5


def join_events(db, after_id: int) -> int:
    """A chained ``report_joined`` event for every report after ``after_id`` that has a case; returns how many."""
    from server.models import Case, CaseEvent
    rows = db.session.execute(sa.text("SELECT id, case_id, duplicate_of_id, created_at FROM reports "
                                      "WHERE id > :after AND case_id IS NOT NULL ORDER BY id"),
                              {"after": after_id}).all()
    cases = {c.id: c for c in db.session.execute(db.select(Case).where(Case.id.in_({r.case_id for r in rows})))
             .scalars()}
    events = []
    for row in rows:
        case = cases[row.case_id]
        event = CaseEvent(case_id=case.id, seq=case.event_seq + 1, action="report_joined", from_status=case.status,
                          to_status=case.status, note=f"report {row.id} reports the same hazard",
                          data={"report_id": row.id, "duplicate_of": row.duplicate_of_id}, public=False,
                          created_at=row.created_at.replace(microsecond=0), prev_hash=case.event_hash)
        event.hash = event.compute_hash()
        case.event_seq, case.event_hash = event.seq, event.hash
        events.append({c.key: getattr(event, c.key) for c in CaseEvent.__table__.columns if c.key != "id"})
    for start in range(0, len(events), 5000):
        db.session.execute(sa.insert(CaseEvent.__table__), events[start:start + 5000])
    db.session.commit()
    return len(events)


def add_supervisor() -> None:
    """The supervisor who opens the case."""
    from server.accounts.service import create_user
    create_user(username=SUPERVISOR, role="supervisor", password=PASSWORD)


def measure(app, counter: list) -> dict:
    """The biggest case read ``READS`` times: its reports and events, median wall ms, CPU ms, statements, KiB."""
    from server.extensions import db
    with app.app_context():
        case_id, reports = db.session.execute(sa.text(
            "SELECT case_id, COUNT(*) FROM reports WHERE case_id IS NOT NULL GROUP BY case_id ORDER BY 2 DESC LIMIT 1"
        )).one()
        events = db.session.execute(sa.text("SELECT COUNT(*) FROM case_events WHERE case_id = :c"),
                                    {"c": case_id}).scalar()
        db.session.remove()
    client = app.test_client()
    token = client.post("/api/v1/auth/login", json={"username": SUPERVISOR, "password": PASSWORD}).get_json()
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    walls, cpus, statements, size = [], [], 0, 0
    for _ in range(READS):
        wall, cpu, before = time.perf_counter(), time.process_time(), counter[0]
        answer = client.get(f"/api/v1/cases/{case_id}", headers=headers)
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
        statements, size = counter[0] - before, len(answer.data)
        assert answer.status_code == 200, answer.get_json()
    return {"reports": reports, "events": events, "ms": statistics.median(walls), "cpu": statistics.median(cpus),
            "statements": statements, "kib": size / 1024}


def lines(early: dict, late: dict) -> list[str]:
    """The two reads side by side, and how much the late one costs against the early one."""
    head = f"{'opening the biggest case (API)':<34} {'reports':>8} {'events':>7} {'ms':>7} {'CPU ms':>7} " \
           f"{'statements':>10} {'KiB':>6}"
    rows = [f"{label:<34} {m['reports']:>8} {m['events']:>7} {m['ms']:>7.1f} {m['cpu']:>7.1f} {m['statements']:>10} "
            f"{m['kib']:>6.0f}" for label, m in (("early", early), ("late", late))]
    return [head, *rows, f"ratio late/early: time {late['ms'] / early['ms']:.2f}x, statements "
                         f"{late['statements'] / early['statements']:.2f}x, answer {late['kib'] / early['kib']:.2f}x"]
