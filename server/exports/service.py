"""Open exports: reports and hotspots as GeoJSON, cases as CSV, streamed row by row.

Each export has a row generator yielding plain dicts with stable field names (``report_rows``,
``hotspot_rows``, ``case_rows`` and their ``*_FIELDS``), for other formats (e.g. XLSX) to build on,
and a text generator for the HTTP response (``reports_geojson``, ``hotspots_geojson``, ``cases_csv``).
Rows are read from the database in batches (``yield_per``), so large ranges never sit in memory.
Call them inside an app context (``flask.stream_with_context`` for a response).

Failures: each function tries its query when it is called, before anything is streamed, so that a query the
database refuses is an ordinary error answer, not a 200 cut short. A failure later, mid-stream, is logged and
raised on: the server then drops the connection without the end of the chunked body, so the client sees an
incomplete transfer (and a GeoJSON document is never closed after an error); it never looks complete.

Filters (all optional): ``since`` / ``until`` (datetimes, on ``created_at``), ``category`` (a code;
a risk class includes its subcategories), ``department`` (a department code on the case); for reports and cases also
``category_in`` and ``grid_in`` (id collections: only rows of those categories, of those grids; the data-sharing
scopes of ``server.sharing``).
"""
import json
import logging
from collections.abc import Collection, Iterator
from datetime import datetime

from triage.lifecycle import STATUS_ZH, CaseStatus

from server.extensions import db
from server.models import Area, Case, CaseDepartment, Category, Department, Hotspot, Report
from server.exports.tabular import csv_lines
from server.taxonomy.filters import category_codes, category_ids
from nlp.pii import mask

log = logging.getLogger(__name__)

BATCH = 500
REPORT_FIELDS = ("id", "created_at", "channel", "stage", "category", "category_name", "severity", "grid",
                 "address", "text", "case_id", "case_number", "case_status", "hotspot_id", "duplicate_of_id")
HOTSPOT_FIELDS = ("id", "key", "label", "status", "size", "heat", "growth", "keywords", "dominant_category",
                  "highest_severity", "grids", "first_seen", "last_seen", "case_id", "bbox")
CASE_FIELDS = ("number", "id", "status", "status_zh", "severity", "category", "category_name", "lead_department",
                "assist_departments", "needs_manual_dispatch", "created_at", "dispatched_at", "sign_by", "signed_at",
                "resolve_by", "feedback_at", "closed_at", "reopen_count", "origin_report_id", "lat", "lon",
                "address", "merged_into_id")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _case_ids_of(department: str):
    """Cases a department (by code) is on."""
    return db.select(CaseDepartment.case_id).join(Department, CaseDepartment.department_id == Department.id) \
        .where(Department.code == department)


def _run(query) -> Iterator:
    """A query's rows, fetched in batches as they are read. The database is asked for the first row now (before
    the caller starts a response), so that a query it refuses, or a database that is down, is an error answer."""
    db.session.execute(query.limit(1)).first()

    def rows():  # runs while the response streams (Flask then has a fresh session for it)
        yield from db.session.execute(query.execution_options(yield_per=BATCH))
    return rows()


def _guarded(items: Iterator, name: str) -> Iterator:
    """Rows or chunks being turned into a download: an error is logged (once) and raised (see the module's notes)."""
    count = 0
    try:
        for item in items:
            yield item
            count += 1
    except GeneratorExit:
        raise
    except Exception as exc:
        if not getattr(exc, "export_logged", False):
            log.exception("export %s failed after %d item(s); the download is cut off", name, count)
            exc.export_logged = True
        raise


def _within(query, category_column, grid_column, category_in, grid_in):
    """Only rows of the given category ids and grid ids (None: any; an empty collection: none)."""
    if category_in is not None:
        query = query.where(category_column.in_(list(category_in)))
    if grid_in is not None:
        query = query.where(grid_column.in_(list(grid_in)))
    return query


def _filtered(query, created_at, category_id, case_id, since, until, category, department):
    """Reports' and cases' common filters: created in [since, until), of the categories ``category`` selects
    (``server.taxonomy.filters``), of a department's cases (``case_id``: the column holding the case's id)."""
    if since is not None:
        query = query.where(created_at >= since)
    if until is not None:
        query = query.where(created_at < until)
    if category:
        query = query.where(category_id.in_(category_ids(category)))
    if department:
        query = query.where(case_id.in_(_case_ids_of(department)))
    return query


