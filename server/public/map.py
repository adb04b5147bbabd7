"""The public map: recent reports and closed cases, each placed only by a 200 m cell and counted, with nothing
about the people who reported them (no name, no text, no exact point; anonymous or not, nobody is attributed).

One dot per case (a case's reports count once) and per report still being processed; dots of the same cell,
category and status are merged into one with a count. Answers are cached for ``PUBLIC_MAP_CACHE_SECONDS``.
"""
import math
import time
from datetime import timedelta

from flask import current_app

from server.extensions import db
from server.models import Case, Category, Report, utcnow
from server.taxonomy.filters import category_ids
from server.web.localtime import city_zone

CELL_M = 200.0
METRES_PER_DEGREE = 111_320.0
MAX_ROWS = 20_000  # newest first: a city's month fits; beyond it the oldest dots are left out
CLOSED = "closed"
PROCESSING = "processing"  # a report not yet turned into a case
HIDDEN_STATUSES = {"merged"}  # a merged case is shown as the case it joined


def cell_of(lat: float, lon: float, cell_m: float = CELL_M) -> tuple[int, int]:
    """The cell (row, column) holding a point: rows of ``cell_m`` metres of latitude, columns of ``cell_m`` metres
    measured at the row's middle latitude."""
    row = math.floor(lat * METRES_PER_DEGREE / cell_m)
    middle = (row + 0.5) * cell_m / METRES_PER_DEGREE
    width = cell_m / (METRES_PER_DEGREE * max(math.cos(math.radians(middle)), 1e-6))
    return row, math.floor(lon / width)


def cell_centre(row: int, col: int, cell_m: float = CELL_M) -> tuple[float, float]:
    """The middle of a cell (latitude, longitude), rounded to 5 decimals."""
    lat = (row + 0.5) * cell_m / METRES_PER_DEGREE
    width = cell_m / (METRES_PER_DEGREE * max(math.cos(math.radians(lat)), 1e-6))
    return round(lat, 5), round((col + 0.5) * width, 5)


def _status_group(status: str) -> str:
    return "closed" if status == CLOSED else "open"


def _rows(since, category: str | None, status: str = "all"):
    """(group key, lat, lon, category id, status, last activity) for cases and for reports without a case, of the
    status group asked for (``open`` takes reports still being processed; ``closed`` takes none)."""
    cases = (db.select(Case.id, Report.lat, Report.lon, db.func.coalesce(Case.category_id, Report.category_id),
                       Case.status, db.func.coalesce(Case.closed_at, Case.created_at))
             .join(Report, Report.id == Case.origin_report_id)
             .where(Report.lat.is_not(None), Case.status.not_in(HIDDEN_STATUSES),
                    db.or_(Case.created_at >= since, Case.closed_at >= since)))
    pending = (db.select(Report.id, Report.lat, Report.lon, Report.category_id, db.literal(PROCESSING),
                         Report.created_at)
               .where(Report.case_id.is_(None), Report.lat.is_not(None), Report.stage != "failed",
                      Report.created_at >= since))
    if category:
        cases = cases.where(db.func.coalesce(Case.category_id, Report.category_id).in_(category_ids(category)))
        pending = pending.where(Report.category_id.in_(category_ids(category)))
    if status != "all":
        cases = cases.where(Case.status == CLOSED if status == "closed" else Case.status != CLOSED)
    sources = [("c", cases, Case.id.desc())] + ([("r", pending, Report.id.desc())] if status != "closed" else [])
    for prefix, query, order in sources:
        for key, lat, lon, cat, status, at in db.session.execute(query.order_by(order).limit(MAX_ROWS)):
            yield f"{prefix}{key}", lat, lon, cat, status, at


def _categories() -> dict[int, dict]:
    return {c.id: {"code": c.code, "name": c.name, "name_en": c.name_en}
            for c in db.session.execute(db.select(Category)).scalars()}


def build_map(days: int, status: str, category: str | None) -> dict:
    """The public map's dots (see the module docstring) for the last ``days`` days."""
    since = utcnow() - timedelta(days=days)
    cats, dots = _categories(), {}
    for _key, lat, lon, cat, state, at in _rows(since, category, status):
        cell = cell_of(lat, lon)
        dot = dots.setdefault((cell, cat, state), {"count": 0, "last": at})
        dot["count"] += 1
        dot["last"] = max(dot["last"], at)
    features, zone = [], city_zone()
    for ((row, col), cat, state), dot in sorted(dots.items(), key=lambda item: item[1]["last"], reverse=True):
        lat, lon = cell_centre(row, col)
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
                         "properties": {"cell": f"{row}:{col}", "category": cats.get(cat), "status": state,
                                        "group": _status_group(state), "count": dot["count"],
                                        "last_day": dot["last"].astimezone(zone).date().isoformat()}})
    return {"type": "FeatureCollection", "features": features, "cell_m": int(CELL_M), "days": days,
            "generated_at": utcnow()}


def cached_map(days: int, status: str, category: str | None, render=lambda answer: answer):
    """:func:`build_map` as ``render`` makes it (the API: the JSON bytes, so that a cached answer costs no
    serialisation), kept for ``PUBLIC_MAP_CACHE_SECONDS`` per query in this process."""
    ttl = current_app.config["PUBLIC_MAP_CACHE_SECONDS"]
    cache = current_app.extensions.setdefault("gridwatch_public_map", {})
    key, now = (days, status, category), time.monotonic()
    hit = cache.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    answer = render(build_map(days, status, category))
    if ttl > 0:
        if len(cache) > 256:  # a bounded cache: forget everything rather than grow
            cache.clear()
        cache[key] = (now + ttl, answer)
    return answer
