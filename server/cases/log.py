"""Appending to a case's hash-chained event log (publishing ``events.case_event``), and what the public may see."""
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session, lazyload

from server.events import case_event
from server.extensions import db
from server.models import Case, CaseEvent, Report, utcnow
from server.models.cases import GENESIS, default_public

# session.info key: (the transaction, {case id: the last event it appended to that case}). A case gets events only
# through append_event, and only while this transaction holds its lock (lock_case) or created it, so the newest
# event this transaction appended is the case's newest: it is not read again. Forgotten on any rollback (also of a
# savepoint, which may have removed it) and with the transaction.
LAST_EVENTS = "gridwatch_case_last_events"


def lock_case(case_id: int) -> Case | None:
    """A case locked until the commit, so that events from concurrent workers chain one after another.

    Its history is not loaded: a case many people report collects many events, and appending needs the last.
    """
    return db.session.execute(
        db.select(Case).where(Case.id == case_id).with_for_update()
        .options(lazyload(Case.events), lazyload(Case.departments))
        .execution_options(populate_existing=True)).scalar_one_or_none()


def lock_case_of_report(report_id: int) -> Case | None:
    """The case of a report, locked as ``lock_case`` locks it (one statement: the report is not loaded)."""
    return db.session.execute(
        db.select(Case).where(Case.id == db.select(Report.case_id).where(Report.id == report_id).scalar_subquery())
        .with_for_update().options(lazyload(Case.events), lazyload(Case.departments))
        .execution_options(populate_existing=True)).scalar_one_or_none()


def lock_cases(case_ids) -> dict[int, Case]:
    """Several cases locked until the commit, one after another in ascending id order (found ones by id).

    Every operation that locks more than one case goes through here: two requests that lock the same cases (a merge
    of 3 into 4 and one of 4 into 3) then wait for each other instead of deadlocking.
    """
    found = {}
    for case_id in sorted(set(case_ids)):
        case = lock_case(case_id)
        if case is not None:
            found[case_id] = case
    return found


def append_event(case: Case, action: str, to_status: str, *, actor_id: int | None = None,
                 note: str | None = None, data: dict | None = None, public: bool | None = None) -> CaseEvent:
    """Record a transition on the case and move it to the new status (the caller commits).

    ``public`` says whether the public may see the event; by default ``models.cases.default_public`` decides (status
    changes and events with a ``public_reply`` in ``data``). ``note`` is for staff whatever ``public`` says.
    A case locked without its history (a report joining a long-running case) reads only its last event.
    """
    loaded = "events" in case.__dict__
    last = (case.events[-1] if case.events else None) if loaded else _last_event(case.id)
    data = data or {}
    from_status = case.status if last else None
    if public is None:
        public = default_public(action, from_status, to_status, data)
    event = CaseEvent(case_id=case.id, seq=(last.seq + 1) if last else 1, action=action,
                      from_status=from_status, to_status=to_status, actor_id=actor_id,
                      note=note, data=data, public=bool(public), created_at=utcnow().replace(microsecond=0),
                      prev_hash=last.hash if last else GENESIS)
    event.hash = event.compute_hash()
    if loaded:
        case.events.append(event)
    case.status = to_status
    db.session.add(event)
    _appended()[case.id] = event
    case_event.send(case, event=event)  # subscribers (notifications, webhooks) add to this transaction
    return event


def _appended() -> dict:
    """The last events this transaction appended, by case."""
    session = db.session()
    root = session.get_transaction()
    if root is None:
        return {}
    entry = session.info.get(LAST_EVENTS)
    if entry is None or entry[0] is not root:
        entry = session.info[LAST_EVENTS] = (root, {})
    return entry[1]


@sa_event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session) -> None:
    session.info.pop(LAST_EVENTS, None)


def _last_event(case_id: int):
    """The newest event of a case in this transaction: what the next one chains to (its ``seq`` and ``hash``).

    No flush is needed before reading: an event this transaction appended and has not flushed is in ``_appended``
    (it is forgotten only by a rollback, which removes it, or with the transaction, whose commit flushed it; a
    savepoint flushes what came before it).
    """
    known = _appended().get(case_id)
    if known is not None:
        return known
    # The two columns only: an event's data (suggestions, reasons, evidence) is not loaded to chain the next one.
    return db.session.execute(db.select(CaseEvent.seq, CaseEvent.hash).where(CaseEvent.case_id == case_id)
                              .order_by(CaseEvent.seq.desc()).limit(1)).first()


def public_reply(event: CaseEvent) -> str | None:
    """The text of a public event written for the public (``data["public_reply"]``), else None."""
    if not event.public:
        return None
    reply = (event.data or {}).get("public_reply")
    return reply.strip() or None if isinstance(reply, str) else None
