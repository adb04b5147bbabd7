"""Department metrics (三率): table, chart, ranking, period picker and export."""
from flask import abort, current_app, render_template, request

from server.metrics.service import DEFAULT_WEIGHTS, PERIOD, department_metrics

from admin.blueprint import bp
from ..auth import login_required
from ..i18n import gettext
from ..stats import local_midnight
from ..tabular import csv_response, xlsx_response

COLUMNS = ["rank", "department", "name", "assigned", "lead", "sign_due", "signed_in_time", "resolve_due", "closed",
           "resolved", "rated", "response_rate", "resolution_rate", "satisfaction_rate", "on_time_rate",
           "mean_hours_to_sign", "mean_hours_to_resolve", "score"]


def _period() -> str:
    period = request.args.get("period") or local_midnight().strftime("%Y-%m")
    if not PERIOD.match(period):
        abort(404)
    return period


@bp.get("/metrics")
@login_required()
def metrics():
    """The period's table and charts."""
    period = _period()
    rows = department_metrics(period)
    names = [r["name"] or r["department"] for r in rows]
    chart = {"type": "bar", "labels": names, "scales": {"y": {"beginAtZero": True, "max": 100}}, "datasets": [
        {"label": gettext(label), "data": [round((r[key] or 0) * 100, 1) for r in rows]}
        for key, label in (("response_rate", "Response rate"), ("resolution_rate", "Resolution rate"),
                           ("satisfaction_rate", "Satisfaction rate"))]}
    ranking = {"type": "bar", "horizontal": True, "labels": names, "scales": {"x": {"beginAtZero": True, "max": 100}},
               "datasets": [{"label": gettext("Score"), "data": [r["score"] or 0 for r in rows]}]}
    weights = current_app.config.get("CASE_METRICS_WEIGHTS") or DEFAULT_WEIGHTS
    return render_template("admin/metrics.html", period=period, rows=rows, chart=chart, ranking=ranking,
                           weights={k: round(v * 100) for k, v in weights.items()})


@bp.get("/metrics/export.<fmt>")
@login_required()
def metrics_export(fmt: str):
    """The period's table as CSV or XLSX."""
    period = _period()
    rows = [[r.get(c) for c in COLUMNS] for r in department_metrics(period)]
    if fmt == "csv":
        return csv_response(f"metrics-{period}.csv", COLUMNS, rows)
    if fmt == "xlsx":
        return xlsx_response(f"metrics-{period}.xlsx", COLUMNS, rows, title=period)
    abort(404)
