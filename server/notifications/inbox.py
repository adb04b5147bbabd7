"""A person's notices as the API and the admin show them: pages, the unread count, marking read."""
from server.extensions import db
from server.models import Case, CaseRating, Notification, NotificationDelivery, utcnow
from server.web.localtime import format_city
from server.web.pagination import Page, paginate


def unread(user_id: int) -> int:
    """How many of the user's notices are unread."""
    return db.session.execute(db.select(db.func.count()).select_from(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None))).scalar_one()


def page_of(user_id: int, page: int, per_page: int, unread_only: bool | None = None) -> Page:
    """One page of the user's notices, newest first (``unread_only``: True unread, False read, None all)."""
    query = db.select(Notification).where(Notification.user_id == user_id)
    if unread_only is not None:
        query = query.where(Notification.read_at.is_(None) if unread_only else Notification.read_at.is_not(None))
    return paginate(query, page, per_page, Notification.id.desc())


def mark_read(user_id: int, ids: list[int] | None) -> int:
    """Mark the user's notices read (the given ids, or all when ``ids`` is None); commits; the unread count after."""
    query = db.update(Notification).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    if ids is not None:
        query = query.where(Notification.id.in_(ids or [-1]))
    db.session.execute(query.values(read_at=utcnow()))
    db.session.commit()
    return unread(user_id)


def present(notices: list[Notification], lang: str = "zh") -> list[dict]:
    """Notices in the reader's language, with the case number, the local time and what the reader may do next
    (``action``: "rate" on a closed case's notice whose report is not rated yet)."""
    case_ids = {n.case_id for n in notices if n.case_id}
    numbers = dict(db.session.execute(db.select(Case.id, Case.number).where(Case.id.in_(case_ids))).all()) \
        if case_ids else {}
    report_ids = {n.report_id for n in notices if n.report_id and n.kind == "report_closed"}
    rated = set(db.session.execute(db.select(CaseRating.report_id).where(CaseRating.report_id.in_(report_ids)))
                .scalars()) if report_ids else set()
    return [{"id": n.id, "case_id": n.case_id, "case_number": numbers.get(n.case_id), "report_id": n.report_id,
             "kind": n.kind, "message": (n.message_en or n.message) if lang == "en" else n.message,
             "created_at": n.created_at, "local_time": format_city(n.created_at), "read_at": n.read_at,
             "action": "rate" if n.report_id in report_ids and n.report_id not in rated else None}
            for n in notices]


def deliveries(page: int, per_page: int, status: str | None = None) -> Page:
    """Outbound deliveries, newest first: what went out, to whom (masked), and how it went."""
    query = db.select(NotificationDelivery)
    if status:
        query = query.where(NotificationDelivery.status == status)
    return paginate(query, page, per_page, NotificationDelivery.id.desc())


def present_delivery(row: NotificationDelivery) -> dict:
    """A delivery for a supervisor: never the phone number in clear."""
    notice = row.notification
    return {"id": row.id, "notification_id": row.notification_id, "kind": notice.kind, "case_id": notice.case_id,
            "channel": row.channel, "status": row.status, "attempts": row.attempts, "recipient": row.recipient,
            "message": notice.message, "last_error": row.last_error, "created_at": row.created_at,
            "sent_at": row.sent_at, "local_time": format_city(row.sent_at or row.created_at)}
