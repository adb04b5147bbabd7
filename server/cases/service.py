"""Applying lifecycle actions to a case: who may, from which state, with what effect (留痕 in every step)."""
from dataclasses import dataclass, field

from triage.lifecycle import ACTION_ZH, FINISHED, OPEN_AT_DEPARTMENT, ROLES, STATUS_ZH, CaseStatus, TransitionError, next_status

from server.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from server.cases.log import append_event, lock_case, lock_cases
from server.extensions import db
from server.models import Case, CaseEvent, Report, Role, User, utcnow
from server.cases.attachments import store_uploads
from server.media.uploads import Upload
from server.cases.effects import ACTIONS, HANDLERS, department_row, invalid_transition
from server.cases.queries import can_view_case
from server.cases.verification import awaiting_verification, may_verify
from server.models import CaseRating

# Actions the server adds around triage's state machine (they do not change the status, or rule on a flag).
EXTRA_ROLES = {"verify": frozenset({Role.GRID_WORKER.value, Role.SUPERVISOR.value}),
               "waive_verification": frozenset({Role.SUPERVISOR.value}),
               "rule_rating": frozenset({Role.SUPERVISOR.value}),
               "regrade": frozenset({Role.SUPERVISOR.value})}
EXTRA_ZH = {"verify": "核查", "waive_verification": "免核查", "rule_rating": "不满意裁定",
            "merge_in": "并入案件", "rate": "评价", "create": "受理",
            "report_joined": "同一隐患再次上报", "regrade": "调整等级"}
# Department actions only the lead department (主办) takes; ``sign`` is for every department on the case.
LEAD_ONLY = {"send_back", "extend_request", "start", "feedback"}
# Where a department still holds the case (an assisting unit may sign for it then).


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
        raise NotFound(f"No action {action!r}.")
    if ctx.role not in roles:
        raise Forbidden(f"A {ctx.role} may not {action} a case.",
                        {"role": [f"“{action_zh(action)}”仅限：{'、'.join(sorted(roles))}"]})
    if ctx.role == Role.DEPT_STAFF.value:
        dept_role = _department_role(case, ctx.user)
        if dept_role is None:
            raise Forbidden("Your department is not on this case.", {"department": ["本部门不在该案件的承办单位中"]})
        if action in LEAD_ONLY and dept_role != "lead":
            raise Forbidden(f"Only the lead department may {action} this case.",
                            {"department": [f"“{action_zh(action)}”仅限主办单位"]})
    if action in ("verify", "waive_verification") and not may_verify(case, ctx.user):
        raise Forbidden("Verification falls to the grid worker of the case's grid, else of its community or street, "
                        "else to a supervisor.", {"grid": ["仅限本网格网格员核查；本网格无网格员时依次由同社区、同街道网格员核查，"
                                                           "均无时由指挥中心核查或免核查"]})


def may(case: Case, action: str, user: User | None) -> bool:
    """Whether the user could take the action now (for ``allowed_actions``)."""
    ctx = Context(user)
    try:
        authorize(case, action, ctx)
        _precheck(case, action, ctx)
    except DomainError:
        return False
    return True


def _precheck(case: Case, action: str, ctx: Context) -> None:
    """The state check, including the server's extra rules; raises 409."""
    if action == "sign" and _department_role(case, ctx.user) == "assist":
        row = department_row(case, ctx.user.department_id)
        if CaseStatus(case.status) not in OPEN_AT_DEPARTMENT or row.signed_at is not None:
            raise invalid_transition(f"cannot sign a case that is {case.status} (or already signed)",
                                     f"案件当前状态为“{STATUS_ZH[CaseStatus(case.status)]}”或本部门已签收，不能签收")
        return
    if action in ("verify", "waive_verification"):
        waiting = awaiting_verification(case) if action == "waive_verification" else \
            case.status == CaseStatus.FEEDBACK_SUBMITTED.value
        if not waiting:
            raise invalid_transition("a case is verified after the department's feedback",
                                     "案件须在部门处置反馈后核查")
        return
    if action == "regrade":  # a supervisor corrects the level of a case still being handled
        if CaseStatus(case.status) in FINISHED:
            raise invalid_transition(f"cannot regrade a case that is {case.status}",
                                     f"案件当前状态为“{STATUS_ZH[CaseStatus(case.status)]}”，不能调整等级")
        return
    if action == "rule_rating":
        if case.status != CaseStatus.CLOSED.value or not case.rating_review:
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


