"""Department assessment (接诉即办 三率) from plain facts about case assignments.

A department's period is the month (Asia/Shanghai) in which cases were assigned to it.
- response rate: its signatures within the case's sign-for deadline / cases assigned to it;
- resolution rate (lead cases): closed and not rated dissatisfied / lead cases;
- satisfaction rate (lead cases): (satisfied + basically satisfied) / ratings;
- on-time rate (lead cases): closed with the last feedback by the resolve-by deadline / closed;
- mean hours from assignment to signature, and to the (last) feedback of closed lead cases;
- score: a weighted sum of the three rates, missing rates left out; ranked by it (1 = best).
"""

import re
from dataclasses import dataclass, field
from datetime import datetime
from statistics import mean

from triage.deadlines import LOCAL

DEFAULT_WEIGHTS = {"response": 0.1, "resolution": 0.45, "satisfaction": 0.45}
PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
RATINGS = ("satisfied", "basically_satisfied", "dissatisfied")


@dataclass(frozen=True)
class Assignment:
    """One department on one case: when it got the case, signed for it, and how the case ended."""

    department: str
    role: str  # lead | assist
    assigned_at: datetime
    signed_at: datetime | None = None
    sign_by: datetime | None = None
    closed: bool = False
    feedback_at: datetime | None = None
    resolve_by: datetime | None = None
    ratings: tuple[str, ...] = ()


@dataclass
class _Tally:
    assigned: int = 0
    lead: int = 0
    signed: int = 0
    signed_in_time: int = 0
    closed: int = 0
    resolved: int = 0
    on_time: int = 0
    sign_hours: list = field(default_factory=list)
    resolve_hours: list = field(default_factory=list)
    ratings: dict = field(default_factory=lambda: dict.fromkeys(RATINGS, 0))


def period_bounds(period: str) -> tuple[datetime, datetime]:
    """The month YYYY-MM in China's time zone, as aware datetimes [start, end)."""
    match = PERIOD.match(period or "")
    if not match:
        raise ValueError(f"period must be YYYY-MM, not {period!r}")
    year, month = int(match[1]), int(match[2])
    return (datetime(year, month, 1, tzinfo=LOCAL),
            datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=LOCAL))


def _rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def _hours(values: list[float]) -> float | None:
    return round(mean(values), 2) if values else None


def _tally(assignments) -> dict[str, _Tally]:
    per: dict[str, _Tally] = {}
    for a in assignments:
        t = per.setdefault(a.department, _Tally())
        t.assigned += 1
        if a.signed_at is not None:
            t.signed += 1
            t.signed_in_time += a.sign_by is None or a.signed_at <= a.sign_by
            t.sign_hours.append((a.signed_at - a.assigned_at).total_seconds() / 3600)
        if a.role != "lead":
            continue
        t.lead += 1
        for rating in a.ratings:
            t.ratings[rating] += 1
        if a.closed:
            t.closed += 1
            t.resolved += "dissatisfied" not in a.ratings
            if a.feedback_at is not None:
                t.on_time += a.resolve_by is None or a.feedback_at <= a.resolve_by
                t.resolve_hours.append((a.feedback_at - a.assigned_at).total_seconds() / 3600)
    return per


def department_rates(assignments, period: str = "", weights: dict | None = None) -> list[dict]:
    """One row per department, ranked by score (departments without a score last, then by code)."""
    weights = weights or DEFAULT_WEIGHTS
    rows = []
    for dept, t in _tally(assignments).items():
        rated = sum(t.ratings.values())
        rates = {"response": _rate(t.signed_in_time, t.assigned), "resolution": _rate(t.resolved, t.lead),
                 "satisfaction": _rate(t.ratings["satisfied"] + t.ratings["basically_satisfied"], rated)}
        scored = {k: v for k, v in rates.items() if v is not None}
        weight = sum(weights[k] for k in scored)
        rows.append({
            "department": dept, "period": period, "assigned": t.assigned, "lead": t.lead, "signed": t.signed,
            "signed_in_time": t.signed_in_time, "closed": t.closed, "resolved": t.resolved, "on_time": t.on_time,
            "ratings": t.ratings, "rated": rated, "response_rate": rates["response"],
            "resolution_rate": rates["resolution"], "satisfaction_rate": rates["satisfaction"],
            "on_time_rate": _rate(t.on_time, t.closed), "mean_hours_to_sign": _hours(t.sign_hours),
            "mean_hours_to_resolve": _hours(t.resolve_hours),
            "score": round(sum(weights[k] * v for k, v in scored.items()) / weight * 100, 2) if weight else None,
        })
    rows.sort(key=lambda r: (r["score"] is None, -(r["score"] or 0), r["department"]))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    return rows


def format_table(rows: list[dict]) -> str:
    """The rows as a fixed-width table for a terminal."""
    pct = lambda v: "—" if v is None else f"{v * 100:.1f}%"  # noqa: E731
    hours = lambda v: "—" if v is None else f"{v:.1f}"  # noqa: E731
    lines = [f"{'rank':>4} {'dept':<10} {'cases':>5} {'response':>9} {'resolution':>10} {'satisfied':>9} "
             f"{'on-time':>8} {'h→sign':>7} {'h→done':>7} {'score':>6}"]
    for r in rows:
        lines.append(f"{r['rank']:>4} {r['department']:<10} {r['assigned']:>5} {pct(r['response_rate']):>9} "
                     f"{pct(r['resolution_rate']):>10} {pct(r['satisfaction_rate']):>9} {pct(r['on_time_rate']):>8} "
                     f"{hours(r['mean_hours_to_sign']):>7} {hours(r['mean_hours_to_resolve']):>7} "
                     f"{'—' if r['score'] is None else r['score']:>6}")
    return "\n".join(lines)
