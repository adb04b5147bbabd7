"""Applying lifecycle actions to a case: who may, from which state, with what effect (留痕 in every step)."""
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from triage.lifecycle import ACTION_ZH, ROLES, STATUS_ZH, CaseStatus, TransitionError, next_status

from ..case_log import append_event
from ..errors import ApiError
from ..extensions import db
from ..models import Case, CaseDepartment, CaseEvent, Category, Department, Report, Role, User, utcnow
from ..taxonomy_source import current_taxonomy
from . import notifications as notes
from .attachments import Upload, store_uploads
from .deadlines import add_working_days, case_deadlines

S = CaseStatus
# Actions the server adds around triage's state machine (they do not change the status, or rule on a flag).
EXTRA_ROLES = {"verify": frozenset({Role.GRID_WORKER.value}), "rule_rating": frozenset({Role.SUPERVISOR.value})}
EXTRA_ZH = {"verify": "核查", "rule_rating": "不满意裁定", "merge_in": "并入案件", "rate": "评价", "create": "受理",
            "report_joined": "同一隐患再次上报", "regrade": "调整等级"}
# Department actions only the lead department (主办) takes; ``sign`` is for every department on the case.
LEAD_ONLY = {"send_back", "extend_request", "start", "feedback"}
# Where a department still holds the case (an assisting unit may sign for it then).
HELD = {S.DISPATCHED, S.ACCEPTED, S.IN_PROGRESS, S.EXTENSION_REQUESTED, S.REOPENED, S.ESCALATED}
MAX_EXTENSION_DAYS = 60


def action_zh(action: str) -> str:
    """The Chinese name of an action."""
    return ACTION_ZH.get(action) or EXTRA_ZH.get(action, action)


@dataclass
class Context:
    """Who acts (None: the system) and what they sent."""

    user: User | None
    fields: dict = field(default_factory=dict)
    uploads: list[Upload] = field(default_factory=list)

    @property
    def role(self) -> str:
        """The actor's role, ``system`` for the scheduler."""
        return self.user.role if self.user is not None else "system"


def invalid_transition(message: str, message_zh: str) -> ApiError:
    """409 in the one error shape; the Chinese text under ``errors.status``."""
    return ApiError(409, "invalid_transition", message, {"status": [message_zh]})


def _check_state(case: Case, action: str) -> CaseStatus:
    """The status after action, or 409."""
    try:
        return next_status(case.status, action)
    except TransitionError as exc:
        raise invalid_transition(str(exc), exc.message_zh) from None


def _department_role(case: Case, user: User | None) -> str | None:
    """lead / assist when the user's department is on the case."""
    if user is None or user.department_id is None:
        return None
    for row in case.departments:
        if row.department_id == user.department_id:
            return row.role
    return None


def has_grid(case: Case) -> bool:
    """Whether the case came from a grid (its origin report has one): then it needs the grid worker's 核查."""
    report = db.session.get(Report, case.origin_report_id)
    return report is not None and report.grid_id is not None


def authorize(case: Case, action: str, ctx: Context) -> None:
    """403 unless the actor's role (and department, or grid) may take this action on this case."""
    roles = EXTRA_ROLES.get(action) or ROLES.get(action)
    if roles is None:
        raise ApiError(404, "not_found", f"No action {action!r}.")
    if ctx.role not in roles:
        raise ApiError(403, "forbidden", f"A {ctx.role} may not {action} a case.",
                       {"role": [f"“{action_zh(action)}”仅限：{'、'.join(sorted(roles))}"]})
    if ctx.role == Role.DEPT_STAFF.value:
        dept_role = _department_role(case, ctx.user)
        if dept_role is None:
            raise ApiError(403, "forbidden", "Your department is not on this case.",
                           {"department": ["本部门不在该案件的承办单位中"]})
        if action in LEAD_ONLY and dept_role != "lead":
            raise ApiError(403, "forbidden", f"Only the lead department may {action} this case.",
                           {"department": [f"“{action_zh(action)}”仅限主办单位"]})
    if action == "verify":
        report = db.session.get(Report, case.origin_report_id)
        if report is None or report.grid_id is None or ctx.user.grid_id != report.grid_id:
            raise ApiError(403, "forbidden", "Only the grid worker of the case's grid may verify it.",
                           {"grid": ["仅限案件所在网格的网格员核查"]})


