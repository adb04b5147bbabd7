"""Report intake and reading."""

from flask import current_app, request
from flask_smorest import Blueprint
from sqlalchemy.orm import selectinload

from server.reports.access import can_view_report, report_scope
from server.accounts.auth import BEARER, auth_required, current_user
from server.errors import Invalid
from server.web.errors import ApiError
from server.extensions import db
from server.web.pagination import paginate
from server.media.uploads import Upload
from server.reports.intake import accept_report
from server.models import Report
from server.pipeline.queueing import enqueue_report
from server.reports.presenters import present_report
from server.taxonomy.filters import category_ids
from server.web.schemas import ErrorSchema
from server.reports.schemas import (ReportCreateSchema, ReportListArgsSchema, ReportMultipartSchema, ReportPageSchema,
                                    ReportSchema)

blp = Blueprint("reports", __name__, description="Hazard reports")
_create_schema = ReportCreateSchema()


def _read_request() -> tuple[dict, list[Upload], Upload | None]:
    """Fields and files from a JSON or multipart body, validated."""
    if request.mimetype == "multipart/form-data":
        raw = request.form.to_dict()
        photos = [Upload("photos", f.read()) for f in request.files.getlist("photos")]
        audio_files = request.files.getlist("audio")
        unknown = set(request.files) - {"photos", "audio"}
        if unknown or len(audio_files) > 1:
            errors = {name: ["Unknown file field."] for name in unknown}
            if len(audio_files) > 1:
                errors["audio"] = ["Only one voice recording per report."]
            raise Invalid(errors=errors)
        audio = Upload("audio", audio_files[0].read()) if audio_files else None
    elif request.mimetype == "application/json":
        raw = request.get_json(silent=True)
        if not isinstance(raw, dict):
            raise ApiError(400, "bad_json", "The body must be a JSON object.")
        photos, audio = [], None
    else:
        raise ApiError(415, "unsupported_media_type", "Send application/json or multipart/form-data.")
    return _create_schema.load(raw), photos, audio


@blp.route("", methods=["POST"])
@blp.doc(security=BEARER, requestBody={"required": True, "content": {
    "application/json": {"schema": ReportCreateSchema},
    "multipart/form-data": {"schema": ReportMultipartSchema}}})
@blp.response(201, ReportSchema, description="Accepted; processing continues in the background")
@blp.alt_response(200, schema=ReportSchema, description="A re-send of a report already accepted")
@blp.alt_response(409, schema=ErrorSchema, description="client_uuid already used for a different report")
@blp.alt_response(413, schema=ErrorSchema, description="A file or the body is over the limit")
@blp.alt_response(422, schema=ErrorSchema, description="Invalid fields or a file that is not what it claims")
@blp.alt_response(429, schema=ErrorSchema, description="Too many new reports from this account or address; see "
                                                        "Retry-After (a re-send of an accepted report is never refused)")
@auth_required()
def create_report():
    """Report a hazard: text, up to 6 photos and one voice recording, with location."""
    fields, photos, audio = _read_request()
    report, created = accept_report(current_user(), fields, photos, audio)
    if created:
        enqueue_report(report.id, report.has_audio)
    # The presenter's dict has ReportSchema's shape and values already (the schema documents it; a test holds the
    # two equal): the busiest request answers it as JSON without dumping it through the schema again.
    return current_app.json.response(present_report(report, current_user())), 201 if created else 200


@blp.route("", methods=["GET"])
@blp.doc(security=BEARER)
@blp.arguments(ReportListArgsSchema, location="query")
@blp.response(200, ReportPageSchema)
@blp.alt_response(401, schema=ErrorSchema)
@auth_required()
def list_reports(args):
    """Reports the signed-in user may see, newest first, filtered and paginated."""
    user = current_user()
    query = db.select(Report).where(report_scope(user)).options(
        selectinload(Report.reporter), selectinload(Report.category), selectinload(Report.grid),
        selectinload(Report.media), selectinload(Report.transcripts), selectinload(Report.events))
    if "stage" in args:
        query = query.where(Report.stage == args["stage"])
    if "category" in args:
        query = query.where(Report.category_id.in_(category_ids(args["category"])))
    if "since" in args:
        query = query.where(Report.created_at >= args["since"])
    if "until" in args:
        query = query.where(Report.created_at < args["until"])
    if "bbox" in args:
        w, s, e, n = (float(x) for x in args["bbox"].split(","))
        query = query.where(Report.lon.between(w, e), Report.lat.between(s, n))
    found = paginate(query, args["page"], args["per_page"], Report.created_at.desc(), Report.id.desc())
    steps: dict = {}  # each case's reporter steps, read once for the page
    return {"items": [present_report(r, user, steps) for r in found.items], "meta": found.meta()}


@blp.route("/<int:report_id>", methods=["GET"])
@blp.doc(security=BEARER)
@blp.response(200, ReportSchema)
@blp.alt_response(404, schema=ErrorSchema)
@auth_required()
def get_report(report_id: int):
    """One report with its processing stage, case and timeline."""
    report = db.session.get(Report, report_id)
    if report is None or not can_view_report(current_user(), report):
        raise ApiError(404, "not_found", f"No report {report_id} that you may see.")
    return present_report(report, current_user())

