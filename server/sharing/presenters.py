"""Requests, credentials and accesses as their readers see them (never a secret)."""
from server.models import DataShareRequest, ShareAccess, User
from server.sharing.messages import STATUS_NAMES, name_of


def _who(user: User | None) -> str | None:
    if user is None:
        return None
    return user.display_name or user.username


def present_request(request: DataShareRequest, lang: str = "zh") -> dict:
    """A request with its grant (when approved), review and credentials."""
    grant = None
    if request.granted_until is not None:
        grant = {"categories": request.granted_categories, "areas": request.granted_areas,
                 "period_from": request.granted_from.isoformat(), "period_to": request.granted_to.isoformat(),
                 "personal_data": bool(request.granted_personal), "use_until": request.granted_until.isoformat()}
    return {"id": request.id, "status": request.status, "status_name": name_of(STATUS_NAMES, request.status, lang),
            "kind": request.kind, "department": request.department.code if request.department else None,
            "requester": _who(request.requester), "categories": request.categories, "areas": request.areas,
            "period_from": request.period_from, "period_to": request.period_to,
            "personal_data": request.personal_data, "purpose": request.purpose, "use_until": request.use_until,
            "created_at": request.created_at, "grant": grant, "reviewer": _who(request.reviewer),
            "reviewed_at": request.reviewed_at, "review_note": request.review_note, "revoked_at": request.revoked_at,
            "revoke_reason": request.revoke_reason, "credentials": list(request.credentials)}


def present_access(access: ShareAccess) -> dict:
    """One use of a link or key, for the audit."""
    credential = access.credential
    return {"id": access.id, "request_id": access.request_id,
            "credential": credential.prefix if credential else None,
            "credential_kind": credential.kind if credential else None, "user": _who(access.user), "at": access.at,
            "ip": access.ip, "format": access.format, "rows": access.rows, "outcome": access.outcome}
