"""REST endpoints of department webhooks and their deliveries (admins; department staff for their own department)."""

from flask_smorest import Blueprint

from server.accounts.audit_log import record_api_action
from server.accounts.auth import BEARER, auth_required, current_user
from server.errors import Invalid
from server.web.errors import ApiError
from server.extensions import db
from server.web.pagination import paginate
from server.models import Role, Webhook, WebhookDelivery
from server.web.schemas import ErrorSchema
from server.webhooks import service as hooks
from server.webhooks.transport import reason_of
from server.webhooks.delivery import present_delivery, redeliver
from server.webhooks.schemas import (DeliveryArgsSchema, DeliveryPageSchema, DeliverySchema, WebhookCreatedSchema,
                                     WebhookCreateSchema, WebhookSchema)

webhooks_blp = Blueprint("webhooks", __name__, description="Department webhooks and their deliveries")


def _is_admin() -> bool:
    return current_user().role == Role.ADMIN.value


def _present_hook(hook: Webhook, counts: dict) -> dict:
    """A webhook with its delivery health: failing when its latest deliveries do not get through.

    Department staff see why the last delivery failed as a reason word only (no answer body, no network error)."""
    counts = {**counts, "last_reason": reason_of(counts["last_error"])}
    if not _is_admin():
        counts["last_error"] = counts["last_reason"]
    if not hook.active:
        health = "disabled"
    elif counts["failing"] or counts["failed"] and not counts["last_delivered_at"]:
        health = "failing"
    elif counts["delivered"]:
        health = "ok"
    else:
        health = "idle"
    return {"id": hook.id, "department": hook.department.code, "url": hook.url, "events": hook.events,
            "active": hook.active, "created_at": hook.created_at, "disabled_at": hook.disabled_at,
            "health": health, "deliveries": counts}


def _own_hook(hook_id: int) -> Webhook:
    """A webhook the caller may manage (admins: any; staff: their department's), else 404."""
    hook = db.session.get(Webhook, hook_id)
    user = current_user()
    if hook is None or (user.role != Role.ADMIN.value and hook.department_id != user.department_id):
        raise ApiError(404, "not_found", f"No webhook {hook_id} that you may manage.")
    return hook


@webhooks_blp.route("", methods=["GET"])
@webhooks_blp.doc(security=BEARER)
@webhooks_blp.response(200, WebhookSchema(many=True))
@auth_required(Role.ADMIN, Role.DEPT_STAFF)
def list_webhooks():
    """Webhooks (staff: their department's) with deliveries by status, the last success and the last error."""
    user = current_user()
    rows = hooks.list_webhooks(None if user.role == Role.ADMIN.value else user.department_id or -1)
    counts = hooks.delivery_counts([h.id for h in rows])
    return [_present_hook(h, counts[h.id]) for h in rows]


@webhooks_blp.route("", methods=["POST"])
@webhooks_blp.doc(security=BEARER)
@webhooks_blp.arguments(WebhookCreateSchema)
@webhooks_blp.response(201, WebhookCreatedSchema)
@webhooks_blp.alt_response(409, schema=ErrorSchema)
@webhooks_blp.alt_response(422, schema=ErrorSchema)
@auth_required(Role.ADMIN, Role.DEPT_STAFF)
def create_webhook(args):
    """Register a URL for a department's dispatches and case updates; the secret is in this response only."""
    user = current_user()
    if user.role == Role.ADMIN.value:
        if not args["department"]:
            raise Invalid(errors={"department": ["Give the department code."]})
        department = args["department"]
    else:
        if args["department"] and (user.department is None or args["department"] != user.department.code):
            raise ApiError(403, "forbidden", "Staff register webhooks for their own department only.")
        if user.department is None:
            raise ApiError(403, "forbidden", "Your account has no department.")
        department = user.department
    record_api_action("webhook.create", getattr(department, "code", department), user, url=args["url"])
    try:
        hook, secret = hooks.register_webhook(department, args["url"], args["events"], created_by=user)
    except hooks.WebhookError as exc:
        raise ApiError(exc.status, "conflict" if exc.status == 409 else "validation_error", str(exc),
                       {exc.field: [str(exc)]}) from None
    return {**_present_hook(hook, hooks.delivery_counts([hook.id])[hook.id]), "secret": secret}


@webhooks_blp.route("/<int:hook_id>", methods=["DELETE"])
@webhooks_blp.doc(security=BEARER)
@webhooks_blp.response(200, WebhookSchema)
@webhooks_blp.alt_response(404, schema=ErrorSchema)
@auth_required(Role.ADMIN, Role.DEPT_STAFF)
def disable_webhook(hook_id: int):
    """Stop sending to a webhook (its history stays)."""
    record_api_action("webhook.disable", str(hook_id), current_user())
    hook = hooks.disable_webhook(_own_hook(hook_id))
    return _present_hook(hook, hooks.delivery_counts([hook.id])[hook.id])


@webhooks_blp.route("/<int:hook_id>/secret", methods=["POST"])
@webhooks_blp.doc(security=BEARER)
@webhooks_blp.response(200, WebhookCreatedSchema)
@webhooks_blp.alt_response(404, schema=ErrorSchema)
@auth_required(Role.ADMIN, Role.DEPT_STAFF)
def rotate_secret(hook_id: int):
    """A new secret for a webhook (shown once); later deliveries are signed with it."""
    hook = _own_hook(hook_id)
    record_api_action("webhook.rotate_secret", str(hook_id), current_user())
    secret = hooks.rotate_secret(hook)
    return {**_present_hook(hook, hooks.delivery_counts([hook.id])[hook.id]), "secret": secret}


@webhooks_blp.route("/deliveries", methods=["GET"])
@webhooks_blp.doc(security=BEARER)
@webhooks_blp.arguments(DeliveryArgsSchema, location="query")
@webhooks_blp.response(200, DeliveryPageSchema)
@auth_required(Role.ADMIN, Role.DEPT_STAFF)
def list_deliveries(args):
    """Deliveries, newest first: status (pending, delivered, failing, failed), attempts, the last HTTP status and
    why the last attempt failed (``reason``; admins also see ``last_error``, with the start of the answer)."""
    user = current_user()
    query = db.select(WebhookDelivery).join(Webhook, WebhookDelivery.webhook_id == Webhook.id)
    if user.role != Role.ADMIN.value:
        query = query.where(Webhook.department_id == (user.department_id or -1))
    for name in ("webhook_id", "status", "case_id"):
        if name in args:
            query = query.where(getattr(WebhookDelivery, name) == args[name])
    found = paginate(query, args["page"], args["per_page"], WebhookDelivery.id.desc())
    admin = _is_admin()
    return {"items": [present_delivery(r, admin) for r in found.items], "meta": found.meta()}


@webhooks_blp.route("/deliveries/<int:delivery_id>/redeliver", methods=["POST"])
@webhooks_blp.doc(security=BEARER)
@webhooks_blp.response(202, DeliverySchema)
@webhooks_blp.alt_response(404, schema=ErrorSchema)
@auth_required(Role.ADMIN)
def redeliver_one(delivery_id: int):
    """Send a delivery again with a fresh retry budget (after fixing the receiver)."""
    row = db.session.get(WebhookDelivery, delivery_id)
    if row is None:
        raise ApiError(404, "not_found", f"No delivery {delivery_id}.")
    return present_delivery(redeliver(row), admin=True)
