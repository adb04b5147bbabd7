"""Making a grid worker's daily tasks and recording their checklist answers."""
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError

from server.errors import Conflict, Invalid, NotFound
from server.extensions import db
from server.models import Report, User, utcnow
from server.models.patrols import ChecklistTemplate, ItemResult, PatrolItemResult, PatrolPlace, PatrolTask, TaskStatus

CITY_TZ = ZoneInfo("Asia/Shanghai")
# Days a grid worker may ask about: a year either side of today (anything else is a 422). Tasks are made only for
# days near today (yesterday, for a phone catching up after midnight, to a week ahead); other days show what exists.
QUERY_RANGE_DAYS = 366
MAKE_FROM_DAYS, MAKE_UNTIL_DAYS = -1, 7


def today() -> date:
    """The date in the city (patrol days follow local time, not UTC)."""
    return datetime.now(CITY_TZ).date()


def may_make_tasks(day: date) -> bool:
    """Whether asking for a day's tasks makes them (only for days near today)."""
    return MAKE_FROM_DAYS <= (day - today()).days <= MAKE_UNTIL_DAYS


def worker_grid(user: User) -> int:
    """The grid a worker patrols, or a 409 when none is assigned."""
    if user.grid_id is None:
        raise Conflict("You are not assigned to a grid; ask an admin.", {"grid": ["未分配网格"]}, code="no_grid")
    return user.grid_id


def _templates() -> dict[str, ChecklistTemplate]:
    rows = db.session.execute(db.select(ChecklistTemplate).where(ChecklistTemplate.active.is_(True))).scalars()
    return {t.place_type: t for t in rows}


def _tasks_of(user: User, day: date) -> list[PatrolTask]:
    return list(db.session.execute(db.select(PatrolTask).where(
        PatrolTask.worker_id == user.id, PatrolTask.due_date == day).order_by(PatrolTask.id)).scalars())


def ensure_tasks(user: User, day: date) -> list[PatrolTask]:
    """The worker's tasks for a day: one per active place of their grid with a checklist, made on first ask (for a
    day near today; for other days only those that exist)."""
    grid_id = worker_grid(user)
    tasks = _tasks_of(user, day)
    if not may_make_tasks(day):
        return tasks
    have = {t.place_id for t in tasks}
    places = db.session.execute(db.select(PatrolPlace).where(
        PatrolPlace.grid_id == grid_id, PatrolPlace.active.is_(True)).order_by(PatrolPlace.id)).scalars()
    templates = _templates()
    missing = [p for p in places if p.id not in have and p.place_type in templates]
    if not missing:
        return tasks
    for place in missing:
        db.session.add(PatrolTask(worker_id=user.id, grid_id=grid_id, place=place, due_date=day,
                                  items=list(templates[place.place_type].items), status=TaskStatus.PENDING.value))
    try:
        db.session.commit()
    except IntegrityError:  # the same request from a second device made them first
        db.session.rollback()
    return _tasks_of(user, day)


def task_of(user: User, task_id: int) -> PatrolTask:
    """One of the worker's own tasks, or 404."""
    task = db.session.get(PatrolTask, task_id)
    if task is None or task.worker_id != user.id:
        raise NotFound(f"No patrol task {task_id} of yours.")
    return task


def link_reports(task: PatrolTask) -> None:
    """Point hazard answers at their reports once those have arrived (the caller commits)."""
    waiting = {r.report_client_uuid: r for r in task.results if r.report_client_uuid and r.report_id is None}
    if not waiting:
        return
    found = db.session.execute(db.select(Report.client_uuid, Report.id).where(
        Report.client_uuid.in_(list(waiting)), Report.reporter_id == task.worker_id))
    for client_uuid, report_id in found:
        waiting[client_uuid].report_id = report_id


def _check(task: PatrolTask, answers: list[dict]) -> None:
    """Every answer names an item of the task's checklist; a hazard says what or links a report."""
    codes = {item["code"] for item in task.items}
    errors = {}
    for i, answer in enumerate(answers):
        if answer["item_code"] not in codes:
            errors[str(i)] = {"item_code": [f"Not an item of this checklist: {answer['item_code']!r}."]}
        elif answer["result"] == ItemResult.HAZARD.value and not (answer.get("note") or answer.get("report_client_uuid")):
            errors[str(i)] = {"note": ["A hazard needs a note or the client_uuid of its report."]}
    if errors:
        raise Invalid(errors={"results": errors})


def _aware(moment: datetime | None) -> datetime:
    if moment is None:
        return utcnow()
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def record_results(task: PatrolTask, answers: list[dict]) -> PatrolTask:
    """Store answers; a re-send is harmless and an older answer never replaces a newer one. Commits."""
    _check(task, answers)
    existing = {r.item_code: r for r in task.results}
    for answer in answers:
        checked_at = _aware(answer.get("checked_at"))
        row = existing.get(answer["item_code"])
        if row is None:
            row = PatrolItemResult(item_code=answer["item_code"], checked_at=checked_at)
            task.results.append(row)
            existing[row.item_code] = row
        elif _aware(row.checked_at) > checked_at:
            continue
        row.result, row.note, row.checked_at = answer["result"], answer.get("note"), checked_at
        if row.report_client_uuid != answer.get("report_client_uuid"):
            row.report_client_uuid, row.report_id = answer.get("report_client_uuid"), None
        row.recorded_at = utcnow()
    link_reports(task)
    answered = {r.item_code for r in task.results}
    if answered >= {item["code"] for item in task.items}:
        if task.status != TaskStatus.DONE.value:
            task.status, task.completed_at = TaskStatus.DONE.value, utcnow()
    elif answered:
        task.status = TaskStatus.IN_PROGRESS.value
    db.session.commit()
    return task
