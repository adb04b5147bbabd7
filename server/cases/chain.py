"""Checking every case's event chain: edited, inserted, deleted or reordered events."""
from server.extensions import db
from server.models import Case, CaseEvent
from server.models.cases import GENESIS


def audit_events(case: Case, events: list[CaseEvent]) -> list[str]:
    """What is wrong with one case's events (empty when the chain holds)."""
    problems, prev_hash, expected = [], GENESIS, 1
    by_hash = {e.hash: e for e in events}
    for event in events:
        if event.seq != expected:
            if event.seq > expected:
                problems.append(f"event(s) {expected}..{event.seq - 1} missing (deleted)")
            else:
                problems.append(f"event {event.seq} out of order")
        if event.compute_hash() != event.hash:
            problems.append(f"event {event.seq} ({event.action}) edited: its content does not match its hash")
        if event.prev_hash != prev_hash:
            if event.prev_hash in by_hash and event.seq == expected:
                problems.append(f"event {event.seq} does not follow event {event.seq - 1}: inserted or replaced")
            elif event.seq == expected:
                problems.append(f"event {event.seq} ({event.action}) does not chain to the event before it: "
                                "an event was inserted, replaced or deleted before it")
        prev_hash, expected = event.hash, event.seq + 1
    if events and events[-1].to_status != case.status:
        problems.append(f"the case is {case.status} but its last event says {events[-1].to_status}: "
                        "events were deleted at the end or the status was changed outside the lifecycle")
    if not events:
        problems.append("the case has no events")
    return problems


def audit_all() -> dict[str, list[str]]:
    """Problems per case number (only cases with problems), over every case."""
    result = {}
    for case in db.session.execute(db.select(Case).order_by(Case.id)).scalars():
        events = list(db.session.execute(db.select(CaseEvent).where(CaseEvent.case_id == case.id)
                                         .order_by(CaseEvent.seq)).scalars())
        problems = audit_events(case, events)
        if problems:
            result[case.number or f"#{case.id}"] = problems
    return result
