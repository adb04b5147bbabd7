"""Before a resident reports: open reports nearby, and 我也遇到了 (support one instead of reporting it again)."""
from flask import current_app
from flask_smorest import Blueprint

from server.accounts.auth import BEARER, auth_required, current_user
from server.reports.nearby import find_nearby
from server.reports.support import support_report
from server.reports.support_schemas import NearbyArgsSchema, NearbyPageSchema, SupportResultSchema, SupportSchema
from server.web import throttle
from server.web.errors import ApiError
from server.web.schemas import ErrorSchema

blp = Blueprint("report_support", __name__, description="Nearby reports and 我也遇到了")


def _throttle(user_id: int) -> None:
    """NEARBY_RATE_LIMIT per account on the app's rate-limit storage (429 with Retry-After when exceeded)."""
    wait = throttle.hit("nearby", current_app.config.get("NEARBY_RATE_LIMIT"), str(user_id))
    if wait is not None:
        raise ApiError(429, "rate_limited", "查询过于频繁，请稍后再试。Too many look-ups; wait and try again.",
                       retry_after=wait)


@blp.route("/nearby", methods=["GET"])
@blp.doc(security=BEARER)
@blp.arguments(NearbyArgsSchema, location="query")
@blp.response(200, NearbyPageSchema)
@blp.alt_response(401, schema=ErrorSchema)
@blp.alt_response(429, schema=ErrorSchema)
@auth_required()
def nearby(args):
    """Open reports of a kind near a point (one per case, nearest first), with how many people stand behind each."""
    user = current_user()
    _throttle(user.id)
    return {"items": find_nearby(user, args["lat"], args["lon"], args["radius"], args["category"]),
            "radius": args["radius"]}


@blp.route("/<int:report_id>/support", methods=["POST"])
@blp.doc(security=BEARER)
@blp.arguments(SupportSchema)
@blp.response(201, SupportResultSchema, description="Counted")
@blp.alt_response(200, schema=SupportResultSchema, description="A re-send, or you were counted already")
@blp.alt_response(404, schema=ErrorSchema)
@blp.alt_response(409, schema=ErrorSchema, description="The report is handled, or the UUID was used for another")
@auth_required()
def support(args, report_id: int):
    """我也遇到了: count yourself among the people behind a report (one per person; a re-send answers the same)."""
    answer, created = support_report(current_user(), report_id, args["client_uuid"])
    return answer, 201 if created else 200
