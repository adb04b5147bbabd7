"""The overview page: where the risk is today."""
from datetime import timedelta

from flask import redirect, render_template, url_for

from server.cases.queries import case_scope, overdue_clause
from server.cases.regrade import correction_counts
from server.extensions import db
from server.alerts.messages import evidence, subject
from server.models import Alert, Case, Hotspot, utcnow

from admin.blueprint import bp
from ..auth import current, login_required
from ..i18n import gettext, lang, status_name
from ..stats import overview as figures


@bp.get("/")
@login_required()
def overview():
    """Today's reports, open cases by state and severity, overdue cases, the 14-day trend, top hotspots."""
    user = current()
    data = figures(user)
    hotspots = db.session.execute(db.select(Hotspot).where(Hotspot.status.in_(("suggested", "reviewed")))
                                  .order_by(Hotspot.heat.desc()).limit(5)).scalars().all() \
        if user.role != "dept_staff" else []
    overdue = db.session.execute(db.select(Case).where(case_scope(user), overdue_clause())
                                 .order_by(Case.resolve_by).limit(10)).scalars().all()
    alerts = recent_alerts() if user.role in ("supervisor", "admin") else []
    corrections = correction_counts() if user.role in ("supervisor", "admin") else None
    chart = {"type": "line", "labels": data["trend"]["labels"], "datasets": [
        {"label": gettext("Reports"), "data": data["trend"]["reported"]},
        {"label": gettext("Cases closed"), "data": data["trend"]["closed"]}]}
    status_chart = {"type": "bar", "labels": [status_name(s) for s in data["by_status"]],
                    "datasets": [{"label": gettext("Open cases"), "data": list(data["by_status"].values())}]}
    return render_template("admin/overview.html", data=data, hotspots=hotspots, overdue=overdue, chart=chart,
                           status_chart=status_chart, alerts=alerts, corrections=corrections)


def recent_alerts(days: int = 7, limit: int = 8) -> list[dict]:
    """The newest early warnings (预警) of the last days, with their subject and evidence in the visitor's language."""
    rows = db.session.execute(db.select(Alert).where(Alert.raised_at >= utcnow() - timedelta(days=days))
                              .order_by(Alert.raised_at.desc(), Alert.id.desc()).limit(limit)).scalars()
    return [{"alert": a, "subject": subject(a, lang()), "evidence": evidence(a, lang())} for a in rows]


@bp.get("")
def root():
    """/admin → the overview."""
    return redirect(url_for("admin.overview"))
