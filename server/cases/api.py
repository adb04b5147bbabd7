"""Cases: the department inbox, supervisor queues, lifecycle actions, attachments and reporters' ratings."""

from flask_smorest import Blueprint

from server.reports.access import can_view_report
from server.accounts.auth import BEARER, auth_required, current_user
from server.cases.queries import can_view_case, list_cases
from server.cases.requests import case_for_request, read_body
from server.cases.service import Context, apply_action, rate_report
from server.cases.crowd import reports_query
from server.cases.presenters import present_case, present_case_summary
from server.web.errors import ApiError
from server.extensions import db
from server.web.pagination import page_meta, paginate
from server.media.store import send_stored
from server.models import Case, CaseAttachment, Report
from server.cases.search_schemas import CaseSearchArgsSchema
from server.cases.schemas import (ACTION_SCHEMAS, CasePageSchema, CaseSchema, RatingOutSchema,
                                  RatingSchema, VerificationSchema)
from server.reports.presenters import present_report
from server.reports.schemas import ReportPageSchema
from server.web.schemas import ErrorSchema, PageArgsSchema

blp = Blueprint("cases", __name__, description="Cases: inbox, queues and the handling lifecycle")
ratings_blp = Blueprint("ratings", __name__, description="Reporters rate the handling of their reports")



def _case_for_viewer(case_id: int) -> Case:
    """The case if the signed-in user may see it, else 404."""
    case = db.session.get(Case, case_id)
    if case is None or not can_view_case(current_user(), case):
        raise ApiError(404, "not_found", f"No case {case_id} that you may see.")
    return case


@blp.route("", methods=["GET"])
@blp.doc(security=BEARER)
@blp.arguments(CaseSearchArgsSchema, location="query")
@blp.response(200, CasePageSchema)
@blp.alt_response(403, schema=ErrorSchema, description="Residents follow cases through their reports")
@auth_required()
def get_cases(args):
    """Cases the user may see: a department's inbox (nearest deadline first), or everything for supervisors;
    ``queue`` picks a supervisors' queue; ``q`` searches the case number and the reports' text and address."""
    rows, total = list_cases(current_user(), args)
    return {"items": [present_case_summary(c) for c in rows], "meta": page_meta(args["page"], args["per_page"], total)}


@blp.route("/<int:case_id>", methods=["GET"])
@blp.doc(security=BEARER)
@blp.response(200, CaseSchema)
@blp.alt_response(404, schema=ErrorSchema)
@auth_required()
def get_case(case_id: int):
    """One case: departments, deadlines, events with their files, reports, audit state and what you may do."""
    case = _case_for_viewer(case_id)
    return present_case(case, current_user())


@blp.route("/<int:case_id>/reports", methods=["GET"])
@blp.doc(security=BEARER)
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, ReportPageSchema)
@blp.alt_response(404, schema=ErrorSchema)
@auth_required()
def get_case_reports(args, case_id: int):
    """Every report of a case, a page at a time in report order (the case itself shows the first and the newest)."""
    case = _case_for_viewer(case_id)
    found = paginate(reports_query(case), args["page"], args["per_page"], Report.id)
    steps: dict = {}  # the case's reporter steps, read once for the page
    return {"items": [present_report(r, current_user(), steps) for r in found.items], "meta": found.meta()}


def _action_view(action: str, schema):
    """A POST endpoint for one action."""

    def view(case_id: int):
        fields, uploads = read_body(schema)
        case = case_for_request(case_id, action, fields)
        apply_action(case, action, Context(current_user(), fields, uploads))
        return present_case(case, current_user())

    view.__name__ = f"action_{action}"
    view.__doc__ = f"{schema.__doc__.strip()}\n\nAnswers 409 (``invalid_transition``, Chinese text in " \
                   "``errors.status``) from a wrong state, 403 for a wrong role or department."
    return view


