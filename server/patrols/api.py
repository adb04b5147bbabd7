"""Grid patrols (网格巡查): today's tasks in my grid, and the answers to their checklists."""
from flask_smorest import Blueprint

from server.accounts.auth import BEARER, auth_required, current_user
from server.extensions import db
from server.models import Role
from server.patrols.schemas import ResultsSchema, TaskListArgsSchema, TaskListSchema, TaskSchema
from server.patrols.service import ensure_tasks, link_reports, record_results, task_of, today, worker_grid
from server.patrols.presenters import present_task
from server.web.schemas import ErrorSchema

blp = Blueprint("patrols", __name__, description="Grid workers' patrols with checklists")


@blp.route("/tasks", methods=["GET"])
@blp.doc(security=BEARER)
@blp.arguments(TaskListArgsSchema, location="query")
@blp.response(200, TaskListSchema)
@blp.alt_response(403, schema=ErrorSchema, description="Not a grid worker")
@blp.alt_response(409, schema=ErrorSchema, description="No grid assigned")
@auth_required(Role.GRID_WORKER)
def list_tasks(args):
    """The signed-in grid worker's patrol tasks for a day (today by default): one per place of their grid."""
    user = current_user()
    worker_grid(user)
    day = args.get("date") or today()
    tasks = ensure_tasks(user, day)
    for task in tasks:
        link_reports(task)
    db.session.commit()
    return {"date": day, "grid": {"code": user.grid.code, "name": user.grid.name},
            "items": [present_task(t) for t in tasks]}


@blp.route("/tasks/<int:task_id>", methods=["GET"])
@blp.doc(security=BEARER)
@blp.response(200, TaskSchema)
@blp.alt_response(404, schema=ErrorSchema)
@auth_required(Role.GRID_WORKER)
def get_task(task_id: int):
    """One of my patrol tasks with its checklist and answers."""
    task = task_of(current_user(), task_id)
    link_reports(task)
    db.session.commit()
    return present_task(task)


@blp.route("/tasks/<int:task_id>/results", methods=["POST"])
@blp.doc(security=BEARER)
@blp.arguments(ResultsSchema)
@blp.response(200, TaskSchema)
@blp.alt_response(404, schema=ErrorSchema)
@blp.alt_response(422, schema=ErrorSchema, description="Unknown item, or a hazard without a note or report")
@auth_required(Role.GRID_WORKER)
def post_results(args, task_id: int):
    """Answer checklist items: ``ok`` or ``hazard`` (with the report's client_uuid). Re-sending is safe;
    the task is done when every item has an answer."""
    task = task_of(current_user(), task_id)
    return present_task(record_results(task, args["results"]))
