"""The effect of each lifecycle action on a case: (case, ctx, now) -> (to_status, note, data).

``service.apply_action`` authorizes and checks the state first, then calls ``HANDLERS[action]`` and
records the returned status, note and data as the hash-chained event.
"""
from datetime import datetime, timedelta

from triage.lifecycle import FINISHED, STATUS_ZH, CaseStatus

from server.errors import Invalid, InvalidTransition
from server.cases.log import append_event
from server.cases.library import store_vector
from server.extensions import db
from server.models import Case, CaseDepartment, Category, Department, Report
from server.taxonomy.source import case_category_code, current_taxonomy
from server.cases.deadlines import add_working_days, case_deadlines
from server.cases.regrade import regrade

MAX_EXTENSION_DAYS = 60


def invalid_transition(message: str, message_zh: str) -> InvalidTransition:
    """409 in the one error shape; the Chinese text under ``errors.status`` and as the Chinese message."""
    error = InvalidTransition(message, {"status": [message_zh]})
    error.message_zh = message_zh
    return error


def department_row(case: Case, department_id: int) -> CaseDepartment:
    """The case's row for a department."""
    return next(r for r in case.departments if r.department_id == department_id)


def _category(code: str) -> Category:
    """Look up an active subcategory by code; 422 on an unknown one."""
    found = db.session.execute(db.select(Category).where(Category.code == code, Category.active.is_(True))
                               ).scalar_one_or_none()
    if found is None:
        raise Invalid(errors={"category": [f"Unknown category: {code}"]})
    return found


def _departments(lead: str, assist: list[str]) -> tuple[Department, list[Department]]:
    """Look up department codes; 422 on unknown ones."""
    codes = [lead, *[a for a in assist if a != lead]]
    found = {d.code: d for d in db.session.execute(
        db.select(Department).where(Department.code.in_(codes), Department.active.is_(True))).scalars()}
    missing = [c for c in codes if c not in found]
    if missing:
        raise Invalid(errors={"lead" if lead in missing else "assist":
                              [f"Unknown department(s): {', '.join(missing)}"]})
    return found[lead], [found[c] for c in codes[1:]]


def _assign(case: Case, lead: Department, assists: list[Department], now: datetime) -> None:
    """Put these departments on the case (replacing the old ones) and start the deadlines."""
    case.departments.clear()
    db.session.flush()
    case.departments.append(CaseDepartment(department_id=lead.id, department=lead, role="lead", assigned_at=now))
    for dept in assists:
        case.departments.append(CaseDepartment(department_id=dept.id, department=dept, role="assist",
                                               assigned_at=now))
    _restart(case, now)


def _restart(case: Case, now: datetime) -> None:
    """Fresh sign and resolve deadlines from now (working days), nothing signed yet."""
    case.sign_by, case.resolve_by = case_deadlines(current_taxonomy(), case.severity, now)
    case.dispatched_at, case.signed_at = now, None
    case.sign_escalated_at = case.resolve_escalated_at = None
    for row in case.departments:
        row.assigned_at, row.signed_at = now, None


def _iso(value: datetime | None) -> str | None:
    """A datetime for event data (hashed as JSON)."""
    return value.isoformat() if value is not None else None


# --- the effects of each action: (case, ctx, now) -> (to_status, note, data) -------------------------

def _dispatch(case, ctx, now):
    f = ctx.fields
    corrected = None
    if f.get("severity") and f["severity"] != case.severity:
        corrected, case.severity = case.severity, f["severity"]  # a person's level (cases.regrade.is_by_hand)
    if f.get("category"):
        case.category = _category(f["category"])
    lead, assists = _departments(f["lead"], f.get("assist") or [])
    _assign(case, lead, assists, now)
    case.needs_manual_dispatch = False
    return CaseStatus.DISPATCHED.value, f.get("note"), {
        "lead": lead.code, "assist": [a.code for a in assists], "severity": case.severity,
        "category": case_category_code(case),
        "sign_by": _iso(case.sign_by), "resolve_by": _iso(case.resolve_by),
        **({"severity_from": corrected} if corrected is not None and ctx.user is not None else {})}


def _sign(case, ctx, now):
    row = department_row(case, ctx.user.department_id)
    row.signed_at = now
    data = {"department": row.department.code, "role": row.role, "in_time": case.sign_by is None or now <= case.sign_by}
    if row.role == "lead":
        case.signed_at = now
        return CaseStatus.ACCEPTED.value, ctx.fields.get("note"), data
    return case.status, ctx.fields.get("note"), data  # an assisting unit signs without moving the case


def _send_back(case, ctx, now):
    return CaseStatus.RETURNED.value, ctx.fields.get("note"), {
        "reason": ctx.fields["reason"], "department": ctx.user.department.code if ctx.user.department else None}


def _rule_send_back(case, ctx, now):
    f = ctx.fields
    if f["decision"] == "redispatch":
        lead, assists = _departments(f["lead"], f.get("assist") or [])
        _assign(case, lead, assists, now)
    else:  # the original dispatch stands (退单不予认可): the same departments sign again
        _restart(case, now)
    lead_code = next((r.department.code for r in case.departments if r.role == "lead"), None)
    data = {"decision": f["decision"], "lead": lead_code,
            "assist": [r.department.code for r in case.departments if r.role == "assist"],
            "sign_by": _iso(case.sign_by), "resolve_by": _iso(case.resolve_by)}
    return CaseStatus.DISPATCHED.value, f.get("note"), data


