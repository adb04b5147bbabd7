"""Emergency plans (数字应急预案): which plan fits a case, activating it (one task per department, 留痕 as a
case event), departments completing their tasks, and the plan as the case shows it."""
import json
from pathlib import Path

from triage.lifecycle import STATUS_ZH, CaseStatus

from server.errors import Conflict, Forbidden, Invalid, NotFound
from server.extensions import db
from server.models import Case, CaseDepartment, Department, EmergencyPlan, PlanActivation, PlanTask, Role, User, utcnow
from server.cases import service
from server.cases.queries import OPEN_AT_DEPARTMENT
from server.taxonomy.source import current_taxonomy

SHIPPED = Path(__file__).parent / "data" / "plans.json"
LEVEL_ZH = {1: "Ⅰ级", 2: "Ⅱ级", 3: "Ⅲ级", 4: "Ⅳ级"}
# A plan is not activated on a case nobody holds yet, or one that is over.
NOT_ACTIVATABLE = {CaseStatus.RECEIVED.value: "案件尚未派发，请先派发再启动预案",
                   CaseStatus.CLOSED.value: "案件已办结，不能启动预案",
                   CaseStatus.MERGED.value: "案件已合并，不能启动预案"}
# Where a department still holds the case, so that its plan task may be marked done (not once the case is sent back,
# closed or merged, nor after the department has been taken off it).
HOLDING = (*OPEN_AT_DEPARTMENT, CaseStatus.FEEDBACK_SUBMITTED.value)
ZH = {"activate_plan": "启动应急预案", "plan_task_done": "预案任务完成"}
service.EXTRA_ZH.update(ZH)  # the event log shows these actions in Chinese


def shipped_plans() -> list[dict]:
    """The plans shipped with the platform."""
    return json.loads(SHIPPED.read_text(encoding="utf-8"))["plans"]


def _as_dict(row: EmergencyPlan) -> dict:
    return {"category": row.category_code, "level": row.level, "name": row.name, "departments": row.departments,
            "active": row.active}


def all_plans() -> tuple[list[dict], str]:
    """Every plan, and where they come from: ``edited`` (the table) or ``shipped`` (the table is empty)."""
    rows = list(db.session.execute(db.select(EmergencyPlan).order_by(EmergencyPlan.category_code,
                                                                     EmergencyPlan.level)).scalars())
    if rows:
        return [_as_dict(r) for r in rows], "edited"
    plans = sorted(shipped_plans(), key=lambda p: (p["category"], p["level"]))
    return [{**p, "active": p.get("active", True)} for p in plans], "shipped"


def validate_plans(plans: list[dict]) -> dict:
    """Errors by field for a set of plans (unknown categories or departments, one lead, no duplicates)."""
    taxonomy = current_taxonomy()
    departments = set(db.session.execute(db.select(Department.code).where(Department.active.is_(True))).scalars())
    errors, seen = {}, set()
    for i, plan in enumerate(plans):
        problems = []
        if taxonomy.subcategory(plan["category"]) is None:
            problems.append(f"unknown category {plan['category']!r}")
        if (plan["category"], plan["level"]) in seen:
            problems.append(f"a second plan for {plan['category']} at level {plan['level']}")
        seen.add((plan["category"], plan["level"]))
        codes = [d["department"] for d in plan["departments"]]
        unknown = [c for c in codes if c not in departments]
        if unknown:
            problems.append(f"unknown department(s): {', '.join(unknown)}")
        if len(set(codes)) != len(codes):
            problems.append("a department appears twice")
        if [d["role"] for d in plan["departments"]].count("lead") != 1:
            problems.append("exactly one department leads (role lead)")
        if problems:
            errors[f"plans.{i}"] = problems
    return errors


def replace_plans(plans: list[dict], user: User) -> list[dict]:
    """Store the admin's plans in place of all others (activations keep their snapshot). Commits."""
    errors = validate_plans(plans)
    if errors:
        raise Invalid(errors=errors)
    db.session.execute(db.delete(EmergencyPlan))
    for plan in plans:
        db.session.add(EmergencyPlan(category_code=plan["category"], level=plan["level"], name=plan["name"],
                                     departments=plan["departments"], active=plan.get("active", True),
                                     updated_by_id=user.id))
    db.session.commit()
    return all_plans()[0]


def plan_for(category_code: str | None, severity: int, level: int | None = None) -> dict | None:
    """The plan for a case: at the given level, else the least serious plan at least as serious as the case
    (a level-III case with plans at I and III gets III, a level-II case gets I), else the most serious one."""
    candidates = [p for p in all_plans()[0] if p["category"] == category_code and p.get("active", True)]
    if level is not None:
        return next((p for p in candidates if p["level"] == level), None)
    covering = [p for p in candidates if p["level"] <= severity]
    if covering:
        return max(covering, key=lambda p: p["level"])
    return min(candidates, key=lambda p: p["level"]) if candidates else None


def current_activation(case: Case) -> PlanActivation | None:
    """The case's latest plan activation."""
    return db.session.execute(db.select(PlanActivation).where(PlanActivation.case_id == case.id)
                              .order_by(PlanActivation.id.desc()).limit(1)).scalar_one_or_none()


def _conflict(code: str, message: str, message_zh: str) -> Conflict:
    return Conflict(message, {"plan": [message_zh]}, code=code)


