"""Figures for the overview: today's reports, open cases by state and severity, overdue, a 14-day trend."""
from collections import Counter
from datetime import datetime, timedelta

from server.reports.access import report_scope
from server.cases.queries import case_scope, overdue_clause
from server.extensions import db
from server.models import Case, Report, User, utcnow
from server.web.localtime import city_zone, to_city

FINISHED = ("closed", "merged")


def local_midnight(days_ago: int = 0) -> datetime:
    """The start of a day in the city's zone (CITY_TIMEZONE)."""
    now = to_city(utcnow())
    return datetime(now.year, now.month, now.day, tzinfo=city_zone()) - timedelta(days=days_ago)


def overview(user: User, days: int = 14) -> dict:
    """The overview's figures as the user may see them."""
    scope = case_scope(user)
    today = db.session.execute(db.select(db.func.count(Report.id)).where(
        report_scope(user), Report.created_at >= local_midnight())).scalar_one()
    open_rows = db.session.execute(
        db.select(Case.status, Case.severity, db.func.count(Case.id)).where(scope, Case.status.not_in(FINISHED))
        .group_by(Case.status, Case.severity)).all()
    by_status, by_severity = Counter(), Counter()
    for status, severity, count in open_rows:
        by_status[status] += count
        by_severity[severity] += count
    overdue = db.session.execute(db.select(db.func.count(Case.id)).where(scope, overdue_clause())).scalar_one()
    start = local_midnight(days - 1)
    labels = [(start + timedelta(days=i)).strftime("%m-%d") for i in range(days)]
    reported = Counter(to_city(at).strftime("%m-%d") for at in db.session.execute(
        db.select(Report.created_at).where(report_scope(user), Report.created_at >= start)).scalars())
    closed = Counter(to_city(at).strftime("%m-%d") for at in db.session.execute(
        db.select(Case.closed_at).where(scope, Case.closed_at >= start)).scalars())
    return {"today": today, "open_total": sum(by_status.values()), "by_status": dict(by_status),
            "by_severity": {k: by_severity.get(k, 0) for k in (1, 2, 3, 4)}, "overdue": overdue,
            "trend": {"labels": labels, "reported": [reported.get(d, 0) for d in labels],
                      "closed": [closed.get(d, 0) for d in labels]}}
