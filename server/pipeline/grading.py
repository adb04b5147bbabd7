"""Severity from how many people report a hazard: counting reporters, and raising a case's level as they come."""
from triage.lifecycle import FINISHED
from triage.severity import grade

from ..case_log import append_event, lock_case
from ..cases.deadlines import case_deadlines
from ..extensions import db
from ..models import Case, Report


def count_reporters(*conditions) -> int:
    """Distinct people among the reports matching any condition (a report without an account counts alone)."""
    rows = db.session.execute(db.select(Report.id, Report.reporter_id).where(db.or_(*conditions))).all()
    return _people(rows) or 1


def _people(rows) -> int:
    return len({("user", r.reporter_id) if r.reporter_id else ("report", r.id) for r in rows})


def reporters_for_new_case(report: Report) -> int:
    """People reporting the hazard a new case is opened for: its hotspot's members, or just this report."""
    if report.hotspot_id is None:
        return 1
    return count_reporters(Report.hotspot_id == report.hotspot_id, Report.id == report.id)


def regrade_on_join(case: Case, report: Report, taxonomy, text: str) -> None:
    """Count the people behind a case after a report joins it; raise its level when they are many."""
    conditions = [Report.case_id == case.id, Report.id == report.id, Report.id == case.origin_report_id]
    if case.hotspot_id is not None:
        conditions.append(Report.hotspot_id == case.hotspot_id)
    raise_level(case, taxonomy, text, count_reporters(*conditions))


def raise_level(case: Case, taxonomy, text: str, reporters: int) -> bool:
    """Record how many people report the case and raise its level (never lower it) if that warrants it.

    A higher level brings the case's deadlines forward to what that level allows from its creation.
    """
    case.reporters = max(case.reporters or 1, reporters)
    sub = taxonomy.subcategory(case.category.code) if case.category else None
    level, reasons = grade(text, sub, reporters=case.reporters)
    if level >= case.severity:
        return False
    previous = case.severity
    case.severity, case.severity_reasons = level, reasons
    sign_by, resolve_by = case_deadlines(taxonomy, level, case.created_at)
    if case.signed_at is None and case.sign_by and sign_by < case.sign_by:
        case.sign_by = sign_by
    if case.resolve_by and resolve_by < case.resolve_by:
        case.resolve_by = resolve_by
    append_event(case, "regrade", case.status, note=f"{case.reporters} people report it: level {previous} -> {level}",
                 data={"from": previous, "to": level, "reporters": case.reporters, "severity_reasons": reasons})
    return True


def regrade_hotspot_cases() -> int:
    """After a re-clustering: link open cases to their hotspot and raise those that many people report.

    Returns how many cases were raised. Each case is locked while it changes, as the pipeline does.
    """
    from ..taxonomy_source import current_taxonomy
    from .stages import full_text
    rows = db.session.execute(db.select(Report.id, Report.reporter_id, Report.hotspot_id, Report.case_id)
                              .where(Report.hotspot_id.is_not(None))).all()
    members: dict[int, list] = {}
    for row in rows:
        members.setdefault(row.hotspot_id, []).append(row)
    taxonomy, raised = current_taxonomy(), 0
    for hotspot_id, group in members.items():
        people = _people(group)
        for case_id in sorted({r.case_id for r in group if r.case_id}):
            case = lock_case(case_id)
            if case is None or case.status in FINISHED or (case.reporters or 1) >= people:
                db.session.commit()
                continue
            case.hotspot_id = case.hotspot_id or hotspot_id
            origin = db.session.get(Report, case.origin_report_id)
            raised += raise_level(case, taxonomy, full_text(origin), people)
            db.session.commit()
    return raised
