"""Exports: cases and reports as CSV and XLSX, reports and hotspots as GeoJSON (rows from server.exports.service)."""
from datetime import datetime

from flask import Response, abort, render_template, request, stream_with_context

from server.exports import service as data
from server.exports.schemas import EXPORT_EARLIEST, EXPORT_LATEST
from server.web.localtime import city_zone, parse, zone_name

from admin.blueprint import bp
from ..audit_log import record
from ..auth import ADMIN, SUPERVISOR, login_required
from ..i18n import lang
from ..tabular import csv_response, xlsx_response


def _day(name: str):
    """A YYYY-MM-DD query argument as the start of that day in the city's zone."""
    value = request.args.get(name)
    if not value:
        return None
    try:
        day = datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=city_zone())
    except ValueError:
        abort(404)
    if not EXPORT_EARLIEST.year <= day.year < EXPORT_LATEST.year:  # checked before anything is streamed
        abort(404)
    return day


def _geojson(filename: str, chunks) -> Response:
    return Response(stream_with_context(chunks), mimetype="application/geo+json",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})


# time columns: (Chinese, English) names; their header names the city's zone, their cells are datetimes
TIME_COLUMNS = {"created_at": ("受理时间", "Received"), "dispatched_at": ("派单时间", "Dispatched"),
                "sign_by": ("签收时限", "Sign by"), "signed_at": ("签收时间", "Signed"),
                "resolve_by": ("办结时限", "Resolve by"), "feedback_at": ("反馈时间", "Feedback"),
                "closed_at": ("结案时间", "Closed")}


# the other columns: (Chinese, English) names
COLUMNS = {"id": ("编号", "ID"), "number": ("案件编号", "Case number"), "channel": ("上报渠道", "Channel"),
           "stage": ("处理阶段", "Stage"), "category": ("类别代码", "Category code"), "category_name": ("类别", "Category"),
           "severity": ("等级", "Severity"), "grid": ("网格", "Grid"), "address": ("地址", "Address"),
           "text": ("内容", "Text"), "case_id": ("案件序号", "Case ID"), "case_number": ("案件编号", "Case number"),
           "case_status": ("案件状态", "Case status"), "hotspot_id": ("热点序号", "Hotspot ID"),
           "duplicate_of_id": ("重复上报序号", "Duplicate of"), "status": ("状态代码", "Status code"),
           "status_zh": ("状态", "Status"), "lead_department": ("主办部门", "Lead department"),
           "assist_departments": ("协办部门", "Assisting departments"),
           "needs_manual_dispatch": ("需人工派单", "Needs manual dispatch"), "reopen_count": ("重启次数", "Times reopened"),
           "origin_report_id": ("首报序号", "First report"), "lat": ("纬度", "Latitude"), "lon": ("经度", "Longitude"),
           "merged_into_id": ("并入案件序号", "Merged into")}


def _header(fields, what: str) -> list[str]:
    """Column names in the visitor's language, the time columns with the zone, e.g. 受理时间（北京时间）."""
    zh = lang() == "zh"
    zone = zone_name("zh" if zh else "en")
    names = {**TIME_COLUMNS, "created_at": ("上报时间", "Reported")} if what == "reports" else TIME_COLUMNS
    named = {f: f"{z}（{zone}）" if zh else f"{e} ({zone})" for f, (z, e) in names.items()}
    named.update({f: pair[0 if zh else 1] for f, pair in COLUMNS.items() if f not in named})
    return [named.get(f, f) for f in fields]


def _table(rows, fields):
    """server.exports.service' dict rows as lists in the order of its field names (time columns as datetimes)."""
    return ([parse(row.get(f)) if f in TIME_COLUMNS else row.get(f) for f in fields] for row in rows)


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
    stamp = datetime.now(city_zone()).strftime("%Y%m%d")
    if what == "cases" and fmt in ("csv", "xlsx"):
        header = list(data.CASE_FIELDS)
        rows = _table(data.case_rows(since=since, until=until), header)
    elif what == "reports" and fmt in ("csv", "xlsx"):
        header = [*data.REPORT_FIELDS, "lat", "lon"]
        rows = _table(data.report_rows(since=since, until=until), header)
    elif what == "reports" and fmt == "geojson":
        return _geojson(f"reports-{stamp}.geojson", data.reports_geojson(since=since, until=until))
    elif what == "hotspots" and fmt == "geojson":
        return _geojson(f"hotspots-{stamp}.geojson", data.hotspots_geojson(since=since, until=until))
    else:
        abort(404)
    name, header = f"{what}-{stamp}.{fmt}", _header(header, what)
    return csv_response(name, header, rows) if fmt == "csv" else xlsx_response(name, header, rows, title=what)
