"""The in-app notification inbox."""

from flask_smorest import Blueprint

from server.accounts.auth import BEARER, auth_required, current_user
from server.extensions import db
from server.web.pagination import paginate
from server.models import Notification, utcnow
from server.cases.schemas import MarkReadSchema, NotificationListArgsSchema, NotificationPageSchema
from server.web.schemas import ErrorSchema

blp = Blueprint("notifications", __name__, description="In-app notifications")


def _unread(user_id: int) -> int:
    return db.session.execute(db.select(db.func.count()).select_from(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None))).scalar_one()


@blp.route("", methods=["GET"])
@blp.doc(security=BEARER)
@blp.arguments(NotificationListArgsSchema, location="query")
@blp.response(200, NotificationPageSchema)
@blp.alt_response(401, schema=ErrorSchema)
@auth_required()
def list_notifications(args):
    """Your notifications, newest first."""
    user = current_user()
    query = db.select(Notification).where(Notification.user_id == user.id)
    if "unread" in args:
        query = query.where(Notification.read_at.is_(None) if args["unread"] else Notification.read_at.is_not(None))
    found = paginate(query, args["page"], args["per_page"], Notification.id.desc())
    return {"items": found.items, "unread": _unread(user.id), "meta": found.meta()}


@blp.route("/read", methods=["POST"])
@blp.doc(security=BEARER)
@blp.arguments(MarkReadSchema)
@blp.response(200, NotificationPageSchema)
@auth_required()
def mark_read(args):
    """Mark notifications read: the given ids, or all of yours."""
    user = current_user()
    query = db.update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if not args["all"]:
        query = query.where(Notification.id.in_(args["ids"] or [-1]))
    db.session.execute(query.values(read_at=utcnow()))
    db.session.commit()
    return {"items": [], "unread": _unread(user.id), "meta": {"page": 1, "per_page": 0, "total": 0, "pages": 0}}
