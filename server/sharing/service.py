"""The rules of data sharing: who may ask, who reviews (approve, narrow, refuse), who revokes, and who sees which
requests. Services raise the domain errors of ``server.errors``; the caller commits unless a function says so."""
from datetime import timedelta

from flask import current_app

from server.errors import Forbidden, Invalid, InvalidTransition, NotFound
from server.extensions import db
from server.models import DataShareRequest, Role, ShareStatus, User, utcnow
from server.notifications.service import department_staff, notify, supervisors
from server.sharing import scope
from server.sharing.messages import notice_both

REVIEWERS = {Role.SUPERVISOR.value, Role.ADMIN.value}


def is_reviewer(user: User) -> bool:
    """Supervisors and admins review, revoke and audit every request."""
    return user.role in REVIEWERS


def may_request(user: User) -> bool:
    """Department staff of a department ask for data."""
    return user.role == Role.DEPT_STAFF.value and user.department_id is not None


def may_see(user: User, request: DataShareRequest) -> bool:
    """Reviewers see every request; department staff their department's."""
    return is_reviewer(user) or (user.role == Role.DEPT_STAFF.value and user.department_id is not None
                                 and user.department_id == request.department_id)


def visible(user: User):
    """The query of the requests the user may see (newest first is the caller's order)."""
    query = db.select(DataShareRequest)
    if is_reviewer(user):
        return query
    if user.role == Role.DEPT_STAFF.value and user.department_id is not None:
        return query.where(DataShareRequest.department_id == user.department_id)
    return query.where(db.false())


def get_visible(user: User, request_id: int) -> DataShareRequest:
    """A request the user may see, else 404."""
    request = db.session.get(DataShareRequest, request_id)
    if request is None or not may_see(user, request):
        raise NotFound(f"No data-sharing request {request_id} that you may see.")
    return request


def _check_terms(data: dict) -> None:
    """Period before its end, period of use in the future and within SHARING_MAX_USE_DAYS."""
    errors, now = {}, utcnow()
    if data["period_to"] <= data["period_from"]:
        errors["period_to"] = ["Must be later than period_from."]
    longest = current_app.config["SHARING_MAX_USE_DAYS"]
    if data["use_until"] <= now:
        errors["use_until"] = ["Must be in the future."]
    elif data["use_until"] > now + timedelta(days=longest):
        errors["use_until"] = [f"At most {longest} days from now."]
    if errors:
        raise Invalid("The request's periods are not valid.", errors)


def create_request(user: User, data: dict) -> DataShareRequest:
    """A department's request (pending); supervisors are told."""
    if not may_request(user):
        raise Forbidden("Only department staff request data for their department.")
    _check_terms(data)
    scope.check_codes(data["categories"], data["areas"])
    request = DataShareRequest(
        requester_id=user.id, department_id=user.department_id, kind=data["kind"],
        categories=sorted(set(data["categories"])), areas=sorted(set(data["areas"])),
        period_from=data["period_from"], period_to=data["period_to"], personal_data=data["personal_data"],
        purpose=data["purpose"].strip(), use_until=data["use_until"], status=ShareStatus.PENDING.value)
    db.session.add(request)
    db.session.flush()
    zh, en = notice_both("requested", request)
    notify(supervisors(), None, "share_requested", zh, skip=user.id, message_en=en)
    return request


def _pending(request: DataShareRequest) -> None:
    if request.status != ShareStatus.PENDING.value:
        raise InvalidTransition("The request is not pending.", code="not_pending")


def _tell_requester(request: DataShareRequest, kind: str, who: User) -> None:
    staff = department_staff([request.department_id]) if request.department_id else []
    people = [request.requester] + [u for u in staff if u.id != request.requester_id]
    zh, en = notice_both(kind, request)
    notify(people, None, f"share_{kind}", zh, skip=who.id, message_en=en)


def approve(user: User, request: DataShareRequest, grant: dict) -> list[str]:
    """Approve as asked or narrowed (``grant`` keys default to the request's); returns the narrowed fields. A
    narrowing needs a note saying why."""
    if not is_reviewer(user):
        raise Forbidden("Only supervisors and admins review data-sharing requests.")
    _pending(request)
    full = {"categories": request.categories, "areas": request.areas, "period_from": request.period_from,
            "period_to": request.period_to, "personal_data": request.personal_data, "use_until": request.use_until}
    full.update({k: v for k, v in grant.items() if k in full and v is not None})
    scope.check_codes(full["categories"], full["areas"])
    if full["period_to"] <= full["period_from"]:
        raise Invalid("The period is empty.", {"period_to": ["Must be later than period_from."]})
    if full["use_until"] <= utcnow():
        raise Invalid("The period of use has ended.", {"use_until": ["Must be in the future."]})
    narrowed = scope.check_narrowing(request, full)
    note = (grant.get("note") or "").strip()
    if narrowed and not note:
        raise Invalid("Say why the request is narrowed.", {"note": ["Give a reason for narrowing."]})
    request.granted_categories, request.granted_areas = sorted(set(full["categories"])), sorted(set(full["areas"]))
    request.granted_from, request.granted_to = full["period_from"], full["period_to"]
    request.granted_personal, request.granted_until = full["personal_data"], full["use_until"]
    request.status, request.reviewer_id, request.reviewed_at = ShareStatus.APPROVED.value, user.id, utcnow()
    request.review_note = note or None
    _tell_requester(request, "narrowed" if narrowed else "approved", user)
    return narrowed


def refuse(user: User, request: DataShareRequest, reason: str) -> None:
    """Refuse with a reason."""
    if not is_reviewer(user):
        raise Forbidden("Only supervisors and admins review data-sharing requests.")
    _pending(request)
    request.status, request.reviewer_id, request.reviewed_at = ShareStatus.REFUSED.value, user.id, utcnow()
    request.review_note = reason.strip()
    _tell_requester(request, "refused", user)


def revoke(user: User, request: DataShareRequest, reason: str) -> None:
    """End an approved request now: its links and keys are refused from now on."""
    if not is_reviewer(user):
        raise Forbidden("Only supervisors and admins revoke data sharing.")
    if request.status != ShareStatus.APPROVED.value:
        raise InvalidTransition("The request is not approved.", code="not_approved")
    now = utcnow()
    request.status, request.revoked_by_id, request.revoked_at = ShareStatus.REVOKED.value, user.id, now
    request.revoke_reason = reason.strip()
    for credential in request.credentials:
        if credential.revoked_at is None:
            credential.revoked_at = now
    _tell_requester(request, "revoked", user)


def usable(request: DataShareRequest) -> bool:
    """Approved and within its period of use."""
    return request.status == ShareStatus.APPROVED.value and request.granted_until > utcnow()