def _lookups() -> tuple[dict, dict, dict]:
    """Categories, grids and departments by id (small tables, read once per export)."""
    categories = {c.id: c for c in db.session.execute(db.select(Category)).scalars()}
    grids = dict(db.session.execute(db.select(Area.id, Area.code)).all())
    departments = dict(db.session.execute(db.select(Department.id, Department.code)).all())
    return categories, grids, departments


# --- reports --------------------------------------------------------------------------------------------

def report_rows(since: datetime | None = None, until: datetime | None = None, category: str | None = None,
                department: str | None = None, category_in: Collection[int] | None = None,
                grid_in: Collection[int] | None = None) -> Iterator[dict]:
    """Reports, oldest first, as flat dicts (``REPORT_FIELDS`` plus ``lat``/``lon``); texts are masked."""
    categories, grids, _ = _lookups()
    query = db.select(Report.id, Report.created_at, Report.channel, Report.stage, Report.category_id, Report.severity,
                      Report.grid_id, Report.address, Report.text, Report.text_masked, Report.case_id,
                      Report.hotspot_id, Report.duplicate_of_id, Report.lat, Report.lon, Case.number, Case.status) \
        .outerjoin(Case, Report.case_id == Case.id).order_by(Report.created_at, Report.id)
    query = _filtered(query, Report.created_at, Report.category_id, Report.case_id, since, until, category, department)
    query = _within(query, Report.category_id, Report.grid_id, category_in, grid_in)

    def row(r) -> dict:
        cat = categories.get(r.category_id)
        return {"id": r.id, "created_at": _iso(r.created_at), "channel": r.channel, "stage": r.stage,
                "category": cat.code if cat else None, "category_name": cat.name if cat else None,
                "severity": r.severity, "grid": grids.get(r.grid_id), "address": r.address,
                "text": r.text_masked if r.text_masked is not None else mask(r.text), "case_id": r.case_id,
                "case_number": r.number, "case_status": r.status, "hotspot_id": r.hotspot_id,
                "duplicate_of_id": r.duplicate_of_id, "lat": r.lat, "lon": r.lon}
    return _guarded(map(row, _run(query)), "reports")


def _feature_collection(features: Iterator[dict]) -> Iterator[str]:
    """A GeoJSON FeatureCollection written one feature at a time."""
    yield '{"type":"FeatureCollection","features":['
    first = True
    for feature in features:
        yield ("" if first else ",\n") + json.dumps(feature, ensure_ascii=False, separators=(",", ":"))
        first = False
    yield "]}\n"


def _point(lat, lon) -> dict | None:
    """A GeoJSON point (longitude first), or null geometry when there is no location."""
    return {"type": "Point", "coordinates": [lon, lat]} if lat is not None and lon is not None else None


def reports_geojson(**filters) -> Iterator[str]:
    """Reports as a GeoJSON FeatureCollection (id = report id; reports without a location have null geometry)."""
    def feature(row: dict) -> dict:
        lat, lon = row.pop("lat"), row.pop("lon")
        return {"type": "Feature", "id": row["id"], "geometry": _point(lat, lon), "properties": row}
    return _guarded(_feature_collection(map(feature, report_rows(**filters))), "reports.geojson")


# --- hotspots -------------------------------------------------------------------------------------------

