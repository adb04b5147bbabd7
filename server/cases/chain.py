"""Checking every case's event chain: edited, inserted, deleted or reordered events."""
from server.extensions import db
from server.models import Case, CaseEvent
from server.models.cases import chain_problems


def audit_events(case: Case, events: list[CaseEvent]) -> list[str]:
    """What is wrong with one case's events (empty when the chain holds)."""
    problems = chain_problems(events)
    if events and events[-1].to_status != case.status:
        problems.append(f"the case is {case.status} but its last event says {events[-1].to_status}: "
                        "events were deleted at the end or the status was changed outside the lifecycle")
    if not events:
        problems.append("the case has no events")
    elif (case.event_seq, case.event_hash) != (events[-1].seq, events[-1].hash):
        problems.append(f"the case's chain head is event {case.event_seq} but its last event is {events[-1].seq}: "
                        "events were deleted or added at the end outside the lifecycle")
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
