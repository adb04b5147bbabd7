"""The in-app notification inbox (every role), and the outbound deliveries (supervisors, admins)."""
from flask import request
from flask_smorest import Blueprint

from server.accounts.auth import BEARER, auth_required, current_user
from server.models import Role
from server.notifications import inbox
from server.notifications.schemas import (MarkReadSchema, NoticeDeliveryArgsSchema, NoticeDeliveryPageSchema,
                                          NotificationListArgsSchema, NotificationPageSchema, UnreadSchema)
from server.web.pagination import page_meta
from server.web.schemas import ErrorSchema

blp = Blueprint("notifications", __name__, description="In-app notifications")


def _lang(args: dict) -> str:
    return args.get("lang") or request.accept_languages.best_match(["zh", "en"], default="zh") or "zh"


@blp.route("", methods=["GET"])
@blp.doc(security=BEARER)
@blp.arguments(NotificationListArgsSchema, location="query")
@blp.response(200, NotificationPageSchema)
@blp.alt_response(401, schema=ErrorSchema)
@auth_required()
def list_notifications(args):
    """Your notifications, newest first, with the unread count."""
    user = current_user()
    found = inbox.page_of(user.id, args["page"], args["per_page"], args.get("unread"))
    return {"items": inbox.present(found.items, _lang(args)), "unread": inbox.unread(user.id), "meta": found.meta()}


@blp.route("/unread", methods=["GET"])
@blp.doc(security=BEARER)
@blp.response(200, UnreadSchema)
@blp.alt_response(401, schema=ErrorSchema)
@auth_required()
def unread_count():
    """How many of your notifications are unread (the bell's badge)."""
    return {"unread": inbox.unread(current_user().id)}


@blp.route("/read", methods=["POST"])
@blp.doc(security=BEARER)
@blp.arguments(MarkReadSchema)
@blp.response(200, NotificationPageSchema)
@blp.alt_response(401, schema=ErrorSchema)
@blp.alt_response(422, schema=ErrorSchema)
@auth_required()
def mark_read(args):
    """Mark notifications read: the given ids (only yours are touched), or all of yours."""
    count = inbox.mark_read(current_user().id, None if args["all"] else args["ids"])
    return {"items": [], "unread": count, "meta": page_meta(1, 0, 0)}  # the inbox's shape, with no page


@blp.route("/deliveries", methods=["GET"])
@blp.doc(security=BEARER)
@blp.arguments(NoticeDeliveryArgsSchema, location="query")
@blp.response(200, NoticeDeliveryPageSchema)
@blp.alt_response(401, schema=ErrorSchema)
@blp.alt_response(403, schema=ErrorSchema)
@auth_required(Role.SUPERVISOR, Role.ADMIN)
def list_deliveries(args):
    """What went out through the outbound channel (SMS, official account), newest first; phone numbers masked."""
    found = inbox.deliveries(args["page"], args["per_page"], args.get("status"))
    return {"items": [inbox.present_delivery(r) for r in found.items], "meta": found.meta()}