def activate_plan(case: Case, user: User, level: int | None = None, note: str | None = None) -> PlanActivation:
    """A supervisor activates the case's plan: one task per department of the plan (departments not yet on the
    case join it as 协办), a hash-chained event, notices to the departments. Commits."""
    if user.role != Role.SUPERVISOR.value:
        raise Forbidden("Only supervisors activate emergency plans.", {"role": ["“启动应急预案”仅限：supervisor"]})
    if case.status in NOT_ACTIVATABLE:
        raise _conflict("invalid_transition", f"cannot activate a plan on a case that is {case.status}",
                        NOT_ACTIVATABLE[case.status])
    active = current_activation(case)
    if active is not None and active.completed_at is None:
        raise _conflict("plan_active", "A plan is already active on this case.", f"该案件已启动“{active.name}”，尚未完成")
    category = case.category.code if case.category else None
    plan = plan_for(category, case.severity, level)
    if plan is None:
        raise _conflict("no_plan", f"No emergency plan for {category or 'this case'}"
                        + (f" at level {level}" if level else "") + ".", "该类别（级别）没有应急预案")
    codes = [d["department"] for d in plan["departments"]]
    found = {d.code: d for d in db.session.execute(db.select(Department).where(Department.code.in_(codes))).scalars()}
    missing = [c for c in codes if c not in found]
    if missing:
        raise _conflict("no_plan", f"The plan names unknown departments: {', '.join(missing)}.", "预案中的部门不存在")
    now = utcnow()
    activation = PlanActivation(case_id=case.id, category_code=plan["category"], level=plan["level"],
                                name=plan["name"], activated_by_id=user.id, activated_at=now)
    on_case = set(case.department_ids())
    joined = []
    for item in plan["departments"]:
        dept = found[item["department"]]
        activation.tasks.append(PlanTask(case_id=case.id, department_id=dept.id, department=dept, role=item["role"],
                                         duties=list(item["tasks"])))
        if dept.id not in on_case:
            case.departments.append(CaseDepartment(department_id=dept.id, department=dept, role="assist",
                                                   assigned_at=now))
            joined.append(dept.code)
    db.session.add(activation)
    db.session.flush()
    data = {"activation_id": activation.id, "plan": plan["name"], "category": plan["category"],
            "level": plan["level"], "joined": joined,
            "tasks": [{"id": t.id, "department": t.department.code, "role": t.role, "duties": t.duties}
                      for t in activation.tasks]}
    service.record(case, "activate_plan", actor=user, note=note, data=data)  # the departments are told
    db.session.commit()
    return activation


def complete_task(case: Case, task_id: int, user: User, note: str | None = None) -> PlanTask:
    """A department marks its own task done, with a note; the last one completes the plan. Commits."""
    task = db.session.get(PlanTask, task_id)
    if task is None or task.case_id != case.id:
        raise NotFound(f"No plan task {task_id} on this case.")
    if user.role != Role.DEPT_STAFF.value or user.department_id != task.department_id:
        raise Forbidden("Only the department a plan task belongs to may mark it done.",
                        {"department": ["仅限任务所属部门完成该任务"]})
    if task.done_at is not None:
        raise _conflict("task_done", "This task is already done.", "该任务已完成")
    if task.department_id not in case.department_ids() or case.status not in HOLDING:
        raise _conflict("not_held", f"Your department no longer holds this case (it is {case.status}).",
                        f"本部门已不再承办该案件（当前状态：{STATUS_ZH.get(CaseStatus(case.status), case.status)}），"
                        "不能完成预案任务")
    activation = task.activation
    if activation.completed_at is not None:
        raise _conflict("plan_completed", "This plan is already completed.", "该预案已完成")
    now = utcnow()
    task.done_at, task.done_by_id, task.note = now, user.id, note
    open_tasks = [t for t in activation.tasks if t.done_at is None]
    if not open_tasks:
        activation.completed_at = now
    data = {"activation_id": activation.id, "task_id": task.id, "department": task.department.code,
            "done": len(activation.tasks) - len(open_tasks), "total": len(activation.tasks),
            "plan_completed": not open_tasks}
    service.record(case, "plan_task_done", actor=user, note=note, data=data)  # supervisors (and all, once done) told
    db.session.commit()
    return task


def _who(user_id: int | None, users: dict) -> dict | None:
    user = users.get(user_id)
    return {"id": user.id, "name": user.display_name or user.username} if user else None


def present_plan(case: Case, viewer: User | None = None) -> dict | None:
    """The case's latest plan with every department's task and the progress (None when no plan was activated)."""
    activation = current_activation(case)
    if activation is None:
        return None
    ids = {activation.activated_by_id, *(t.done_by_id for t in activation.tasks)} - {None}
    users = {u.id: u for u in db.session.execute(db.select(User).where(User.id.in_(ids))).scalars()} if ids else {}
    tasks = sorted(activation.tasks, key=lambda t: (t.role != "lead", t.id))
    done = sum(t.done_at is not None for t in tasks)
    mine = viewer is not None and viewer.role == Role.DEPT_STAFF.value
    return {
        "id": activation.id, "name": activation.name, "category": activation.category_code,
        "level": activation.level, "level_zh": LEVEL_ZH.get(activation.level),
        "activated_at": activation.activated_at, "activated_by": _who(activation.activated_by_id, users),
        "completed_at": activation.completed_at, "done": done, "total": len(tasks),
        "progress": round(done / len(tasks), 3) if tasks else 1.0,
        "tasks": [{"id": t.id, "department": {"code": t.department.code, "name": t.department.name}, "role": t.role,
                   "duties": t.duties, "done": t.done_at is not None, "done_at": t.done_at,
                   "done_by": _who(t.done_by_id, users), "note": t.note,
                   "may_complete": mine and t.done_at is None and viewer.department_id == t.department_id}
                  for t in tasks],
    }
