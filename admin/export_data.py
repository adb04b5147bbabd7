"""Rows for the admin exports: cases and reports as tables, reports and hotspots as GeoJSON features.

Report text leaves the platform masked (PII replaced), as other viewers see it.
"""
from sqlalchemy.orm import selectinload

from server.extensions import db
from server.models import Area, Case, Category, Hotspot, Report

BATCH = 500
CASE_COLUMNS = ["number", "status", "severity", "category", "lead", "assist", "created_at", "dispatched_at",
                "sign_by", "signed_at", "resolve_by", "feedback_at", "closed_at", "reopen_count", "origin_report_id"]
REPORT_COLUMNS = ["id", "created_at", "channel", "stage", "category", "severity", "lat", "lon", "address", "grid",
                  "case", "hotspot_id", "text"]


def _batches(query, key):
    """Walk a query by primary key in batches (constant memory on long tables)."""
    last = 0
    while True:
        rows = db.session.execute(query.where(key > last).order_by(key).limit(BATCH)).scalars().all()
        if not rows:
            return
        yield from rows
        last = rows[-1].id


def _codes(model) -> dict[int, str]:
    return dict(db.session.execute(db.select(model.id, model.code)).all())


def _window(query, column, since=None, until=None):
    if since:
        query = query.where(column >= since)
    if until:
        query = query.where(column < until)
    return query


def case_rows(since=None, until=None):
    """One row per case."""
    categories = _codes(Category)
    for c in _batches(_window(db.select(Case), Case.created_at, since, until), Case.id):
        depts = sorted(c.departments, key=lambda d: d.role != "lead")
        yield [c.number, c.status, c.severity, categories.get(c.category_id), next(
            (d.department.code for d in depts if d.role == "lead"), None),
            [d.department.code for d in depts if d.role == "assist"], c.created_at, c.dispatched_at, c.sign_by,
            c.signed_at, c.resolve_by, c.feedback_at, c.closed_at, c.reopen_count, c.origin_report_id]


def _reports(since=None, until=None):
    query = _window(db.select(Report).options(selectinload(Report.media)), Report.created_at, since, until)
    return _batches(query, Report.id)


def report_rows(since=None, until=None):
    """One row per report (masked text)."""
    categories, grids = _codes(Category), _codes(Area)
    numbers = dict(db.session.execute(db.select(Case.id, Case.number)).all())
    for r in _reports(since, until):
        yield [r.id, r.created_at, r.channel, r.stage, categories.get(r.category_id), r.severity, r.lat, r.lon,
               r.address, grids.get(r.grid_id), numbers.get(r.case_id), r.hotspot_id,
               r.text_masked if r.text_masked is not None else ""]


def report_features(since=None, until=None):
    """Reports with a location as GeoJSON features."""
    for row in report_rows(since, until):
        props = dict(zip(REPORT_COLUMNS, row))
        if props["lat"] is None:
            continue
        props["created_at"] = props["created_at"].isoformat()
        yield {"type": "Feature", "geometry": {"type": "Point", "coordinates": [props.pop("lon"), props.pop("lat")]},
               "properties": props}


def hotspot_features():
    """Hotspots (not dismissed or merged) as GeoJSON points at their centroid."""
    rows = db.session.execute(db.select(Hotspot).where(Hotspot.centroid_lat.is_not(None),
                                                       Hotspot.status.not_in(("dismissed", "merged")))
                              .order_by(Hotspot.heat.desc())).scalars()
    for h in rows:
        yield {"type": "Feature", "geometry": {"type": "Point", "coordinates": [h.centroid_lon, h.centroid_lat]},
               "properties": {"id": h.id, "label": h.label, "keywords": h.keywords, "status": h.status,
                              "size": h.size, "heat": h.heat, "growth": h.growth, "category": h.dominant_category,
                              "highest_severity": h.highest_severity, "case_id": h.case_id,
                              "first_seen": h.first_seen.isoformat() if h.first_seen else None,
                              "last_seen": h.last_seen.isoformat() if h.last_seen else None}}