for _action, _schema in ACTION_SCHEMAS.items():
    blp.route(f"/<int:case_id>/actions/{_action}", methods=["POST"])(
        blp.doc(security=BEARER, requestBody={"required": False, "content": {
            "application/json": {"schema": _schema}, "multipart/form-data": {"schema": _schema}}})(
            blp.response(200, CaseSchema)(
                blp.alt_response(403, schema=ErrorSchema, description="Wrong role or department")(
                    blp.alt_response(409, schema=ErrorSchema, description="Not allowed from the current status")(
                        blp.alt_response(422, schema=ErrorSchema)(
                            auth_required()(_action_view(_action, _schema))))))))


@blp.route("/<int:case_id>/verification", methods=["POST"])
@blp.doc(security=BEARER, requestBody={"required": True, "content": {
    "multipart/form-data": {"schema": VerificationSchema}}})
@blp.response(200, CaseSchema)
@blp.alt_response(403, schema=ErrorSchema, description="Verification does not fall to this user")
@blp.alt_response(409, schema=ErrorSchema, description="No feedback to verify")
@blp.alt_response(422, schema=ErrorSchema, description="No photo, or a bad file")
@auth_required()
def verify_case(case_id: int):
    """核查 on site, with photos (needed before a grid case closes): by the grid's worker, else a grid worker of the same
    community, else of the same street, else a supervisor (who may instead waive it: ``actions/waive_verification``)."""
    fields, uploads = read_body(VerificationSchema)
    case = case_for_request(case_id, "verify")
    apply_action(case, "verify", Context(current_user(), fields, uploads))
    return present_case(case, current_user())


def _attachment_for_viewer(case_id: int, attachment_id: str) -> CaseAttachment:
    case = _case_for_viewer(case_id)
    att = db.session.get(CaseAttachment, attachment_id)
    if att is None or att.case_id != case.id:
        raise ApiError(404, "not_found", "No such file that you may see.")
    return att


@blp.route("/<int:case_id>/attachments/<attachment_id>", methods=["GET"])
@blp.doc(security=BEARER, responses={"200": {"description": "The file"}})
@blp.alt_response(404, schema=ErrorSchema)
@auth_required()
def get_attachment(case_id: int, attachment_id: str):
    """A file attached to a case event."""
    att = _attachment_for_viewer(case_id, attachment_id)
    return send_stored(att.storage_key, att.mime)


@blp.route("/<int:case_id>/attachments/<attachment_id>/thumb", methods=["GET"])
@blp.doc(security=BEARER, responses={"200": {"description": "A JPEG thumbnail"}})
@blp.alt_response(404, schema=ErrorSchema)
@auth_required()
def get_attachment_thumb(case_id: int, attachment_id: str):
    """A photo attachment's thumbnail."""
    att = _attachment_for_viewer(case_id, attachment_id)
    if not att.thumb_key:
        raise ApiError(404, "not_found", "This file has no thumbnail.")
    return send_stored(att.thumb_key, "image/jpeg")


@ratings_blp.route("/<int:report_id>/rating", methods=["POST"])
@ratings_blp.doc(security=BEARER)
@ratings_blp.arguments(RatingSchema)
@ratings_blp.response(201, RatingOutSchema)
@ratings_blp.alt_response(403, schema=ErrorSchema, description="Not the reporter")
@ratings_blp.alt_response(404, schema=ErrorSchema)
@ratings_blp.alt_response(409, schema=ErrorSchema, description="Case not closed, or already rated")
@auth_required()
def rate(args, report_id: int):
    """The reporter rates the handling after the case closes: satisfied | basically_satisfied | dissatisfied.
    Dissatisfied puts the case in the supervisors' ``rating_review`` queue."""
    report = db.session.get(Report, report_id)
    if report is None or not can_view_report(current_user(), report):
        raise ApiError(404, "not_found", f"No report {report_id} that you may see.")
    row = rate_report(report, current_user(), args["rating"], args.get("comment"))
    return row
