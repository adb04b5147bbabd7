"""Hotspots in the database: full re-clustering with stable ids, and incremental assignment."""
from datetime import timedelta

from .extensions import db
from .models import Category, Hotspot, Report, utcnow
from .table_cache import TableCache

WINDOW_DAYS = 14
SUGGESTED = "suggested"


def report_doc(report, grid_code: str | None = None, category: str | None = None) -> dict:
    """A report (or a row of its columns) as nlp's hotspot functions take it."""
    return {"id": report.id, "text": report.text_masked or report.text or "", "tokens": report.tokens or [],
            "lat": report.lat, "lon": report.lon, "created_at": report.created_at, "place": report.place_code,
            "reporter": report.reporter_id, "grid": grid_code, "category": category, "severity": report.severity}


def _window_docs(window_days: int) -> tuple[list[Report], list[dict]]:
    """Recent analysed reports and their documents."""
    since = utcnow() - timedelta(days=window_days)
    rows = db.session.execute(
        db.select(Report, Category.code).outerjoin(Category, Report.category_id == Category.id)
        .where(Report.created_at >= since, Report.tokens.is_not(None)).order_by(Report.id)).all()
    from .pipeline.places import area_index
    codes = area_index().code_of
    return [r for r, _ in rows], [report_doc(r, codes.get(r.grid_id), c) for r, c in rows]


def recluster(window_days: int = WINDOW_DAYS, min_cluster_size: int = 3) -> int:
    """Cluster the window again; hotspots keep their key (and reviews) when their members overlap."""
    from nlp.hotspots import cluster, match_ids
    reports, docs = _window_docs(window_days)
    reviewed = {h.id for h in db.session.execute(db.select(Hotspot).where(Hotspot.status != SUGGESTED)).scalars()}
    free = [d for d, r in zip(docs, reports) if r.hotspot_id not in reviewed]
    clusters = cluster(free, min_cluster_size=min_cluster_size) if len(free) >= min_cluster_size else []
    existing = {h.key: h for h in db.session.execute(db.select(Hotspot).where(Hotspot.status == SUGGESTED)).scalars()}
    previous = {key: set() for key in existing}
    for report in reports:
        if report.hotspot_id is not None and report.hotspot_id not in reviewed:
            hotspot = next((h for h in existing.values() if h.id == report.hotspot_id), None)
            if hotspot is not None:
                previous[hotspot.key].add(report.id)
    keys = match_ids(previous, clusters)
    by_id = {r.id: r for r in reports}
    for report in reports:
        if report.hotspot_id is not None and report.hotspot_id not in reviewed:
            report.hotspot_id = None
    kept = set()
    for key, found in zip(keys, clusters):
        hotspot = existing.get(key) or Hotspot(key=key, status=SUGGESTED)
        _describe(hotspot, found)
        db.session.add(hotspot)
        db.session.flush()
        kept.add(key)
        for member in found["members"]:
            by_id[member].hotspot_id = hotspot.id
    for key, hotspot in existing.items():
        if key not in kept:
            db.session.delete(hotspot)
    db.session.commit()
    invalidate()
    return len(clusters)


def _describe(hotspot: Hotspot, found: dict) -> None:
    """Copy nlp's description of a cluster onto the row."""
    lat, lon = found.get("centroid") or (None, None)
    west, south, east, north = found.get("bbox") or (None, None, None, None)
    hotspot.label, hotspot.keywords, hotspot.size = found["label"][:120], found["keywords"], found["size"]
    hotspot.centroid_lat, hotspot.centroid_lon = lat, lon
    hotspot.min_lon, hotspot.min_lat, hotspot.max_lon, hotspot.max_lat = west, south, east, north
    hotspot.first_seen, hotspot.last_seen = found.get("first_seen"), found.get("last_seen")
    hotspot.representative_report_id = found.get("representative")
    hotspot.growth, hotspot.heat = found.get("growth"), float(found.get("heat") or 0.0)
    hotspot.grids = [g for g in (found.get("grids") or []) if g]
    hotspot.dominant_category, hotspot.highest_severity = found.get("category"), found.get("severity_level")
    hotspot.updated_at = utcnow()


def assign_report(report: Report) -> int | None:
    """The suggested hotspot a newly analysed report belongs to (nearest members), or None."""
    from nlp.hotspots import assign
    state, ids = _state()
    if state is None:
        return None
    key = assign(report_doc(report), state)
    return ids.get(key)


def _build_state():
    """The incremental-assignment state of the current hotspots, and their ids by key."""
    from nlp.hotspots import build_state
    hotspots = db.session.execute(db.select(Hotspot).where(Hotspot.key.is_not(None))).scalars().all()
    members = db.session.execute(db.select(Report).where(
        Report.hotspot_id.in_([h.id for h in hotspots]), Report.tokens.is_not(None))).scalars().all()
    docs = [report_doc(r) for r in members]
    clusters = [{"id": h.key, "members": [r.id for r in members if r.hotspot_id == h.id]} for h in hotspots]
    state = build_state(docs, [c for c in clusters if c["members"]]) if docs else None
    return state, {h.key: h.id for h in hotspots}


# Re-clustering runs every few minutes: workers ask whether the hotspots changed every few seconds.
_states = TableCache(
    lambda: db.session.execute(db.select(db.func.count(Hotspot.id), db.func.max(Hotspot.updated_at))).one(),
    _build_state)


def _state():
    """The incremental-assignment state for the current hotspots, rebuilt when they change."""
    return _states.get()


def find_duplicate_of(report: Report, hours: int = 48, limit: int = 100) -> int | None:
    """An earlier report of the same hazard near the same place within the last hours."""
    from nlp.hotspots import find_duplicate
    since = report.created_at - timedelta(hours=hours)
    columns = (Report.id, Report.text_masked, Report.text, Report.tokens, Report.lat, Report.lon, Report.created_at,
               Report.place_code, Report.reporter_id, Report.severity)
    query = db.select(*columns).where(Report.id != report.id, Report.created_at >= since,
                                      Report.created_at <= report.created_at, Report.tokens.is_not(None))
    if report.lat is not None:  # about 0.3 km around the point
        query = query.where(Report.lat.between(report.lat - 0.004, report.lat + 0.004),
                            Report.lon.between(report.lon - 0.005, report.lon + 0.005))
    elif report.place_code:
        query = query.where(Report.place_code == report.place_code)
    else:
        return None
    # Plain rows, not ORM objects: the candidates are only read (report_doc reads a row's columns alike).
    recent = [report_doc(r) for r in db.session.execute(query.order_by(Report.id.desc()).limit(limit))]
    return find_duplicate(report_doc(report), recent, max_hours=hours) if recent else None


def invalidate() -> None:
    """Forget the assignment state (after a re-clustering, and between tests)."""
    _states.invalidate()
