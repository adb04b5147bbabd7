"""Who is told what when a case event is recorded: the subscriber of ``events.case_event`` for notices.

One place for every case notification, whoever took the step (a person, the pipeline or the scheduler): the same
action gives the same notice, once. The one who took the step is not told. Residents hear of their report's way
(accepted or joined, dispatched, handled, closed with the request to rate); grid workers of a verification that
waits for them (also one that falls to them from a grid without its own worker); staff of a case that arrives, is
reopened, escalated (and, from ``deadlines.py``, nears a deadline); supervisors of what waits for them. A
supervisor's waiver of verification tells nobody: the resident hears of the closing. The supporters of the case's
reports (我也遇到了) hear of its dispatch, handling, closing and reopening in their own words, after everyone else
and only if not told of the same event already (one notice per person and event); they are not asked to rate.
"""
from triage.lifecycle import CaseStatus

from server.cases.verification import case_grid, verifiers
from server.events import case_event
from server.extensions import db
from server.models import Case, CaseEvent, Department, PlanActivation, Report, User
from server.notifications import outbound  # noqa: F401 - its after_commit hook sends the deliveries
from server.notifications.service import TOLD, department_staff, supervisors, tell, tell_reporters, tell_supporters
from server.notifications.texts import ESCALATION_REASONS
from server.web.localtime import format_city


def _departments(case: Case, ids=None) -> list:
    return department_staff(case.department_ids() if ids is None else ids)


def _lead_name(case: Case) -> tuple[str, str]:
    lead = next((d.department for d in case.departments if d.role == "lead"), None)
    if lead is None:
        return "承办部门", "the responsible department"
    return lead.name, lead.name_en or lead.name


def _plan_task_done(case: Case, event: CaseEvent, who: int | None) -> None:
    data = event.data
    if not data["plan_completed"]:
        dept = db.session.execute(db.select(Department).where(Department.code == data["department"])).scalar()
        tell(supervisors(), case, "plan_task_done", skip=who, dept=dept.name, dept_en=dept.name_en or dept.name,
             done=data["done"], total=data["total"])
        return
    activation = db.session.get(PlanActivation, data["activation_id"])
    tell(supervisors(), case, "plan_completed", skip=who, plan=activation.name)
    tell(_departments(case, [t.department_id for t in activation.tasks]), case, "plan_completed", skip=who,
         plan=activation.name)


def _plan_activated(case: Case, event: CaseEvent, who: int | None) -> None:
    codes = [t["department"] for t in event.data["tasks"]]
    ids = dict(db.session.execute(db.select(Department.code, Department.id).where(Department.code.in_(codes))).all())
    tell(_departments(case, [ids[c] for c in codes]), case, "plan_activated", skip=who, plan=event.data["plan"])


def _feedback(case: Case, who: int | None, time: str) -> None:
    """Handled: the reporters hear of it, the verifiers (grid workers, else supervisors) are asked to verify."""
    tell_reporters(case, "report_handled", skip=who, time=time)
    grid = case_grid(case)
    level, workers = verifiers(grid)
    if level is None:
        tell(supervisors(), case, "feedback_no_grid", skip=who)
    elif level == "supervisor":
        tell(supervisors(), case, "verify_supervisor", skip=who)
    else:
        name = grid.name
        own = [w for w in workers if w.grid_id == grid.id]
        tell(own, case, "verify_waiting", skip=who, grid=name)
        tell([w for w in workers if w.grid_id != grid.id], case, "verify_fallback", skip=who, grid=name)
        tell(supervisors(), case, "feedback", skip=who)
    tell_supporters(case, "support_handled", skip=who, time=time)


