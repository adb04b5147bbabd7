"""The department's feedback on a report, as its reporter may see it (result and photos, no internal notes)."""
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from server.accounts.auth import BEARER, auth_required, current_user
from server.web import API_PREFIX
from server.web.errors import ApiError
from server.extensions import db
from server.media.store import send_stored
from server.models import Case, CaseAttachment, CaseEvent, CaseRating, Report
from server.web.schemas import ErrorSchema

blp = Blueprint("report_feedback", __name__, description="Reporters see the handling of their reports")


class ReportFeedbackFileSchema(Schema):
    id = fields.String()
    kind = fields.String()
    mime = fields.String()
    url = fields.String()
    thumb_url = fields.String(allow_none=True)


class ReportFeedbackEntrySchema(Schema):
    at = fields.DateTime()
    result = fields.String(allow_none=True)
    measures = fields.String(allow_none=True)
    attachments = fields.List(fields.Nested(ReportFeedbackFileSchema))


class ReportFeedbackSchema(Schema):
    """The case's status, each feedback with its files, and the reporter's rating."""

    case_id = fields.Integer(allow_none=True)
    status = fields.String(allow_none=True)
    items = fields.List(fields.Nested(ReportFeedbackEntrySchema))
    rating = fields.String(allow_none=True)
    can_rate = fields.Boolean()


def _own_report(report_id: int) -> Report:
    report = db.session.get(Report, report_id)
    if report is None or report.reporter_id != current_user().id:
        raise ApiError(404, "not_found", f"No report {report_id} of yours.")
    return report


def _file(report: Report, att: CaseAttachment) -> dict:
    base = f"{API_PREFIX}/reports/{report.id}/feedback/files/{att.id}"
    return {"id": att.id, "kind": att.kind, "mime": att.mime, "url": base,
            "thumb_url": base + "/thumb" if att.thumb_key else None}


@blp.route("/<int:report_id>/feedback", methods=["GET"])
@blp.doc(security=BEARER)
@blp.response(200, ReportFeedbackSchema)
@blp.alt_response(404, schema=ErrorSchema)
@auth_required()
def get_feedback(report_id: int):
    """The handling of my report: the department's feedback (result, measures, photos) and my rating."""
    report = _own_report(report_id)
    case = db.session.get(Case, report.case_id) if report.case_id else None
    if case is None:
        return {"case_id": None, "status": None, "items": [], "rating": None, "can_rate": False}
    files = {a.id: a for a in db.session.execute(
        db.select(CaseAttachment).where(CaseAttachment.case_id == case.id)).scalars()}
    items = [{"at": e.created_at, "result": (e.data or {}).get("result"), "measures": (e.data or {}).get("measures"),
              "attachments": [_file(report, files[a["id"]]) for a in (e.data or {}).get("attachments", [])
                              if a.get("id") in files]}
             for e in db.session.execute(db.select(CaseEvent).where(
                 CaseEvent.case_id == case.id, CaseEvent.action == "feedback").order_by(CaseEvent.seq)).scalars()]
    rating = db.session.execute(db.select(CaseRating.rating).where(CaseRating.report_id == report.id)).scalar()
    return {"case_id": case.id, "status": case.status, "items": items, "rating": rating,
            "can_rate": case.status == "closed" and rating is None}


def _feedback_file(report_id: int, attachment_id: str) -> CaseAttachment:
    report = _own_report(report_id)
    att = db.session.get(CaseAttachment, attachment_id)
    if att is None or report.case_id is None or att.case_id != report.case_id:
        raise ApiError(404, "not_found", "No such file on your report.")
    return att


@blp.route("/<int:report_id>/feedback/files/<attachment_id>", methods=["GET"])
@blp.doc(security=BEARER, responses={"200": {"description": "The file"}})
@blp.alt_response(404, schema=ErrorSchema)
@auth_required()
def get_feedback_file(report_id: int, attachment_id: str):
    """A file of the handling of my report."""
    att = _feedback_file(report_id, attachment_id)
    return send_stored(att.storage_key, att.mime)


@blp.route("/<int:report_id>/feedback/files/<attachment_id>/thumb", methods=["GET"])
@blp.doc(security=BEARER, responses={"200": {"description": "A JPEG thumbnail"}})
@blp.alt_response(404, schema=ErrorSchema)
@auth_required()
def get_feedback_thumb(report_id: int, attachment_id: str):
    """A photo's thumbnail."""
    att = _feedback_file(report_id, attachment_id)
    if not att.thumb_key:
        raise ApiError(404, "not_found", "This file has no thumbnail.")
    return send_stored(att.thumb_key, "image/jpeg")