def _extend_request(case, ctx, now):
    f = ctx.fields
    base = case.resolve_by or now
    until = f.get("resolve_by") or add_working_days(base, f["days"])
    if until <= base:
        raise Invalid(errors={"resolve_by": ["The new deadline must be later than the current one."]})
    if until > base + timedelta(days=MAX_EXTENSION_DAYS):
        raise Invalid(errors={"resolve_by": [f"An extension may add at most {MAX_EXTENSION_DAYS} days."]})
    case.pending_resolve_by = until
    return CaseStatus.EXTENSION_REQUESTED.value, f.get("note"), {
        "reason": f["reason"], "current_resolve_by": _iso(case.resolve_by), "requested_resolve_by": _iso(until)}


def _extend_decide(case, ctx, now):
    approve = ctx.fields["approve"]
    data = {"approve": approve, "previous_resolve_by": _iso(case.resolve_by),
            "requested_resolve_by": _iso(case.pending_resolve_by)}
    if approve and case.pending_resolve_by is not None:
        case.resolve_by = case.pending_resolve_by
        case.resolve_escalated_at = None
    case.pending_resolve_by = None
    data["resolve_by"] = _iso(case.resolve_by)
    return CaseStatus.IN_PROGRESS.value, ctx.fields.get("note"), data


def _start(case, ctx, now):
    return CaseStatus.IN_PROGRESS.value, ctx.fields.get("note"), {}


def _feedback(case, ctx, now):
    f = ctx.fields
    completed = f.get("completed_at") or now
    case.feedback_at = now
    case.verified_at = case.verified_by_id = None  # a new feedback needs a new verification
    data = {"personnel": f.get("personnel"), "equipment": f.get("equipment"), "measures": f["measures"],
            "result": f["result"], "completed_at": _iso(completed),
            "on_time": case.resolve_by is None or now <= case.resolve_by}
    if (f.get("public_reply") or "").strip():  # written for the public: the event shows it (case_log.public_reply)
        data["public_reply"] = f["public_reply"].strip()
    return CaseStatus.FEEDBACK_SUBMITTED.value, f.get("note"), data


def _verify(case, ctx, now):
    passed = ctx.fields.get("passed", True)
    if passed:
        case.verified_at, case.verified_by_id = now, ctx.user.id
    return case.status, ctx.fields.get("note"), {"passed": passed}


def _waive_verification(case, ctx, now):
    case.verified_at, case.verified_by_id = now, ctx.user.id  # closing may go on; the event says it was waived
    reason = ctx.fields["reason"].strip()
    return case.status, reason, {"waived": True, "reason": reason}


def _close(case, ctx, now):
    case.closed_at = now
    store_vector(case)  # the case library (案例库) compares it with later cases
    return CaseStatus.CLOSED.value, ctx.fields.get("note"), {"verified_at": _iso(case.verified_at)}


def _reopen(case, ctx, now, ruling: str | None = None):
    case.closed_at = None
    case.verified_at = case.verified_by_id = None
    case.rating_review = False
    case.reopen_count = (case.reopen_count or 0) + 1
    case.resolve_by = case_deadlines(current_taxonomy(), case.severity, now)[1]
    case.resolve_escalated_at = None
    data = {"reason": ctx.fields["reason"], "resolve_by": _iso(case.resolve_by)}
    if ruling:
        data["ruling"] = ruling
    return CaseStatus.REOPENED.value, ctx.fields.get("note"), data


def _rule_rating(case, ctx, now):
    if ctx.fields["decision"] == "reopen":
        ctx.fields.setdefault("reason", ctx.fields.get("note") or "reporter dissatisfied")
        return _reopen(case, ctx, now, ruling="dissatisfied_rating")
    case.rating_review = False
    return CaseStatus.CLOSED.value, ctx.fields.get("note"), {"decision": "uphold"}


def _escalate(case, ctx, now):
    reason = ctx.fields.get("reason") or "manual"
    if reason == "sign_overdue":
        case.sign_escalated_at = now
    elif reason == "resolve_overdue":
        case.resolve_escalated_at = now
    return CaseStatus.ESCALATED.value, ctx.fields.get("note"), {
        "reason": reason, "sign_by": _iso(case.sign_by), "resolve_by": _iso(case.resolve_by)}


def _merge(case, ctx, now):
    target = db.session.get(Case, ctx.fields["into"])
    if target is None or target.id == case.id:
        raise Invalid(errors={"into": ["No such other case."]})
    if target.status in FINISHED:
        raise invalid_transition(f"cannot merge into a case that is {target.status}",
                                 f"目标案件状态为“{STATUS_ZH[CaseStatus(target.status)]}”，不能并入")
    moved = list(db.session.execute(db.select(Report).where(Report.case_id == case.id)).scalars())
    for report in moved:
        report.case_id = target.id
    case.merged_into_id = target.id
    append_event(target, "merge_in", target.status, actor_id=ctx.user.id if ctx.user else None,
                 note=ctx.fields.get("note"), data={"from_case": case.number, "reports": [r.id for r in moved]})
    return CaseStatus.MERGED.value, ctx.fields.get("note"), {"into": target.number, "reports": [r.id for r in moved]}


HANDLERS = {
    "dispatch": _dispatch, "sign": _sign, "send_back": _send_back, "rule_send_back": _rule_send_back,
    "extend_request": _extend_request, "extend_decide": _extend_decide, "start": _start, "feedback": _feedback,
    "verify": _verify, "waive_verification": _waive_verification, "close": _close, "reopen": _reopen, "rule_rating": _rule_rating, "escalate": _escalate,
    "merge": _merge, "regrade": regrade,
}
ACTIONS = tuple(HANDLERS)
