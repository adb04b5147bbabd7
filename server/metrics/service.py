"""Department assessment (接诉即办 三率) over the cases in the database; the arithmetic is triage.metrics."""
from flask import current_app, has_app_context

from triage.lifecycle import CaseStatus
from triage.metrics import DEFAULT_WEIGHTS, PERIOD, Assignment, department_rates, period_bounds

from server.extensions import db
from server.models import Case, CaseDepartment, CaseRating, Department, utcnow

__all__ = ["DEFAULT_WEIGHTS", "PERIOD", "department_metrics", "period_bounds"]


def _candidates(start, end):
    """The (department row, case) pairs that may count in [start, end): assigned, signed, due, closed or rated in it."""
    within = lambda column: column.between(start, end)  # noqa: E731  (a little wider than [start, end): filtered later)
    rated = db.select(CaseRating.case_id).where(within(CaseRating.created_at))
    return db.session.execute(
        db.select(CaseDepartment, Case).join(Case, Case.id == CaseDepartment.case_id)
        .where(Case.status != CaseStatus.MERGED.value,
               db.or_(within(CaseDepartment.assigned_at), within(CaseDepartment.signed_at), within(Case.sign_by),
                      within(Case.closed_at), within(Case.resolve_by), within(Case.dispatched_at),
                      within(Case.created_at), Case.id.in_(rated)))).all()


def department_metrics(period: str, now=None) -> list[dict]:
    """One row per department with anything due, assigned or rated in the period (China time), ranked (1 = best)."""
    start, end = period_bounds(period)
    weights = (current_app.config.get("CASE_METRICS_WEIGHTS") if has_app_context() else None) or DEFAULT_WEIGHTS
    rows = _candidates(start, end)
    ratings: dict[int, list[tuple[str, object]]] = {}
    case_ids = {case.id for _, case in rows}
    if case_ids:
        for r in db.session.execute(db.select(CaseRating).where(CaseRating.case_id.in_(case_ids))).scalars():
            ratings.setdefault(r.case_id, []).append((r.rating, r.created_at))
    departments = {d.id: d for d in db.session.execute(db.select(Department)).scalars()}
    code = lambda dept_id: departments[dept_id].code if dept_id in departments else str(dept_id)  # noqa: E731
    closed = CaseStatus.CLOSED.value
    # Automatic dispatch at routing may leave assigned_at empty: the dispatch (or the case's creation) is it then.
    facts = [Assignment(department=code(cd.department_id), role=cd.role,
                        assigned_at=cd.assigned_at or case.dispatched_at or case.created_at,
                        signed_at=cd.signed_at, sign_by=case.sign_by,
                        closed_at=(case.closed_at or case.updated_at) if case.status == closed else None,
                        feedback_at=case.feedback_at, resolve_by=case.resolve_by,
                        disputed=case.status == closed and bool(case.rating_review),
                        ratings=tuple(ratings.get(case.id, ())))
             for cd, case in rows]
    names = {d.code: d.name for d in departments.values()}
    result = department_rates(facts, period, weights, now=now or utcnow())
    for row in result:
        row["name"] = names.get(row["department"])
    return result
