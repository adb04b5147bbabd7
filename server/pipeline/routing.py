"""Opening a case for a report: classify, grade, route (triage) and record the dispatch."""
from triage.lifecycle import CaseStatus
from triage.routing import route as route_rule
from triage.severity import grade

from ..case_log import append_event
from ..cases.deadlines import case_deadlines
from ..cases.notifications import notify_dispatch
from ..extensions import db
from ..models import Case, CaseDepartment, Category, Department, Report, utcnow
from .places import area_index
from ..taxonomy_source import current_classifier, current_taxonomy

MANUAL_DISPATCH_BELOW = 0.45


def classify(report: Report, text: str, taxonomy) -> list[tuple[str, float]]:
    """Category suggestions, best first; a valid hint from the reporter comes first."""
    suggestions = current_classifier().predict(text)
    hint = report.category_hint
    if hint and taxonomy.subcategory(hint) is not None:
        suggestions = [(hint, 1.0)] + [s for s in suggestions if s[0] != hint]
    return suggestions[:3]


CLOSED_STATES = {CaseStatus.CLOSED.value, CaseStatus.MERGED.value}


def _locked_case(case_id: int) -> Case:
    """A case locked until the commit, so that events from concurrent workers chain one after another."""
    return db.session.get(Case, case_id, with_for_update=True, populate_existing=True)


def join_open_case(report: Report) -> Case | None:
    """The open case of the report this one duplicates, which it joins instead of opening its own."""
    if report.duplicate_of_id is None:
        return None
    original = db.session.get(Report, report.duplicate_of_id)
    case = _locked_case(original.case_id) if original is not None and original.case_id else None
    while case is not None and case.status == CaseStatus.MERGED.value and case.merged_into_id:
        case = _locked_case(case.merged_into_id)
    if case is None or case.status in CLOSED_STATES:
        return None
    append_event(case, "report_joined", case.status, note=f"report {report.id} reports the same hazard",
                 data={"report_id": report.id, "duplicate_of": original.id})
    return case


def open_case(report: Report, text: str) -> Case:
    """Create the case for a report with its lead and assisting departments."""
    taxonomy = current_taxonomy()
    suggestions = classify(report, text, taxonomy)
    code, confidence = suggestions[0] if suggestions else (None, 0.0)
    sub = taxonomy.subcategory(code) if code else None
    level, reasons = grade(text, sub, reporters=1)
    district = area_index().district_code.get(report.grid_id) if report.grid_id else None
    lead, assists = route_rule(taxonomy, code, district)
    departments = {d.code: d for d in db.session.execute(
        db.select(Department).where(Department.code.in_([lead, *assists]))).scalars()}
    manual = confidence < MANUAL_DISPATCH_BELOW or lead not in departments
    category = db.session.execute(db.select(Category).where(Category.code == code)).scalar_one_or_none() \
        if code else None
    report.category_id = category.id if category else None
    report.suggestions = [[c, round(s, 3)] for c, s in suggestions]
    report.severity, report.severity_reasons = level, reasons
    now = utcnow()
    sign_by, resolve_by = case_deadlines(taxonomy, level, now)
    case = Case(origin_report_id=report.id, category_id=report.category_id, severity=level,
                status=CaseStatus.RECEIVED.value, needs_manual_dispatch=manual, sign_by=sign_by,
                resolve_by=resolve_by, created_at=now)
    db.session.add(case)
    db.session.flush()
    case.number = f"GW{now:%Y%m%d}{case.id:06d}"
    append_event(case, "create", CaseStatus.RECEIVED.value, note=f"from report {report.id}",
                 data={"report_id": report.id, "suggestions": report.suggestions, "severity": level,
                       "severity_reasons": reasons})
    if manual:
        return case
    for dept_code, role in [(lead, "lead"), *((a, "assist") for a in assists if a != lead)]:
        if dept_code in departments:  # an assisting unit missing from the table is skipped
            case.departments.append(CaseDepartment(department_id=departments[dept_code].id, role=role,
                                                   assigned_at=now))
    case.dispatched_at = now
    append_event(case, "dispatch", CaseStatus.DISPATCHED.value, note="automatic dispatch",
                 data={"lead": lead, "assist": [a for a in assists if a != lead]})
    notify_dispatch(case)
    return case
