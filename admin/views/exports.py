"""Exports: cases and reports as CSV and XLSX, reports and hotspots as GeoJSON."""
import json
from datetime import datetime

from flask import Response, abort, render_template, request, stream_with_context

from server.cases.deadlines import LOCAL

from .. import bp
from .. import export_data as data
from ..audit_log import record
from ..auth import ADMIN, SUPERVISOR, login_required
from ..tabular import csv_response, xlsx_response


def _day(name: str):
    """A YYYY-MM-DD query argument as the start of that day in China's time."""
    value = request.args.get(name)
    if not value:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=LOCAL)
    except ValueError:
        abort(404)


def _geojson(filename: str, features) -> Response:
    def generate():
        yield '{"type":"FeatureCollection","features":['
        for i, feature in enumerate(features):
            yield ("," if i else "") + json.dumps(feature, ensure_ascii=False)
        yield "]}"
    return Response(stream_with_context(generate()), mimetype="application/geo+json",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})


@bp.get("/exports")
@login_required(SUPERVISOR, ADMIN)
def exports():
    """The export links with a date range."""
    return render_template("admin/exports.html", since=request.args.get("since", ""),
                           until=request.args.get("until", ""))


@bp.get("/exports/<what>.<fmt>")
@login_required(SUPERVISOR, ADMIN)
def export_file(what: str, fmt: str):
    """cases.csv|xlsx, reports.csv|xlsx|geojson, hotspots.geojson."""
    since, until = _day("since"), _day("until")
    record("export", f"{what}.{fmt}", since=request.args.get("since"), until=request.args.get("until"))
    stamp = datetime.now(LOCAL).strftime("%Y%m%d")
    if what == "cases" and fmt in ("csv", "xlsx"):
        rows, header = data.case_rows(since, until), data.CASE_COLUMNS
    elif what == "reports" and fmt in ("csv", "xlsx"):
        rows, header = data.report_rows(since, until), data.REPORT_COLUMNS
    elif what == "reports" and fmt == "geojson":
        return _geojson(f"reports-{stamp}.geojson", data.report_features(since, until))
    elif what == "hotspots" and fmt == "geojson":
        return _geojson(f"hotspots-{stamp}.geojson", data.hotspot_features())
    else:
        abort(404)
    name = f"{what}-{stamp}.{fmt}"
    return csv_response(name, header, rows) if fmt == "csv" else xlsx_response(name, header, rows, title=what)
