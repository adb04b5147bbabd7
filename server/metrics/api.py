"""Department assessment figures (三率) per month."""
from flask_smorest import Blueprint

from server.accounts.auth import BEARER, auth_required
from server.metrics.service import department_metrics
from server.models import Role
from server.metrics.schemas import MetricsArgsSchema, MetricsPageSchema
from server.web.schemas import ErrorSchema

blp = Blueprint("metrics", __name__, description="Department metrics")


@blp.route("/departments", methods=["GET"])
@blp.doc(security=BEARER)
@blp.arguments(MetricsArgsSchema, location="query")
@blp.response(200, MetricsPageSchema)
@blp.alt_response(403, schema=ErrorSchema)
@auth_required(Role.SUPERVISOR, Role.ADMIN, Role.DEPT_STAFF)
def departments(args):
    """Response, resolution, satisfaction and on-time rates, mean times, counts and ranking for YYYY-MM."""
    return {"period": args["period"], "departments": department_metrics(args["period"])}
