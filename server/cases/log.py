"""Appending to a case's hash-chained event log (publishing ``events.case_event``), and what the public may see."""
from functools import cache

from sqlalchemy.orm import lazyload

from server.events import case_event
from server.extensions import db
from server.models import Case, CaseEvent, Report, utcnow
from server.models.cases import GENESIS, default_public


def lock_case(case_id: int) -> Case | None:
    """A case locked until the commit, so that events from concurrent workers chain one after another.

    Its history is not loaded: a case many people report collects many events, and appending needs only the chain's
    head, which the row holds.
    """
    return db.session.execute(_lock_by_id(), {"case_id": case_id}).scalar_one_or_none()


def lock_case_of_report(report_id: int) -> Case | None:
    """The case of a report, locked as ``lock_case`` locks it (one statement: the report is not loaded)."""
    return db.session.execute(_lock_of_report(), {"report_id": report_id}).scalar_one_or_none()


# The two locks are built once, with bound parameters: the pipeline locks a case for every report that joins one.
@cache
def _lock_by_id():
    return _locking(db.select(Case).where(Case.id == db.bindparam("case_id")))


@cache
def _lock_listed():
    return _locking(db.select(Case).where(Case.id.in_(db.bindparam("case_ids", expanding=True))).order_by(Case.id))


@cache
def _lock_of_report():
    of_report = db.select(Report.case_id).where(Report.id == db.bindparam("report_id")).scalar_subquery()
    return _locking(db.select(Case).where(Case.id == of_report))


def _locking(statement):
    """The statement, locking its case and reloading it (its history and departments not loaded)."""
    return statement.with_for_update().options(lazyload(Case.events), lazyload(Case.departments)) \
        .execution_options(populate_existing=True)


def lock_cases(case_ids) -> dict[int, Case]:
    """Several cases locked until the commit, in ascending id order, in one statement (found ones by id).

    Every operation that locks more than one case goes through here: two requests that lock the same cases (a merge
    of 3 into 4 and one of 4 into 3) then wait for each other instead of deadlocking. PostgreSQL locks the rows of a
    ``SELECT … ORDER BY … FOR UPDATE`` as the sort hands them on, so one statement takes them in the same order as
    one statement a case did (a batch of reports that joins forty cases waits for forty locks, not forty round
    trips).
    """
    ids = sorted(set(case_ids))
    if not ids:
        return {}
    return {case.id: case for case in db.session.execute(_lock_listed(), {"case_ids": ids}).scalars()}


def append_event(case: Case, action: str, to_status: str, *, actor_id: int | None = None,
                 note: str | None = None, data: dict | None = None, public: bool | None = None) -> CaseEvent:
    """Record a transition on the case and move it to the new status (the caller commits).

    ``public`` says whether the public may see the event; by default ``models.cases.default_public`` decides (status
    changes and events with a ``public_reply`` in ``data``). ``note`` is for staff whatever ``public`` says.
    The event chains to the head kept on the case row (``event_seq``, ``event_hash``), which the caller holds locked
    (``lock_case``) or created: no event is read, however long the case's history.
    """
    last_seq = case.event_seq or 0  # None on a case created in this transaction and not yet flushed
    data = data or {}
    from_status = case.status if last_seq else None
    if public is None:
        public = default_public(action, from_status, to_status, data)
    event = CaseEvent(case_id=case.id, seq=last_seq + 1, action=action,
                      from_status=from_status, to_status=to_status, actor_id=actor_id,
                      note=note, data=data, public=bool(public), created_at=utcnow().replace(microsecond=0),
                      prev_hash=case.event_hash if last_seq else GENESIS)
    event.hash = event.compute_hash()
    if "events" in case.__dict__:  # history loaded: keep it whole
        case.events.append(event)
    case.status, case.event_seq, case.event_hash = to_status, event.seq, event.hash
    db.session.add(event)
    case_event.send(case, event=event)  # subscribers (notifications, webhooks) add to this transaction
    return event


def public_reply(event: CaseEvent) -> str | None:
    """The text of a public event written for the public (``data["public_reply"]``), else None."""
    if not event.public:
        return None
    reply = (event.data or {}).get("public_reply")
    return reply.strip() or None if isinstance(reply, str) else None
