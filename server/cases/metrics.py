"""Department assessment (接诉即办 三率): response, resolution and satisfaction rates, on-time rate, times, ranking.

A department's period is the month (Asia/Shanghai) in which cases were assigned to it.
- response rate: its signatures within the case's sign-for deadline / cases assigned to it;
- resolution rate (lead cases): closed and not rated dissatisfied / lead cases;
- satisfaction rate (lead cases): (satisfied + basically satisfied) / ratings;
- on-time rate (lead cases): closed with the last feedback by the resolve-by deadline / closed;
- mean hours from assignment to signature, and to the (last) feedback of closed lead cases;
- score: a weighted sum of the three rates (``CASE_METRICS_WEIGHTS``), missing rates left out; ranked by it.
"""
import re
from datetime import datetime
from statistics import mean

from flask import current_app, has_app_context

from triage.lifecycle import CaseStatus as S

from ..extensions import db
from ..models import Case, CaseDepartment, CaseRating, Department
from .deadlines import LOCAL

DEFAULT_WEIGHTS = {"response": 0.1, "resolution": 0.45, "satisfaction": 0.45}
PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def period_bounds(period: str) -> tuple[datetime, datetime]:
    """The month YYYY-MM in China's time zone, as aware datetimes [start, end)."""
    match = PERIOD.match(period or "")
    if not match:
        raise ValueError(f"period must be YYYY-MM, not {period!r}")
    year, month = int(match[1]), int(match[2])
    start = datetime(year, month, 1, tzinfo=LOCAL)
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=LOCAL)
    return start, end


def _rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def _hours(values: list[float]) -> float | None:
    return round(mean(values), 2) if values else None


def department_metrics(period: str) -> list[dict]:
    """One row per department with cases assigned in the period, ranked (1 = best)."""
    start, end = period_bounds(period)
    weights = (current_app.config.get("CASE_METRICS_WEIGHTS") if has_app_context() else None) or DEFAULT_WEIGHTS
    # Automatic dispatch at routing leaves assigned_at empty: the case's creation is the assignment then.
    assigned = db.func.coalesce(CaseDepartment.assigned_at, Case.dispatched_at, Case.created_at)
    rows = db.session.execute(
        db.select(CaseDepartment, Case).join(Case, Case.id == CaseDepartment.case_id)
        .where(assigned >= start, assigned < end, Case.status != S.MERGED.value)).all()
    case_ids = {case.id for _, case in rows}
    ratings: dict[int, list[str]] = {}
    if case_ids:
        for r in db.session.execute(db.select(CaseRating).where(CaseRating.case_id.in_(case_ids))).scalars():
            ratings.setdefault(r.case_id, []).append(r.rating)
    departments = {d.id: d for d in db.session.execute(db.select(Department)).scalars()}
    per: dict[int, dict] = {}
    for cd, case in rows:
        assigned_at = cd.assigned_at or case.dispatched_at or case.created_at
        m = per.setdefault(cd.department_id, {"assigned": 0, "lead": 0, "signed": 0, "signed_in_time": 0,
                                              "closed": 0, "resolved": 0, "on_time": 0, "sign_hours": [],
                                              "resolve_hours": [], "ratings": {"satisfied": 0,
                                                                               "basically_satisfied": 0,
                                                                               "dissatisfied": 0}})
        m["assigned"] += 1
        if cd.signed_at is not None:
            m["signed"] += 1
            m["signed_in_time"] += case.sign_by is None or cd.signed_at <= case.sign_by
            m["sign_hours"].append((cd.signed_at - assigned_at).total_seconds() / 3600)
        if cd.role != "lead":
            continue
        m["lead"] += 1
        case_ratings = ratings.get(case.id, [])
        for rating in case_ratings:
            m["ratings"][rating] += 1
        if case.status == S.CLOSED.value:
            m["closed"] += 1
            m["resolved"] += "dissatisfied" not in case_ratings
            if case.feedback_at is not None:
                m["on_time"] += case.resolve_by is None or case.feedback_at <= case.resolve_by
                m["resolve_hours"].append((case.feedback_at - assigned_at).total_seconds() / 3600)
    result = []
    for dept_id, m in per.items():
        rated = sum(m["ratings"].values())
        rates = {"response": _rate(m["signed_in_time"], m["assigned"]), "resolution": _rate(m["resolved"], m["lead"]),
                 "satisfaction": _rate(m["ratings"]["satisfied"] + m["ratings"]["basically_satisfied"], rated)}
        scored = {k: v for k, v in rates.items() if v is not None}
        weight = sum(weights[k] for k in scored)
        score = round(sum(weights[k] * v for k, v in scored.items()) / weight * 100, 2) if weight else None
        dept = departments.get(dept_id)
        result.append({
            "department": dept.code if dept else str(dept_id), "name": dept.name if dept else None,
            "period": period, "assigned": m["assigned"], "lead": m["lead"], "signed": m["signed"],
            "signed_in_time": m["signed_in_time"], "closed": m["closed"], "resolved": m["resolved"],
            "on_time": m["on_time"], "ratings": m["ratings"], "rated": rated,
            "response_rate": rates["response"], "resolution_rate": rates["resolution"],
            "satisfaction_rate": rates["satisfaction"], "on_time_rate": _rate(m["on_time"], m["closed"]),
            "mean_hours_to_sign": _hours(m["sign_hours"]), "mean_hours_to_resolve": _hours(m["resolve_hours"]),
            "score": score,
        })
    result.sort(key=lambda r: (r["score"] is None, -(r["score"] or 0), r["department"]))
    for rank, row in enumerate(result, start=1):
        row["rank"] = rank
    return result
