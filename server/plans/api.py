"""Emergency plans (数字应急预案): admins keep the plans; supervisors activate one on a case; departments
complete their tasks."""
from flask_smorest import Blueprint

from server.accounts.audit_log import record_api_action
from server.accounts.auth import BEARER, auth_required, current_user
from server.plans.service import activate_plan, all_plans, complete_task, replace_plans
from server.cases.presenters import present_case
from server.models import Role
from server.cases.schemas import CaseSchema
from server.web.schemas import ErrorSchema
from server.plans.schemas import ActivatePlanSchema, PlanSetOutSchema, PlanSetSchema, TaskDoneSchema
from server.cases.requests import case_for_request, read_body

blp = Blueprint("plans", __name__, description="Emergency plans: activation on a case and the departments' tasks")



@blp.route("/plans", methods=["GET"])
@blp.doc(security=BEARER)
@blp.response(200, PlanSetOutSchema)
@blp.alt_response(403, schema=ErrorSchema)
@auth_required(Role.ADMIN, Role.SUPERVISOR)
def get_plans():
    """Every emergency plan (the shipped defaults until an admin edits them)."""
    plans, source = all_plans()
    return {"plans": plans, "source": source}


@blp.route("/plans", methods=["PUT"])
@blp.doc(security=BEARER)
@blp.arguments(PlanSetSchema)
@blp.response(200, PlanSetOutSchema)
@blp.alt_response(403, schema=ErrorSchema)
@blp.alt_response(422, schema=ErrorSchema, description="Unknown category or department, not one lead, a duplicate")
@auth_required(Role.ADMIN)
def put_plans(args):
    """Replace the whole set of plans (admins). Plans already activated on cases keep what they were."""
    record_api_action("plans.replace", f"{len(args['plans'])} plans", current_user(),
                      categories=sorted({p["category"] for p in args["plans"]}))  # committed with the plans
    return {"plans": replace_plans(args["plans"], current_user()), "source": "edited"}


@blp.route("/cases/<int:case_id>/plan", methods=["POST"])
@blp.doc(security=BEARER, requestBody={"required": False, "content": {
    "application/json": {"schema": ActivatePlanSchema}}})
@blp.response(200, CaseSchema)
@blp.alt_response(403, schema=ErrorSchema, description="Not a supervisor")
@blp.alt_response(404, schema=ErrorSchema)
@blp.alt_response(409, schema=ErrorSchema, description="A plan is already active, the case is not open, or no plan")
@auth_required()
def post_case_plan(case_id: int):
    """启动应急预案: the plan for the case's category and level; one task for each of its departments (those not
    on the case join as 协办), an event in the case's chain, notices to the departments."""
    fields, _ = read_body(ActivatePlanSchema)
    case = case_for_request(case_id)
    activate_plan(case, current_user(), fields.get("level"), fields.get("note"))
    return present_case(case, current_user())


@blp.route("/cases/<int:case_id>/plan-tasks/<int:task_id>/done", methods=["POST"])
@blp.doc(security=BEARER, requestBody={"required": False, "content": {
    "application/json": {"schema": TaskDoneSchema}}})
@blp.response(200, CaseSchema)
@blp.alt_response(403, schema=ErrorSchema, description="Not the task's department")
@blp.alt_response(404, schema=ErrorSchema)
@blp.alt_response(409, schema=ErrorSchema, description="Already done")
@auth_required()
def post_task_done(case_id: int, task_id: int):
    """A department marks its plan task done, with a note; the last task completes the plan."""
    fields, _ = read_body(TaskDoneSchema)
    case = case_for_request(case_id)
    complete_task(case, task_id, current_user(), fields.get("note"))
    return present_case(case, current_user())