def may(case: Case, action: str, user: User | None) -> bool:
    """Whether the user could take the action now (for ``allowed_actions``)."""
    ctx = Context(user)
    try:
        authorize(case, action, ctx)
        _precheck(case, action, ctx)
    except ApiError:
        return False
    return True


def _precheck(case: Case, action: str, ctx: Context) -> None:
    """The state check, including the server's extra rules; raises 409."""
    if action == "sign" and _department_role(case, ctx.user) == "assist":
        row = _row(case, ctx.user.department_id)
        if S(case.status) not in HELD or row.signed_at is not None:
            raise invalid_transition(f"cannot sign a case that is {case.status} (or already signed)",
                                     f"案件当前状态为“{STATUS_ZH[S(case.status)]}”或本部门已签收，不能签收")
        return
    if action == "verify":
        if case.status != S.FEEDBACK_SUBMITTED.value:
            raise invalid_transition("a case is verified after the department's feedback",
                                     "案件须在部门处置反馈后核查")
        return
    if action == "rule_rating":
        if case.status != S.CLOSED.value or not case.rating_review:
            raise invalid_transition("no dissatisfied rating is waiting for a ruling on this case",
                                     "该案件没有待裁定的不满意评价")
        return
    _check_state(case, action)
    if action == "close" and has_grid(case) and case.verified_at is None:
        raise invalid_transition("the grid worker must verify the handling (核查) before the case closes",
                                 "该案件来自网格，须网格员核查通过后方可办结")
    if action == "extend_request" and case.resolve_by is not None and utcnow() >= case.resolve_by:
        raise invalid_transition("an extension must be asked for before the resolve-by deadline",
                                 "已超过办理时限，不能申请延期")


def _row(case: Case, department_id: int) -> CaseDepartment:
    """The case's row for a department."""
    return next(r for r in case.departments if r.department_id == department_id)


def _category(code: str) -> Category:
    """Look up an active subcategory by code; 422 on an unknown one."""
    found = db.session.execute(db.select(Category).where(Category.code == code, Category.active.is_(True))
                               ).scalar_one_or_none()
    if found is None:
        raise ApiError(422, "validation_error", "The request has invalid fields.",
                       {"category": [f"Unknown category: {code}"]})
    return found


def _departments(lead: str, assist: list[str]) -> tuple[Department, list[Department]]:
    """Look up department codes; 422 on unknown ones."""
    codes = [lead, *[a for a in assist if a != lead]]
    found = {d.code: d for d in db.session.execute(
        db.select(Department).where(Department.code.in_(codes), Department.active.is_(True))).scalars()}
    missing = [c for c in codes if c not in found]
    if missing:
        raise ApiError(422, "validation_error", "The request has invalid fields.",
                       {"lead" if lead in missing else "assist": [f"Unknown department(s): {', '.join(missing)}"]})
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


def apply_action(case: Case, action: str, ctx: Context) -> CaseEvent:
    """Authorize, check the state, apply the effect and append the hash-chained event; commits."""
    authorize(case, action, ctx)
    _precheck(case, action, ctx)
    handler = HANDLERS[action]
    if action == "verify" and not any(u.field == "photos" for u in ctx.uploads):
        raise ApiError(422, "validation_error", "The request has invalid fields.",
                       {"photos": ["Verification (核查) needs at least one photo taken on site."]})
    attachments = store_uploads(case, ctx.uploads, ctx.user) if ctx.uploads else []
    for row in attachments:
        db.session.add(row)
    db.session.flush()
    to_status, note, data = handler(case, ctx, utcnow())
    if attachments:
        data["attachments"] = [{"id": a.id, "kind": a.kind, "sha256": a.sha256} for a in attachments]
    event = append_event(case, action, to_status, actor_id=ctx.user.id if ctx.user else None, note=note, data=data)
    _notify(case, action, ctx, data)
    db.session.commit()
    return event


# --- the effects of each action: (case, ctx, now) -> (to_status, note, data) -------------------------

