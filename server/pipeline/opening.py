"""Opening a case for a report: classify, grade, route (triage) and record the dispatch."""
from flask import current_app

from triage.lifecycle import FINISHED, CaseStatus
from triage.severity import grade

from server.cases.log import lock_case, lock_case_of_report
from server.cases.deadlines import case_deadlines
from server.cases.service import Context, apply_action, record
from server.extensions import db
from server.models import Area, Case, Department, Report, utcnow
from server.pipeline.grading import count_origin, regrade_on_join, reporters_for_new_case
from server.pipeline.places import area_index
from server.taxonomy.source import category_ids, current_suggester, current_taxonomy


def suggest(report: Report, text: str, district: str | None) -> tuple[list[dict], str]:
    """The top three ways to handle the report (category, confidence, lead, assist, reason), and their source.

    Each reason (why this category, which routing rule, the confidence) is kept with its suggestion, with
    the district's name and the manual dispatch threshold of the moment.
    """
    suggester = current_suggester()
    found = [s.as_dict() for s in suggester.suggest(text, hint=report.category_hint, district=district, k=3)]
    district_name = None
    if district and any(s["reason"].get("rule", {}).get("district") for s in found):
        district_name = db.session.execute(db.select(Area.name).where(Area.code == district)).scalar()
    for s in found:
        s["reason"]["manual_dispatch_below"] = current_app.config["MANUAL_DISPATCH_BELOW"]
        if district_name and s["reason"].get("rule", {}).get("district"):
            s["reason"]["rule"]["district_name"] = district_name
    return found, suggester.source


def join_open_case(report: Report, text: str) -> Case | None:
    """The open case of the report this one duplicates, which it joins instead of opening its own."""
    if report.duplicate_of_id is None:
        return None
    return join_case(follow_merges(lock_case_of_report(report.duplicate_of_id)), report, text)


def follow_merges(case: Case | None) -> Case | None:
    """The (locked) case itself, or the case it was merged into (locked), as far as merges go."""
    while case is not None and case.status == CaseStatus.MERGED.value and case.merged_into_id:
        case = lock_case(case.merged_into_id)
    return case


def join_case(case: Case | None, report: Report, text: str, new_person: bool | None = None) -> Case | None:
    """The report joins the case of its duplicate (locked by the caller), unless there is none or it is finished.

    ``new_person``: whether the report's person is new to the case, when the caller counted them in already."""
    if not joinable(case):
        return None
    record(case, "report_joined", note=f"report {report.id} reports the same hazard",
           data={"report_id": report.id, "duplicate_of": report.duplicate_of_id})
    regrade_on_join(case, report, current_taxonomy(), text, new_person)
    return case


def joinable(case: Case | None) -> bool:
    """Whether a report may join the case (there is one and it is not finished)."""
    return case is not None and case.status not in FINISHED


def open_case(report: Report, text: str) -> Case:
    """Create the case for a report with its lead and assisting departments (or for manual dispatch)."""
    taxonomy = current_taxonomy()
    district = area_index().district_code.get(report.grid_id) if report.grid_id else None
    suggestions, source = suggest(report, text, district)
    best = suggestions[0] if suggestions else {"category": None, "confidence": 0.0, "lead": None, "assist": []}
    code, lead, assists = best["category"], best["lead"], best["assist"]
    sub = taxonomy.subcategory(code) if code else None
    reporters = reporters_for_new_case(report)
    level, reasons = grade(text, sub, reporters=reporters)
    departments = {d.code: d for d in db.session.execute(
        db.select(Department).where(Department.code.in_([c for c in [lead, *assists] if c]),
                                    Department.active.is_(True))).scalars()}
    manual = best["confidence"] < current_app.config["MANUAL_DISPATCH_BELOW"] or lead not in departments
    report.category_id = category_ids().get(code) if code else None
    report.suggestions = [[s["category"], s["confidence"]] for s in suggestions]
    report.severity, report.severity_reasons = level, reasons
    now = utcnow()
    sign_by, resolve_by = case_deadlines(taxonomy, level, now)
    case = Case(origin_report_id=report.id, category_id=report.category_id, severity=level,
                status=CaseStatus.RECEIVED.value, needs_manual_dispatch=manual, sign_by=sign_by,
                resolve_by=resolve_by, created_at=now, suggestions=suggestions, classifier=source,
                severity_reasons=reasons, reporters=reporters, hotspot_id=report.hotspot_id,
                events=[], departments=[])  # new: nothing to load
    db.session.add(case)
    db.session.flush()
    case.number = f"GW{now:%Y%m%d}{case.id:06d}"
    count_origin(case, report)
    record(case, "create", to_status=CaseStatus.RECEIVED.value, note=f"from report {report.id}",
           data={"report_id": report.id, "suggestions": suggestions, "classifier": source,
                 "severity": level, "severity_reasons": reasons})
    if manual:
        return case
    # The system dispatches as a supervisor would (same effect, event and notices); an assisting unit missing from
    # the table is left out. The pipeline commits the case with the report.
    assist = [a for a in assists if a != lead and a in departments]
    apply_action(case, "dispatch", Context(None, {"lead": lead, "assist": assist, "note": "automatic dispatch"}),
                 commit=False)
    return case
