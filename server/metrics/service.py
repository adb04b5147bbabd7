"""Department assessment (接诉即办 三率) over the cases in the database; the arithmetic is triage.metrics."""
from flask import current_app, has_app_context

from triage.lifecycle import CaseStatus as S
from triage.metrics import DEFAULT_WEIGHTS, PERIOD, Assignment, department_rates, period_bounds

from server.extensions import db
from server.models import Case, CaseDepartment, CaseRating, Department

__all__ = ["DEFAULT_WEIGHTS", "PERIOD", "department_metrics", "period_bounds"]


def department_metrics(period: str) -> list[dict]:
    """One row per department with cases assigned in the period (China time), ranked (1 = best)."""
    start, end = period_bounds(period)
    weights = (current_app.config.get("CASE_METRICS_WEIGHTS") if has_app_context() else None) or DEFAULT_WEIGHTS
    # Automatic dispatch at routing leaves assigned_at empty: the case's creation is the assignment then.
    assigned = db.func.coalesce(CaseDepartment.assigned_at, Case.dispatched_at, Case.created_at)
    rows = db.session.execute(
        db.select(CaseDepartment, Case).join(Case, Case.id == CaseDepartment.case_id)
        .where(assigned >= start, assigned < end, Case.status != S.MERGED.value)).all()
    ratings: dict[int, list[str]] = {}
    case_ids = {case.id for _, case in rows}
    if case_ids:
        for r in db.session.execute(db.select(CaseRating).where(CaseRating.case_id.in_(case_ids))).scalars():
            ratings.setdefault(r.case_id, []).append(r.rating)
    departments = {d.id: d for d in db.session.execute(db.select(Department)).scalars()}
    code = lambda dept_id: departments[dept_id].code if dept_id in departments else str(dept_id)  # noqa: E731
    facts = [Assignment(department=code(cd.department_id), role=cd.role,
                        assigned_at=cd.assigned_at or case.dispatched_at or case.created_at,
                        signed_at=cd.signed_at, sign_by=case.sign_by, closed=case.status == S.CLOSED.value,
                        feedback_at=case.feedback_at, resolve_by=case.resolve_by,
                        ratings=tuple(ratings.get(case.id, ())))
             for cd, case in rows]
    names = {d.code: d.name for d in departments.values()}
    result = department_rates(facts, period, weights)
    for row in result:
        row["name"] = names.get(row["department"])
    return result
