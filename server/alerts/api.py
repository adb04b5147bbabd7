"""GET /api/v1/alerts: early warnings for supervisors, newest first."""
from flask_smorest import Blueprint

from server.accounts.auth import BEARER, auth_required
from server.alerts.messages import evidence, subject
from server.alerts.schemas import AlertListArgsSchema, AlertPageSchema
from server.extensions import db
from server.models import Alert, Role
from server.web.pagination import paginate
from server.web.schemas import ErrorSchema

blp = Blueprint("alerts", __name__, description="Early warnings (预警)")


def _shown(alert: Alert) -> Alert:
    """Attach the readable summaries."""
    alert.summary = f"{subject(alert)}：{evidence(alert)}"
    alert.summary_en = f"{subject(alert, 'en')}: {evidence(alert, 'en')}"
    return alert


@blp.route("", methods=["GET"])
@blp.doc(security=BEARER)
@blp.arguments(AlertListArgsSchema, location="query")
@blp.response(200, AlertPageSchema)
@blp.alt_response(401, schema=ErrorSchema)
@blp.alt_response(403, schema=ErrorSchema)
@auth_required(Role.SUPERVISOR, Role.ADMIN)
def list_alerts(args):
    """Alerts with their evidence (counts, expected, score, the reports cited), newest first."""
    query = db.select(Alert)
    if "kind" in args:
        query = query.where(Alert.kind == args["kind"])
    if "since" in args:
        query = query.where(Alert.raised_at >= args["since"])
    if "until" in args:
        query = query.where(Alert.raised_at <= args["until"])
    found = paginate(query, args["page"], args["per_page"], Alert.raised_at.desc(), Alert.id.desc())
    return {"items": [_shown(a) for a in found.items], "meta": found.meta()}