def case_for_action(user: User | None, case_id: int, action: str | None = None, fields: dict | None = None) -> Case:
    """The case an action is about, locked until the commit; 404 when it does not exist or the user may not see it
    (whatever the action: a case outside one's scope is not confirmed by a 403). A merge also locks the case it goes
    into, both in ascending id order (``lock_cases``), so that opposite merges cannot deadlock."""
    ids = {case_id}
    if action == "merge" and isinstance((fields or {}).get("into"), int):
        ids.add(fields["into"])
    case = lock_cases(ids).get(case_id)
    if case is None or (user is not None and not can_view_case(user, case)):
        raise NotFound(f"No case {case_id} that you may see.")
    return case


def apply_action(case: Case, action: str, ctx: Context, *, commit: bool = True) -> CaseEvent:
    """Authorize, check the state, apply the effect and append the hash-chained event; commits unless told not to
    (the pipeline commits a report's case with the report). ``Context(None)`` is the system (automatic dispatch,
    scheduled escalation): it may take the actions ``triage.lifecycle.ROLES`` allows ``system``."""
    authorize(case, action, ctx)
    _precheck(case, action, ctx)
    handler = HANDLERS[action]
    if action == "verify" and not any(u.field == "photos" for u in ctx.uploads):
        raise Invalid(errors={"photos": ["Verification (核查) needs at least one photo taken on site."]})
    if action in ("waive_verification", "regrade") and not (ctx.fields.get("reason") or "").strip():
        raise Invalid(errors={"reason": [f"{action_zh(action)}须填写原因"]})
    attachments = store_uploads(case, ctx.uploads, ctx.user) if ctx.uploads else []
    for row in attachments:
        db.session.add(row)
    db.session.flush()
    to_status, note, data = handler(case, ctx, utcnow())
    if attachments:
        data["attachments"] = [{"id": a.id, "kind": a.kind, "sha256": a.sha256} for a in attachments]
    event = append_event(case, action, to_status, actor_id=ctx.user.id if ctx.user else None, note=note, data=data)
    if commit:
        db.session.commit()
    return event


def record(case: Case, action: str, *, actor: User | None = None, note: str | None = None, data: dict | None = None,
           to_status: str | None = None) -> CaseEvent:
    """Record a step that is not a lifecycle transition (the status stays unless ``to_status`` says otherwise): a
    case opened, a report joining it, a regrade, a plan, a rating. The system path beside ``apply_action``: the same
    event log, the same ``case_event`` subscribers (notifications, webhooks). The caller commits."""
    return append_event(case, action, case.status if to_status is None else to_status,
                        actor_id=actor.id if actor is not None else None, note=note, data=data)



def allowed_for(case: Case, user: User | None) -> list[str]:
    """The actions this user could take on the case now."""
    return [a for a in ACTIONS if may(case, a, user)]


RATINGS = {"satisfied": "满意", "basically_satisfied": "基本满意", "dissatisfied": "不满意"}


def rate_report(report: Report, user: User, rating: str, comment: str | None):
    """The reporter rates the handling of a closed case; dissatisfied puts it before a supervisor. Commits."""
    if report.reporter_id != user.id:
        raise Forbidden("Only the reporter may rate the handling of their report.")
    case = lock_case(report.case_id) if report.case_id else None
    if case is None or case.status != CaseStatus.CLOSED.value:
        raise invalid_transition("a report is rated after its case is closed", "案件办结后方可评价")
    if db.session.execute(db.select(CaseRating).where(CaseRating.report_id == report.id)).scalar_one_or_none():
        raise Conflict("This report has already been rated.", {"rating": ["已评价"]}, code="already_rated")
    row = CaseRating(case_id=case.id, report_id=report.id, rater_id=user.id, rating=rating, comment=comment)
    db.session.add(row)
    if rating == "dissatisfied":
        case.rating_review = True  # before a supervisor (notifications.case_events tells them)
    record(case, "rate", actor=user, note=comment, data={"report_id": report.id, "rating": rating})
    db.session.commit()
    return row
