"""Open reports near a point, as a resident about to report may see them: coarse place, no personal data.

Candidates come from the H3 cells around the point (the index on (cell, created_at) that near-duplicate search
uses), the newest of each cell within the window; one entry per case (its first report near the point), nearest
first, with how many people stand behind it (reporters and supporters).
"""
import math
from datetime import timedelta

from triage.lifecycle import FINISHED

from server.extensions import db
from server.models import Case, Report, User, utcnow
from server.models.supports import ReportSupport
from server.taxonomy.filters import category_codes, category_ids

WINDOW_DAYS = 30
PER_CELL = 50
MAX_ITEMS = 10
RING_KM = 0.46  # each ring of resolution-8 cells reaches at least this much further out
TEXT_CHARS = 60


def _cells(lat: float, lon: float, radius_m: int) -> list[str]:
    """The cell of the point and enough rings around it to hold every point within the radius."""
    import h3

    from nlp.hotspots.duplicates import cell_of  # lazy: nlp.hotspots loads its clustering stack on import
    rings = max(1, math.ceil(radius_m / 1000 / RING_KM))
    return sorted(h3.grid_disk(cell_of(lat, lon), rings))


def _metres(lat1, lon1, lat2, lon2) -> float:
    """Equirectangular distance in metres (fine within a kilometre)."""
    dy = (lat2 - lat1) * 111320
    dx = (lon2 - lon1) * 111320 * math.cos(math.radians(lat1))
    return math.hypot(dx, dy)


def _category_filter(code: str):
    """Reports of the categories ``code`` selects (``server.taxonomy.filters``: a subcategory, or a class and its
    subcategories), by the machine's category or the reporter's hint."""
    return Report.category_id.in_(category_ids(code)) | Report.category_hint.in_(category_codes(code))


def find_nearby(user: User, lat: float, lon: float, radius_m: int, category: str | None) -> list[dict]:
    """Open reports of the kind near the point, one per case, nearest first."""
    since = utcnow() - timedelta(days=WINDOW_DAYS)
    open_case = Report.case_id.is_(None) | Report.case_id.in_(
        db.select(Case.id).where(Case.status.not_in([s.value for s in FINISHED])))
    candidates = []
    for cell in _cells(lat, lon, radius_m):  # one capped index scan per cell
        query = db.select(Report).where(Report.cell == cell, Report.created_at >= since, Report.stage != "failed",
                                        Report.lat.is_not(None), open_case)
        if category:
            query = query.where(_category_filter(category))
        candidates += db.session.execute(query.order_by(Report.created_at.desc()).limit(PER_CELL)).scalars().all()
    near = sorted(((_metres(lat, lon, r.lat, r.lon), r) for r in candidates), key=lambda p: (p[0], p[1].id))
    chosen, seen = [], set()
    for metres, report in near:
        key = ("case", report.case_id) if report.case_id else ("report", report.id)
        if metres > radius_m or key in seen:
            continue
        seen.add(key)
        chosen.append((metres, report))
        if len(chosen) == MAX_ITEMS:
            break
    return _present(user, chosen)


def _present(user: User, chosen: list) -> list[dict]:
    ids = [r.id for _, r in chosen]
    cases = {c.id: c for c in db.session.execute(db.select(Case).where(
        Case.id.in_({r.case_id for _, r in chosen if r.case_id}))).scalars()}
    mine = set(db.session.execute(db.select(ReportSupport.report_id).where(
        ReportSupport.user_id == user.id, ReportSupport.report_id.in_(ids))).scalars())
    own_cases = set(db.session.execute(db.select(Report.case_id).where(
        Report.reporter_id == user.id, Report.case_id.in_(list(cases)))).scalars()) if cases else set()
    supports = dict(db.session.execute(db.select(ReportSupport.report_id, db.func.count()).where(
        ReportSupport.report_id.in_(ids)).group_by(ReportSupport.report_id)).all()) if ids else {}
    out = []
    for metres, report in chosen:
        case = cases.get(report.case_id)
        category = (case.category if case and case.category else None) or report.category
        out.append({
            "id": report.id, "case_id": report.case_id,
            "category": {"code": category.code, "name": category.name} if category else None,
            "text": (report.text_masked if report.text_masked is not None else "")[:TEXT_CHARS],
            "lat": round(report.lat, 3), "lon": round(report.lon, 3), "distance_m": int(round(metres, -1)),
            "status": f"case.{case.status}" if case else report.stage,
            "supporters": (case.reporters or 1) if case else 1 + supports.get(report.id, 0),
            "created_at": report.created_at,
            "supported": report.id in mine or report.reporter_id == user.id or report.case_id in own_cases,
        })
    return out