def _tell_report_person(case: Case, kind: str, report_id: int, who: int | None, time: str) -> None:
    """``tell_reporters`` for one report, which the pipeline holds in the session: its person (an active account)
    read by id, most often from the session itself, instead of a query over the reports."""
    report = db.session.get(Report, report_id)
    user = db.session.get(User, report.reporter_id) if report is not None and report.reporter_id else None
    if user is None or not user.active or user.deleted_at is not None:
        return
    tell([user], case, kind, skip=who, report_ids={user.id: report_id}, time=time)


def _created(case: Case, data: dict, who: int | None, time: str) -> None:
    _tell_report_person(case, "report_accepted", data["report_id"], who, time)
    if case.needs_manual_dispatch:
        tell(supervisors(), case, "manual_dispatch", skip=who)


def on_case_event(case: Case, event: CaseEvent) -> None:
    """Tell the people who act next, the reporters and the supporters (rows added to the event's transaction)."""
    db.session.info[TOLD] = set()  # who is told of this event (service.notify adds them)
    try:
        _tell_of(case, event)
    finally:
        db.session.info.pop(TOLD, None)


def _tell_of(case: Case, event: CaseEvent) -> None:
    action, data, who = event.action, event.data or {}, event.actor_id
    time = format_city(event.created_at)  # the city's time, as people read it
    if action == "create":
        _created(case, data, who, time)
    elif action == "report_joined":
        _tell_report_person(case, "report_joined", data["report_id"], who, time)
    elif action == "merge_in":
        tell_reporters(case, "report_joined", skip=who, report_ids=data.get("reports") or [], time=time)
    elif action in ("dispatch", "rule_send_back") and event.to_status == CaseStatus.DISPATCHED.value:
        tell(_departments(case), case, "dispatched", skip=who)
        if action == "dispatch":
            dept, dept_en = _lead_name(case)
            tell_reporters(case, "report_dispatched", skip=who, time=time, dept=dept, dept_en=dept_en)
            tell_supporters(case, "support_dispatched", skip=who, time=time, dept=dept, dept_en=dept_en)
    elif action == "send_back":
        tell(supervisors(), case, "send_back", skip=who, reason=data["reason"])
    elif action == "extend_request":
        tell(supervisors(), case, "extension", skip=who, until=format_city(data["requested_resolve_by"]))
    elif action == "extend_decide":
        tell(_departments(case), case, "extension_decided", skip=who, verdict="已批准" if data["approve"] else "未批准",
             verdict_en="approved" if data["approve"] else "refused")
    elif action == "feedback":
        _feedback(case, who, time)
    elif action == "verify":
        tell(supervisors(), case, "verified", skip=who, verdict="通过" if data["passed"] else "未通过",
             verdict_en="passed" if data["passed"] else "failed")
    elif action in ("reopen", "rule_rating") and event.to_status == CaseStatus.REOPENED.value:
        tell(_departments(case), case, "reopened", skip=who)
        tell_reporters(case, "report_reopened", skip=who, time=time)
        tell_supporters(case, "support_reopened", skip=who, time=time)
    elif action == "close":
        tell(_departments(case), case, "closed", skip=who)
        tell_reporters(case, "report_closed", skip=who, time=time)
        tell_supporters(case, "support_closed", skip=who, time=time)
    elif action == "escalate":
        reason, reason_en = _escalation_reason(data.get("reason"))
        tell(_departments(case), case, "escalated", skip=who, reason=reason, reason_en=reason_en)
        tell(supervisors(), case, "escalated", skip=who, reason=reason, reason_en=reason_en)
    elif action == "rate" and data.get("rating") == "dissatisfied":
        tell(supervisors(), case, "dissatisfied", skip=who)
    elif action == "activate_plan":
        _plan_activated(case, event, who)
    elif action == "plan_task_done":
        _plan_task_done(case, event, who)


def _escalation_reason(reason: str | None) -> tuple[str, str]:
    return ESCALATION_REASONS.get(reason or "manual", (reason, reason))


def init_app(app) -> None:
    """Subscribe to case events (blinker keeps one connection however many apps are made)."""
    case_event.connect(on_case_event)
