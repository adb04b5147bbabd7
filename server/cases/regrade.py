"""A supervisor's correction of a case's level (调整等级): the effect, the deadlines it moves, and the rule that a
person's level wins over later automatic regrading.

The grader's reasons (``case.severity_reasons``) stay as the machine gave them; the correction, with its reason, is
the ``regrade`` event of the hash-chained log (an automatic regrade is a ``regrade`` event without an actor).
"""
from datetime import datetime

from server.cases.deadlines import case_deadlines
from server.errors import Invalid
from server.extensions import db
from server.models import Case, CaseEvent
from server.taxonomy.source import current_taxonomy

ROMAN = {1: "Ⅰ", 2: "Ⅱ", 3: "Ⅲ", 4: "Ⅳ"}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _shifted(current: datetime | None, old: datetime, new: datetime) -> datetime | None:
    """A deadline moved by the difference the level makes (an approved extension or a reopening is kept)."""
    return current + (new - old) if current is not None else None


def regrade(case: Case, ctx, now: datetime):
    """The effect of ``regrade``: the new level, and the deadlines the level drives moved by what it changes.

    Both deadlines are computed for the old and the new level from the same start (the dispatch, else the case's
    creation) and the current deadline moves by their difference: a case raised from Ⅳ to Ⅱ must be signed for
    sooner and resolved days earlier, whatever extension it had. A deadline already met (signed for) stays.
    A deadline moved into the future re-arms the overdue sweep for it.
    """
    level, reason = ctx.fields["severity"], ctx.fields["reason"].strip()
    previous = case.severity
    if level == previous:
        raise Invalid(f"The case is already at level {level}.",
                      {"severity": [f"案件已是{ROMAN[level]}级，无需调整"]})
    taxonomy, start = current_taxonomy(), case.dispatched_at or case.created_at
    old_sign, old_resolve = case_deadlines(taxonomy, previous, start)
    new_sign, new_resolve = case_deadlines(taxonomy, level, start)
    before = {"previous_sign_by": _iso(case.sign_by), "previous_resolve_by": _iso(case.resolve_by)}
    if case.signed_at is None:
        case.sign_by = _shifted(case.sign_by, old_sign, new_sign)
        if case.sign_by is not None and case.sign_by > now:
            case.sign_escalated_at = None
    case.resolve_by = _shifted(case.resolve_by, old_resolve, new_resolve)
    if case.resolve_by is not None and case.resolve_by > now:
        case.resolve_escalated_at = None
    case.severity = level
    return case.status, ctx.fields.get("note"), {
        "from": previous, "to": level, "reason": reason, "direction": "raised" if level < previous else "lowered",
        **before, "sign_by": _iso(case.sign_by), "resolve_by": _iso(case.resolve_by)}


def is_by_hand(event: CaseEvent) -> bool:
    """Whether an event set the case's level by a person's decision: a supervisor's regrade, or a manual dispatch
    that changed the level."""
    if event.actor_id is None:
        return False
    return event.action == "regrade" or (event.action == "dispatch" and "severity_from" in (event.data or {}))


def level_set_by_hand(case_id: int) -> bool:
    """Whether a person has set the case's level: then automatic regrading (more reporters) leaves it as it is.

    Reads only the case's events that a person took of the two kinds that may set a level.
    """
    rows = db.session.execute(db.select(CaseEvent).where(
        CaseEvent.case_id == case_id, CaseEvent.actor_id.is_not(None),
        CaseEvent.action.in_(("regrade", "dispatch")))).scalars()
    return any(is_by_hand(e) for e in rows)


def corrections_by_hand(case_ids: list[int]) -> dict[int, dict]:
    """The latest correction of each of these cases' levels by a supervisor: {case_id: {from, to, reason}}."""
    if not case_ids:
        return {}
    rows = db.session.execute(db.select(CaseEvent).where(
        CaseEvent.case_id.in_(case_ids), CaseEvent.action == "regrade", CaseEvent.actor_id.is_not(None))
        .order_by(CaseEvent.case_id, CaseEvent.seq)).scalars()
    return {e.case_id: {k: (e.data or {}).get(k) for k in ("from", "to", "reason")} for e in rows}


def correction_counts() -> dict[str, int]:
    """How many levels supervisors corrected, by direction: {"raised": n, "lowered": m}."""
    counts = {"raised": 0, "lowered": 0}
    rows = db.session.execute(db.select(CaseEvent.data).where(
        CaseEvent.action == "regrade", CaseEvent.actor_id.is_not(None))).scalars()
    for data in rows:
        data = data or {}
        if isinstance(data.get("from"), int) and isinstance(data.get("to"), int) and data["from"] != data["to"]:
            counts["raised" if data["to"] < data["from"] else "lowered"] += 1
    return counts
