"""Who is told what when a case event is recorded: the subscriber of ``events.case_event`` for in-app notices.

One place for every case notification, whoever took the step (a person, the pipeline or the scheduler): the same
action gives the same notice. The one who took the step is not told.
"""
from triage.lifecycle import CaseStatus

from server.events import case_event
from server.extensions import db
from server.models import Case, CaseEvent, Department, PlanActivation
from server.notifications.service import notify_departments, notify_supervisors
from server.web.localtime import format_city


def _plan_task_done(case: Case, event: CaseEvent, who: int | None) -> None:
    data = event.data
    if not data["plan_completed"]:
        name = db.session.execute(db.select(Department.name).where(Department.code == data["department"])).scalar()
        notify_supervisors(case, "plan_task_done", f"案件 {case.number}：{name}已完成预案任务"
                           f"（{data['done']}/{data['total']}）。", skip=who)
        return
    activation = db.session.get(PlanActivation, data["activation_id"])
    message = f"案件 {case.number} 的“{activation.name}”各部门任务已全部完成。"
    notify_supervisors(case, "plan_completed", message, skip=who)
    notify_departments(case, "plan_completed", message, skip=who,
                       department_ids=[t.department_id for t in activation.tasks])


def _plan_activated(case: Case, event: CaseEvent, who: int | None) -> None:
    codes = [t["department"] for t in event.data["tasks"]]
    ids = dict(db.session.execute(db.select(Department.code, Department.id).where(Department.code.in_(codes))).all())
    notify_departments(case, "plan_activated", f"案件 {case.number} 已启动“{event.data['plan']}”，请按预案落实本部门任务。",
                       skip=who, department_ids=[ids[c] for c in codes])


def on_case_event(case: Case, event: CaseEvent) -> None:
    """Tell the people who act next (rows added to the event's transaction)."""
    action, data, who, num = event.action, event.data or {}, event.actor_id, case.number
    if action in ("dispatch", "rule_send_back"):
        notify_departments(case, "dispatched", f"新案件 {num} 已派发，请在时限内签收。", skip=who)
    elif action == "send_back":
        notify_supervisors(case, "send_back", f"案件 {num} 被退单：{data['reason']}", skip=who)
    elif action == "extend_request":
        until = format_city(data["requested_resolve_by"])  # the city's time, as people read it
        notify_supervisors(case, "extension", f"案件 {num} 申请延期至 {until}。", skip=who)
    elif action == "extend_decide":
        verdict = "已批准" if data["approve"] else "未批准"
        notify_departments(case, "extension_decided", f"案件 {num} 的延期申请{verdict}。", skip=who)
    elif action == "feedback":
        notify_supervisors(case, "feedback", f"案件 {num} 已提交处置反馈，待审核。", skip=who)
    elif action == "verify":
        notify_supervisors(case, "verified", f"案件 {num} 网格员核查{'通过' if data['passed'] else '未通过'}。", skip=who)
    elif action in ("reopen", "rule_rating") and event.to_status == CaseStatus.REOPENED.value:
        notify_departments(case, "reopened", f"案件 {num} 已重启，请重新处置。", skip=who)
    elif action == "close":
        notify_departments(case, "closed", f"案件 {num} 已办结。", skip=who)
    elif action == "escalate":
        message = f"案件 {num} 已超时，被督办（{data['reason']}）。"
        notify_departments(case, "escalated", message, skip=who)
        notify_supervisors(case, "escalated", message, skip=who)
    elif action == "rate" and data.get("rating") == "dissatisfied":
        notify_supervisors(case, "dissatisfied", f"案件 {num} 的报告人不满意，请裁定是否重启。", skip=who)
    elif action == "activate_plan":
        _plan_activated(case, event, who)
    elif action == "plan_task_done":
        _plan_task_done(case, event, who)


def init_app(app) -> None:
    """Subscribe to case events (blinker keeps one connection however many apps are made)."""
    case_event.connect(on_case_event)
