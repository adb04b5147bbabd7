"""REST endpoints of the open exports: GeoJSON and CSV, streamed (supervisors and admins)."""
from flask import Response, stream_with_context
from flask_smorest import Blueprint

from server.accounts.auth import BEARER, auth_required
from server.exports import service as exports
from server.exports.schemas import CaseExportArgsSchema, ExportArgsSchema, HotspotExportArgsSchema
from server.models import Role

exports_blp = Blueprint("exports", __name__, description="Open exports: GeoJSON and CSV, streamed")


def _stream(chunks, mimetype: str, filename: str) -> Response:
    """A streamed download."""
    response = Response(stream_with_context(chunks), mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@exports_blp.route("/reports.geojson", methods=["GET"])
@exports_blp.doc(security=BEARER)
@exports_blp.arguments(ExportArgsSchema, location="query")
@exports_blp.response(200, description="A GeoJSON FeatureCollection of reports (texts masked)",
                      content_type="application/geo+json")
@auth_required(Role.SUPERVISOR, Role.ADMIN)
def export_reports(args):
    """Reports as GeoJSON, oldest first, filtered by created_at window, category and department."""
    return _stream(exports.reports_geojson(**args), "application/geo+json", "reports.geojson")


@exports_blp.route("/hotspots.geojson", methods=["GET"])
@exports_blp.doc(security=BEARER)
@exports_blp.arguments(HotspotExportArgsSchema, location="query")
@exports_blp.response(200, description="A GeoJSON FeatureCollection of hotspot centroids",
                      content_type="application/geo+json")
@auth_required(Role.SUPERVISOR, Role.ADMIN)
def export_hotspots(args):
    """Hotspots as GeoJSON, hottest first."""
    args.pop("department", None)
    return _stream(exports.hotspots_geojson(**args), "application/geo+json", "hotspots.geojson")


@exports_blp.route("/cases.csv", methods=["GET"])
@exports_blp.doc(security=BEARER)
@exports_blp.arguments(CaseExportArgsSchema, location="query")
@exports_blp.response(200, description="Cases as CSV (UTF-8)", content_type="text/csv")
@auth_required(Role.SUPERVISOR, Role.ADMIN)
def export_cases(args):
    """Cases as CSV, streamed, filtered by created_at window, category, department and status."""
    return _stream(exports.cases_csv(**args), "text/csv", "cases.csv")  # Flask adds "; charset=utf-8"
