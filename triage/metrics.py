"""Department assessment (接诉即办 三率) over what was due in a period, from plain facts about case assignments.

A period is a month in China's time zone. Every rate counts only what was *due* in the period (docs/metrics.md):
- a sign-for (签收) is due at the earlier of the signature and the sign-for deadline; response rate = signed by the
  deadline / sign-fors due. A case not signed whose deadline has not passed is not due: it is no failure (yet);
- a lead case's resolution is due at the earlier of its closing and its resolve-by deadline; resolution rate =
  resolved (closed, and no dissatisfied rating waiting for a supervisor's ruling) / resolutions due;
- on-time rate (lead cases) = closed with the last feedback by the resolve-by deadline / resolutions due;
- satisfaction rate (lead cases) = (satisfied + basically satisfied) / ratings given in the period;
- mean hours from assignment to signature (sign-fors due), and to the last feedback (closed resolutions due);
- score: a weighted sum of the three rates, missing rates left out; ranked by it (1 = best).
"""

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from statistics import mean

from triage.deadlines import LOCAL

DEFAULT_WEIGHTS = {"response": 0.1, "resolution": 0.45, "satisfaction": 0.45}
PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
RATINGS = ("satisfied", "basically_satisfied", "dissatisfied")
SATISFIED = ("satisfied", "basically_satisfied")


@dataclass(frozen=True)
class Assignment:
    """One department on one case: its deadlines, when it signed, and where the case stands now."""

    department: str
    role: str  # lead | assist
    assigned_at: datetime
    signed_at: datetime | None = None
    sign_by: datetime | None = None
    closed_at: datetime | None = None  # set while the case is closed
    feedback_at: datetime | None = None  # the last feedback
    resolve_by: datetime | None = None
    disputed: bool = False  # a dissatisfied rating waits for a supervisor's ruling
    ratings: tuple[tuple[str, datetime], ...] = ()  # (rating, when it was given)


@dataclass
class _Tally:
    assigned: int = 0
    lead: int = 0
    sign_due: int = 0
    signed: int = 0
    signed_in_time: int = 0
    resolve_due: int = 0
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


def due_at(done_at: datetime | None, deadline: datetime | None) -> datetime | None:
    """When a step falls due: the earlier of its doing and its deadline (None: neither is known)."""
    known = [t for t in (done_at, deadline) if t is not None]
    return min(known) if known else None


def _rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def _hours(values: list[float]) -> float | None:
    return round(mean(values), 2) if values else None


def _within(moment: datetime | None, start: datetime, until: datetime) -> bool:
    return moment is not None and start <= moment < until


def _count_sign(t: _Tally, a: Assignment, start: datetime, until: datetime) -> None:
    if not _within(due_at(a.signed_at, a.sign_by), start, until):
        return
    t.sign_due += 1
    if a.signed_at is not None:
        t.signed += 1
        t.signed_in_time += a.sign_by is None or a.signed_at <= a.sign_by
        t.sign_hours.append((a.signed_at - a.assigned_at).total_seconds() / 3600)


def _count_resolution(t: _Tally, a: Assignment, start: datetime, until: datetime) -> None:
    if not _within(due_at(a.closed_at, a.resolve_by), start, until):
        return
    t.resolve_due += 1
    if a.closed_at is None:
        return
    t.closed += 1
    t.resolved += not a.disputed
    if a.feedback_at is not None:
        t.on_time += a.resolve_by is None or a.feedback_at <= a.resolve_by
        t.resolve_hours.append((a.feedback_at - a.assigned_at).total_seconds() / 3600)


def _tally(assignments, start: datetime, end: datetime, now: datetime) -> dict[str, _Tally]:
    until = min(end, now)  # nothing falls due after now: a deadline still ahead is no failure
    per: dict[str, _Tally] = {}
    for a in assignments:
        t = per.setdefault(a.department, _Tally())
        in_period = _within(a.assigned_at, start, end)
        t.assigned += in_period
        _count_sign(t, a, start, until)
        if a.role != "lead":
            continue
        t.lead += in_period
        _count_resolution(t, a, start, until)
        for rating, rated_at in a.ratings:
            if _within(rated_at, start, end):
                t.ratings[rating] += 1
    return per


def department_rates(assignments, period: str, weights: dict | None = None,
                     now: datetime | None = None) -> list[dict]:
    """One row per department with anything in the period, ranked by score (no score last, then by code).

    ``assignments`` may hold more than the period's: each is counted where it falls (see the module's docstring).
    """
    weights = weights or DEFAULT_WEIGHTS
    start, end = period_bounds(period)
    rows = []
    for dept, t in _tally(assignments, start, end, now or datetime.now(timezone.utc)).items():
        rated = sum(t.ratings.values())
        if not (t.assigned or t.sign_due or t.resolve_due or rated):
            continue
        rates = {"response": _rate(t.signed_in_time, t.sign_due), "resolution": _rate(t.resolved, t.resolve_due),
                 "satisfaction": _rate(sum(t.ratings[k] for k in SATISFIED), rated)}
        scored = {k: v for k, v in rates.items() if v is not None}
        weight = sum(weights[k] for k in scored)
        rows.append({
            "department": dept, "period": period, "assigned": t.assigned, "lead": t.lead, "sign_due": t.sign_due,
            "signed": t.signed, "signed_in_time": t.signed_in_time, "resolve_due": t.resolve_due,
            "closed": t.closed, "resolved": t.resolved, "on_time": t.on_time, "ratings": t.ratings, "rated": rated,
            "response_rate": rates["response"], "resolution_rate": rates["resolution"],
            "satisfaction_rate": rates["satisfaction"], "on_time_rate": _rate(t.on_time, t.resolve_due),
            "mean_hours_to_sign": _hours(t.sign_hours), "mean_hours_to_resolve": _hours(t.resolve_hours),
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
    lines = [f"{'rank':>4} {'dept':<10} {'cases':>5} {'due:sign':>8} {'response':>9} {'due:done':>8} "
             f"{'resolution':>10} {'rated':>5} {'satisfied':>9} {'on-time':>8} {'h→sign':>7} {'h→done':>7} "
             f"{'score':>6}"]
    for r in rows:
        lines.append(f"{r['rank']:>4} {r['department']:<10} {r['assigned']:>5} {r['sign_due']:>8} "
                     f"{pct(r['response_rate']):>9} {r['resolve_due']:>8} {pct(r['resolution_rate']):>10} "
                     f"{r['rated']:>5} {pct(r['satisfaction_rate']):>9} {pct(r['on_time_rate']):>8} "
                     f"{hours(r['mean_hours_to_sign']):>7} {hours(r['mean_hours_to_resolve']):>7} "
                     f"{'—' if r['score'] is None else r['score']:>6}")
    return "\n".join(lines)
