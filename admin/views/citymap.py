"""The city map (一张图): the page, and small GeoJSON endpoints for its layers."""
from datetime import timedelta

from flask import jsonify, render_template, request

from server.extensions import db
from server.models import Area, AreaLevel, Case, Category, Hotspot, Report, utcnow
from server.taxonomy.filters import category_codes, category_ids
from server.web.localtime import format_city

from admin.blueprint import bp
from ..auth import ADMIN, SUPERVISOR, login_required
from ..i18n import local_name, severity_name, status_name

MAX_POINTS = 5000
DAY_CHOICES = (1, 7, 14, 30, 90)


def _feature(geometry: dict, **props) -> dict:
    return {"type": "Feature", "geometry": geometry, "properties": props}


def _point(lat, lon) -> dict:
    return {"type": "Point", "coordinates": [lon, lat]}


def _collection(features: list[dict]):
    response = jsonify({"type": "FeatureCollection", "features": features})
    response.headers["Cache-Control"] = "no-store"
    return response


def _since():
    days = request.args.get("days", 14, type=int)
    return utcnow() - timedelta(days=min(max(days, 1), 366))


def _category_filter(query, column):
    """A subcategory code, or a risk class code matching all its subcategories."""
    code = request.args.get("category")
    if not code:
        return query
    return query.where(column.in_(category_ids(code)))


@bp.get("/map")
@login_required(SUPERVISOR, ADMIN)
def city_map():
    """The map page with its filters."""
    categories = db.session.execute(db.select(Category).order_by(Category.code)).scalars().all()
    return render_template("admin/map.html", categories=categories, days=DAY_CHOICES)


@bp.get("/map/reports.json")
@login_required(SUPERVISOR, ADMIN)
def map_reports():
    """Reports with a location in the window (masked text, shortened)."""
    query = db.select(Report).where(Report.lat.is_not(None), Report.created_at >= _since())
    query = _category_filter(query, Report.category_id)
    if request.args.get("severity", type=int):
        query = query.where(Report.severity == request.args.get("severity", type=int))
    rows = db.session.execute(query.order_by(Report.id.desc()).limit(MAX_POINTS)).scalars()
    return _collection([_feature(_point(r.lat, r.lon), id=r.id, text=(r.text_masked or r.text or "")[:80],
                                 severity=r.severity, case_id=r.case_id, hotspot_id=r.hotspot_id,
                                 at=r.created_at.isoformat(),
                                 at_local=format_city(r.created_at)) for r in rows])


@bp.get("/map/hotspots.json")
@login_required(SUPERVISOR, ADMIN)
def map_hotspots():
    """Hotspots under review or confirmed, sized by heat."""
    query = db.select(Hotspot).where(Hotspot.centroid_lat.is_not(None),
                                     Hotspot.status.in_(("suggested", "reviewed", "confirmed")),
                                     (Hotspot.last_seen >= _since()) | Hotspot.last_seen.is_(None))
    if request.args.get("category"):
        query = query.where(Hotspot.dominant_category.in_(category_codes(request.args["category"])))
    if request.args.get("severity", type=int):
        query = query.where(Hotspot.highest_severity == request.args.get("severity", type=int))
    return _collection([_feature(_point(h.centroid_lat, h.centroid_lon), id=h.id, label=h.label, heat=h.heat,
                                 size=h.size, status=h.status)
                        for h in db.session.execute(query).scalars()])


@bp.get("/map/grids.json")
@login_required(SUPERVISOR, ADMIN)
def map_grids():
    """Grid polygons (also the offline base layer)."""
    rows = db.session.execute(db.select(Area).where(Area.level == AreaLevel.GRID.value,
                                                    Area.polygon.is_not(None))).scalars()
    return _collection([_feature(a.polygon, code=a.code, name=local_name(a)) for a in rows])


@bp.get("/map/cases.json")
@login_required(SUPERVISOR, ADMIN)
def map_cases():
    """Cases at their origin report's place, with status and severity."""
    query = db.select(Case, Report.lat, Report.lon).join(Report, Report.id == Case.origin_report_id).where(
        Report.lat.is_not(None), Case.created_at >= _since(), Case.status != "merged")
    query = _category_filter(query, Case.category_id)
    if request.args.get("status"):
        query = query.where(Case.status == request.args["status"])
    if request.args.get("severity", type=int):
        query = query.where(Case.severity == request.args.get("severity", type=int))
    rows = db.session.execute(query.limit(MAX_POINTS)).all()
    return _collection([_feature(_point(lat, lon), id=c.id, number=c.number, status=c.status,
                                 status_name=status_name(c.status), severity=c.severity,
                                 severity_name=severity_name(c.severity)) for c, lat, lon in rows])