def hotspot_rows(since: datetime | None = None, until: datetime | None = None, category: str | None = None,
                 status: str | None = None) -> Iterator[dict]:
    """Hotspots, hottest first, as flat dicts (``HOTSPOT_FIELDS`` plus ``lat``/``lon`` of the centroid);
    ``since``/``until`` select those seen in the window."""
    query = db.select(Hotspot).order_by(Hotspot.heat.desc(), Hotspot.id)
    if since is not None:
        query = query.where(Hotspot.last_seen >= since)
    if until is not None:
        query = query.where(Hotspot.first_seen < until)
    if category:
        query = query.where(Hotspot.dominant_category.in_(category_codes(category)))
    if status:
        query = query.where(Hotspot.status == status)

    def row(found) -> dict:
        h = found[0]
        bbox = [h.min_lon, h.min_lat, h.max_lon, h.max_lat] if h.min_lon is not None else None
        return {"id": h.id, "key": h.key, "label": h.label, "status": h.status, "size": h.size, "heat": h.heat,
                "growth": h.growth, "keywords": list(h.keywords or []), "dominant_category": h.dominant_category,
                "highest_severity": h.highest_severity, "grids": list(h.grids or []),
                "first_seen": _iso(h.first_seen), "last_seen": _iso(h.last_seen), "case_id": h.case_id,
                "bbox": bbox, "lat": h.centroid_lat, "lon": h.centroid_lon}
    return _guarded(map(row, _run(query)), "hotspots")


def hotspots_geojson(**filters) -> Iterator[str]:
    """Hotspots as a GeoJSON FeatureCollection of centroid points (the bounding box in ``bbox``)."""
    def feature(row: dict) -> dict:
        lat, lon = row.pop("lat"), row.pop("lon")
        found = {"type": "Feature", "id": row["id"], "geometry": _point(lat, lon), "properties": row}
        if row["bbox"]:
            found["bbox"] = row["bbox"]
        return found
    return _guarded(_feature_collection(map(feature, hotspot_rows(**filters))), "hotspots.geojson")


# --- cases ----------------------------------------------------------------------------------------------

def case_rows(since: datetime | None = None, until: datetime | None = None, category: str | None = None,
              department: str | None = None, status: str | None = None, category_in: Collection[int] | None = None,
              grid_in: Collection[int] | None = None) -> Iterator[dict]:
    """Cases, oldest first, as flat dicts keyed by ``CASE_FIELDS``."""
    categories, _, departments = _lookups()
    query = db.select(Case, Report.lat, Report.lon, Report.address) \
        .join(Report, Case.origin_report_id == Report.id).order_by(Case.created_at, Case.id)
    query = _filtered(query, Case.created_at, Case.category_id, Case.id, since, until, category, department)
    if status:
        query = query.where(Case.status == status)
    query = _within(query, Case.category_id, Report.grid_id, category_in, grid_in)  # the place of its first report

    def row(found) -> dict:
        case, lat, lon, address = found
        cat = categories.get(case.category_id)
        lead = [departments.get(d.department_id) for d in case.departments if d.role == "lead"]
        assist = sorted(departments.get(d.department_id) or "" for d in case.departments if d.role == "assist")
        status_zh = STATUS_ZH.get(CaseStatus(case.status)) if case.status in CaseStatus._value2member_map_ else None
        return {"number": case.number, "id": case.id, "status": case.status, "status_zh": status_zh,
                "severity": case.severity, "category": cat.code if cat else None,
                "category_name": cat.name if cat else None, "lead_department": lead[0] if lead else None,
                "assist_departments": " ".join(assist), "needs_manual_dispatch": case.needs_manual_dispatch,
                "created_at": _iso(case.created_at), "dispatched_at": _iso(case.dispatched_at),
                "sign_by": _iso(case.sign_by), "signed_at": _iso(case.signed_at), "resolve_by": _iso(case.resolve_by),
                "feedback_at": _iso(case.feedback_at), "closed_at": _iso(case.closed_at),
                "reopen_count": case.reopen_count, "origin_report_id": case.origin_report_id, "lat": lat, "lon": lon,
                "address": address, "merged_into_id": case.merged_into_id}
    return _guarded(map(row, _run(query)), "cases")


def cases_csv(bom: bool = True, **filters) -> Iterator[str]:
    """Cases as CSV (header ``CASE_FIELDS``), one line at a time, written by ``server.exports.tabular`` (no cell can run as
    a formula); a UTF-8 BOM first so that Excel reads Chinese."""
    def values(row: dict) -> list:
        return [("true" if v is True else "false" if v is False else v) for v in (row[f] for f in CASE_FIELDS)]
    return _guarded(csv_lines(CASE_FIELDS, map(values, case_rows(**filters)), bom=bom), "cases.csv")
