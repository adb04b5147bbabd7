"""Closed cases as the case library shows them: what was done, how long it took, how the reporter rated it."""
from nlp.pii import mask

from server.cases import library
from server.extensions import db
from server.models import Area, Case, CaseEvent, CaseLibraryEntry, CaseRating, Report
from server.web.pagination import Page

RATING_ZH = {"satisfied": "满意", "basically_satisfied": "基本满意", "dissatisfied": "不满意"}
EXCERPT = 80  # characters of the (masked) report text shown


def _last_feedback(case_ids: list[int]) -> dict[int, dict]:
    """Each case's latest feedback (处置反馈) data."""
    out: dict[int, dict] = {}
    for event in db.session.execute(db.select(CaseEvent).where(CaseEvent.case_id.in_(case_ids),
                                                               CaseEvent.action == "feedback")
                                    .order_by(CaseEvent.case_id, CaseEvent.seq)).scalars():
        out[event.case_id] = event.data or {}
    return out


def _ratings(cases: list[Case]) -> dict[int, str]:
    """The rating of each case's origin report (else its first rating)."""
    origin = {c.id: c.origin_report_id for c in cases}
    out: dict[int, str] = {}
    for row in db.session.execute(db.select(CaseRating).where(CaseRating.case_id.in_(list(origin)))
                                  .order_by(CaseRating.id)).scalars():
        if row.case_id not in out or row.report_id == origin[row.case_id]:
            out[row.case_id] = row.rating
    return out


def _coarse(report: Report | None, areas: dict) -> dict | None:
    """Where, coarsely: the grid's name and the position rounded to 0.01° (about 1 km)."""
    if report is None:
        return None
    area = areas.get(report.grid_id)
    return {"area": area.name if area else None,
            "lat": round(report.lat, 2) if report.lat is not None else None,
            "lon": round(report.lon, 2) if report.lon is not None else None}


def present_library(case_ids: list[int], matches: dict | None = None) -> list[dict]:
    """Library items for the case ids, in that order; ``matches`` (id -> nlp.similar.Match) adds the scores."""
    if not case_ids:
        return []
    cases = {c.id: c for c in db.session.execute(db.select(Case).where(Case.id.in_(case_ids))).scalars()}
    reports = {r.id: r for r in db.session.execute(db.select(Report).where(
        Report.id.in_([c.origin_report_id for c in cases.values()]))).scalars()}
    areas = {a.id: a for a in db.session.execute(db.select(Area).where(
        Area.id.in_({r.grid_id for r in reports.values() if r.grid_id}))).scalars()}
    entries = {e.case_id: e for e in db.session.execute(db.select(CaseLibraryEntry).where(
        CaseLibraryEntry.case_id.in_(case_ids))).scalars()}
    feedback, ratings = _last_feedback(list(cases)), _ratings(list(cases.values()))
    items = []
    for case_id in case_ids:
        case = cases.get(case_id)
        if case is None:
            continue
        report, entry, done = reports.get(case.origin_report_id), entries.get(case_id), feedback.get(case_id, {})
        text = (report.text_masked if report.text_masked is not None else mask(report.text or "")) if report else ""
        start = case.dispatched_at or case.created_at
        hours = (case.closed_at - start).total_seconds() / 3600 if case.closed_at and start else None
        item = {
            "id": case.id, "number": case.number, "status": case.status,
            "category": {"code": case.category.code, "name": case.category.name} if case.category else None,
            "place": _coarse(report, areas), "excerpt": text[:EXCERPT],
            "handling": {k: done.get(k) for k in ("measures", "result", "personnel", "equipment", "public_reply")},
            "closed_at": case.closed_at, "hours_to_close": round(hours, 1) if hours is not None else None,
            "rating": ratings.get(case.id), "rating_zh": RATING_ZH.get(ratings.get(case.id)),
            "model": bool(entry and entry.model), "model_summary": entry.summary if entry and entry.model else None,
            "model_marked_at": entry.marked_at if entry and entry.model else None,
        }
        match = (matches or {}).get(case_id)
        if match is not None:
            item["similarity"] = {"score": match.score, "text": match.text, "same_category": match.same_category,
                                  "distance_km": match.distance_km}
        items.append(item)
    return items


def paged_library(q: str, category: str | None, model_only: bool, page: int, per_page: int, cap: int) -> Page:
    """One page of the library, presented: by words (most similar first, at most ``cap`` matches looked at), else
    model cases first, then the most recently closed (for the API and the admin's page alike)."""
    if q.strip():
        found = library.search(q, category, model_only, min(page * per_page, cap))
        chosen = found[(page - 1) * per_page:page * per_page]
        return Page(present_library([m.id for m in chosen], {m.id: m for m in chosen}), page, per_page, len(found))
    ids, total = library.newest(category, model_only, per_page, (page - 1) * per_page)
    return Page(present_library(ids), page, per_page, total)