def _dispatch(case, ctx, now):
    f = ctx.fields
    if f.get("severity"):
        case.severity = f["severity"]
    if f.get("category"):
        case.category = _category(f["category"])
    lead, assists = _departments(f["lead"], f.get("assist") or [])
    _assign(case, lead, assists, now)
    case.needs_manual_dispatch = False
    return S.DISPATCHED.value, f.get("note"), {
        "lead": lead.code, "assist": [a.code for a in assists], "severity": case.severity,
        "category": case.category.code if case.category else None,
        "sign_by": _iso(case.sign_by), "resolve_by": _iso(case.resolve_by)}


def _sign(case, ctx, now):
    row = _row(case, ctx.user.department_id)
    row.signed_at = now
    data = {"department": row.department.code, "role": row.role, "in_time": case.sign_by is None or now <= case.sign_by}
    if row.role == "lead":
        case.signed_at = now
        return S.ACCEPTED.value, ctx.fields.get("note"), data
    return case.status, ctx.fields.get("note"), data  # an assisting unit signs without moving the case


def _send_back(case, ctx, now):
    return S.RETURNED.value, ctx.fields.get("note"), {
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
    return S.DISPATCHED.value, f.get("note"), data


def _extend_request(case, ctx, now):
    f = ctx.fields
    base = case.resolve_by or now
    until = f.get("resolve_by") or add_working_days(base, f["days"])
    if until <= base:
        raise ApiError(422, "validation_error", "The request has invalid fields.",
                       {"resolve_by": ["The new deadline must be later than the current one."]})
    if until > base + timedelta(days=MAX_EXTENSION_DAYS):
        raise ApiError(422, "validation_error", "The request has invalid fields.",
                       {"resolve_by": [f"An extension may add at most {MAX_EXTENSION_DAYS} days."]})
    case.pending_resolve_by = until
    return S.EXTENSION_REQUESTED.value, f.get("note"), {
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
    return S.IN_PROGRESS.value, ctx.fields.get("note"), data


def _start(case, ctx, now):
    return S.IN_PROGRESS.value, ctx.fields.get("note"), {}


def _feedback(case, ctx, now):
    f = ctx.fields
    completed = f.get("completed_at") or now
    case.feedback_at = now
    case.verified_at = case.verified_by_id = None  # a new feedback needs a new verification
    return S.FEEDBACK_SUBMITTED.value, f.get("note"), {
        "personnel": f.get("personnel"), "equipment": f.get("equipment"), "measures": f["measures"],
        "result": f["result"], "completed_at": _iso(completed),
        "on_time": case.resolve_by is None or now <= case.resolve_by}


def _verify(case, ctx, now):
    passed = ctx.fields.get("passed", True)
    if passed:
        case.verified_at, case.verified_by_id = now, ctx.user.id
    return case.status, ctx.fields.get("note"), {"passed": passed}


def _close(case, ctx, now):
    case.closed_at = now
    return S.CLOSED.value, ctx.fields.get("note"), {"verified_at": _iso(case.verified_at)}


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
    return S.REOPENED.value, ctx.fields.get("note"), data


def _rule_rating(case, ctx, now):
    if ctx.fields["decision"] == "reopen":
        ctx.fields.setdefault("reason", ctx.fields.get("note") or "reporter dissatisfied")
        return _reopen(case, ctx, now, ruling="dissatisfied_rating")
    case.rating_review = False
    return S.CLOSED.value, ctx.fields.get("note"), {"decision": "uphold"}


def _escalate(case, ctx, now):
    reason = ctx.fields.get("reason") or "manual"
    if reason == "sign_overdue":
        case.sign_escalated_at = now
    elif reason == "resolve_overdue":
        case.resolve_escalated_at = now
    return S.ESCALATED.value, ctx.fields.get("note"), {
        "reason": reason, "sign_by": _iso(case.sign_by), "resolve_by": _iso(case.resolve_by)}


def _merge(case, ctx, now):
    target = db.session.get(Case, ctx.fields["into"])
    if target is None or target.id == case.id:
        raise ApiError(422, "validation_error", "The request has invalid fields.", {"into": ["No such other case."]})
    if target.status in (S.MERGED.value, S.CLOSED.value):
        raise invalid_transition(f"cannot merge into a case that is {target.status}",
                                 f"目标案件状态为“{STATUS_ZH[S(target.status)]}”，不能并入")
    moved = list(db.session.execute(db.select(Report).where(Report.case_id == case.id)).scalars())
    for report in moved:
        report.case_id = target.id
    case.merged_into_id = target.id
    append_event(target, "merge_in", target.status, actor_id=ctx.user.id if ctx.user else None,
                 note=ctx.fields.get("note"), data={"from_case": case.number, "reports": [r.id for r in moved]})
    return S.MERGED.value, ctx.fields.get("note"), {"into": target.number, "reports": [r.id for r in moved]}


HANDLERS = {
    "dispatch": _dispatch, "sign": _sign, "send_back": _send_back, "rule_send_back": _rule_send_back,
    "extend_request": _extend_request, "extend_decide": _extend_decide, "start": _start, "feedback": _feedback,
    "verify": _verify, "close": _close, "reopen": _reopen, "rule_rating": _rule_rating, "escalate": _escalate,
    "merge": _merge,
}
ACTIONS = tuple(HANDLERS)


def _notify(case: Case, action: str, ctx: Context, data: dict) -> None:
    """Tell the people who act next."""
    who, num = ctx.user, case.number
    if action in ("dispatch", "rule_send_back"):
        notes.notify_departments(case, "dispatched", f"新案件 {num} 已派发，请在时限内签收。", skip=who)
    elif action == "send_back":
        notes.notify_supervisors(case, "send_back", f"案件 {num} 被退单：{data['reason']}", skip=who)
    elif action == "extend_request":
        notes.notify_supervisors(case, "extension", f"案件 {num} 申请延期至 {data['requested_resolve_by']}。", skip=who)
    elif action == "extend_decide":
        verdict = "已批准" if data["approve"] else "未批准"
        notes.notify_departments(case, "extension_decided", f"案件 {num} 的延期申请{verdict}。", skip=who)
    elif action == "feedback":
        notes.notify_supervisors(case, "feedback", f"案件 {num} 已提交处置反馈，待审核。", skip=who)
    elif action == "verify":
        notes.notify_supervisors(case, "verified", f"案件 {num} 网格员核查{'通过' if data['passed'] else '未通过'}。",
                                 skip=who)
    elif action in ("reopen", "rule_rating") and case.status == S.REOPENED.value:
        notes.notify_departments(case, "reopened", f"案件 {num} 已重启，请重新处置。", skip=who)
    elif action == "close":
        notes.notify_departments(case, "closed", f"案件 {num} 已办结。", skip=who)
    elif action == "escalate":
        message = f"案件 {num} 已超时，被督办（{data['reason']}）。"
        notes.notify_departments(case, "escalated", message, skip=who)
        notes.notify_supervisors(case, "escalated", message, skip=who)


def allowed_for(case: Case, user: User | None) -> list[str]:
    """The actions this user could take on the case now."""
    return [a for a in ACTIONS if may(case, a, user)]


RATINGS = {"satisfied": "满意", "basically_satisfied": "基本满意", "dissatisfied": "不满意"}


def rate_report(report: Report, user: User, rating: str, comment: str | None):
    """The reporter rates the handling of a closed case; dissatisfied puts it before a supervisor. Commits."""
    from ..models import CaseRating
    if report.reporter_id != user.id:
        raise ApiError(403, "forbidden", "Only the reporter may rate the handling of their report.")
    case = db.session.get(Case, report.case_id) if report.case_id else None
    if case is None or case.status != S.CLOSED.value:
        raise invalid_transition("a report is rated after its case is closed", "案件办结后方可评价")
    if db.session.execute(db.select(CaseRating).where(CaseRating.report_id == report.id)).scalar_one_or_none():
        raise ApiError(409, "already_rated", "This report has already been rated.", {"rating": ["已评价"]})
    row = CaseRating(case_id=case.id, report_id=report.id, rater_id=user.id, rating=rating, comment=comment)
    db.session.add(row)
    if rating == "dissatisfied":
        case.rating_review = True
        notes.notify_supervisors(case, "dissatisfied", f"案件 {case.number} 的报告人不满意，请裁定是否重启。")
    append_event(case, "rate", case.status, actor_id=user.id, note=comment,
                 data={"report_id": report.id, "rating": rating})
    db.session.commit()
    return row
