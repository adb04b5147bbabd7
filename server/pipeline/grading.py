"""Severity from how many people report a hazard: counting reporters, and raising a case's level as they come."""
from triage.severity import grade

from ..case_log import append_event
from ..cases.deadlines import case_deadlines
from ..extensions import db
from ..models import Case, Report


def count_reporters(*conditions) -> int:
    """Distinct people among the reports matching any condition (a report without an account counts alone)."""
    rows = db.session.execute(db.select(Report.id, Report.reporter_id).where(db.or_(*conditions))).all()
    return len({("user", r.reporter_id) if r.reporter_id else ("report", r.id) for r in rows}) or 1


def reporters_for_new_case(report: Report) -> int:
    """People reporting the hazard a new case is opened for: its hotspot's members, or just this report."""
    if report.hotspot_id is None:
        return 1
    return count_reporters(Report.hotspot_id == report.hotspot_id, Report.id == report.id)


def regrade_on_join(case: Case, report: Report, taxonomy, text: str) -> None:
    """Count the people behind a case after a report joins it; raise its level (never lower it) when they are many.

    A higher level brings the case's deadlines forward to what that level allows from its creation.
    """
    conditions = [Report.case_id == case.id, Report.id == report.id, Report.id == case.origin_report_id]
    if case.hotspot_id is not None:
        conditions.append(Report.hotspot_id == case.hotspot_id)
    case.reporters = max(case.reporters or 1, count_reporters(*conditions))
    sub = taxonomy.subcategory(case.category.code) if case.category else None
    level, reasons = grade(text, sub, reporters=case.reporters)
    if level >= case.severity:
        return
    previous = case.severity
    case.severity, case.severity_reasons = level, reasons
    sign_by, resolve_by = case_deadlines(taxonomy, level, case.created_at)
    if case.signed_at is None and case.sign_by and sign_by < case.sign_by:
        case.sign_by = sign_by
    if case.resolve_by and resolve_by < case.resolve_by:
        case.resolve_by = resolve_by
    append_event(case, "regrade", case.status, note=f"{case.reporters} people report it: level {previous} -> {level}",
                 data={"from": previous, "to": level, "reporters": case.reporters, "severity_reasons": reasons})
