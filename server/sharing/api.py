"""/api/v1/sharing: departments request data, supervisors and admins review and revoke, approved requests get a
time-limited export link or API key; downloads through a link or key are scoped, masked and logged."""
from collections.abc import Callable

from flask import request as http, url_for
from flask_smorest import Blueprint

from server.accounts.audit_log import record_api_action
from server.accounts.auth import BEARER, auth_required, current_user
from server.extensions import db
from server.models import DataShareRequest, Role, ShareAccess
from server.sharing import credentials, service
from server.sharing.presenters import present_access, present_request
from server.sharing.schemas import (ShareAccessArgsSchema, ShareAccessPageSchema, ShareApprovedSchema,
                                    ShareApproveSchema, ShareCredentialInSchema, ShareCredentialSchema,
                                    ShareDataArgsSchema, ShareIssuedSchema, ShareReasonSchema, ShareRequestInSchema,
                                    ShareRequestListArgsSchema, ShareRequestOutSchema, ShareRequestPageSchema)
from server.sharing.serving import serve
from server.web.errors import ApiError
from server.web.pagination import paginate
from server.web.schemas import ErrorSchema

blp = Blueprint("sharing", __name__, description="Data shared through the platform (集中式数据共享)")
STAFF = (Role.DEPT_STAFF, Role.SUPERVISOR, Role.ADMIN)
REVIEWERS = (Role.SUPERVISOR, Role.ADMIN)
KEY_HEADER = "X-Share-Key"


def _step(request_id: int, action: str, act: Callable, audit: Callable[..., dict] = lambda outcome: {}):
    """One step on a request the caller may see: load it, ``act(user, request)``, audit the step as ``action`` (with
    ``audit(outcome)``'s details), commit; the request and what the step returned."""
    user = current_user()
    found = service.get_visible(user, request_id)
    outcome = act(user, found)
    record_api_action(action, f"share:{found.id}", user, **audit(outcome))
    db.session.commit()
    return found, outcome


def _errors(*codes):
    def decorate(view):
        for code in codes:
            view = blp.alt_response(code, schema=ErrorSchema)(view)
        return view
    return decorate


@blp.route("/requests", methods=["GET"])
@blp.doc(security=BEARER)
@blp.arguments(ShareRequestListArgsSchema, location="query")
@blp.response(200, ShareRequestPageSchema)
@_errors(401, 403)
@auth_required(*STAFF)
def list_requests(args):
    """Requests the caller may see (a department its own, reviewers all), newest first."""
    query = service.visible(current_user())
    if "status" in args:
        query = query.where(DataShareRequest.status == args["status"])
    found = paginate(query, args["page"], args["per_page"], DataShareRequest.created_at.desc(),
                     DataShareRequest.id.desc())
    return {"items": [present_request(r) for r in found.items], "meta": found.meta()}


@blp.route("/requests", methods=["POST"])
@blp.doc(security=BEARER)
@blp.arguments(ShareRequestInSchema)
@blp.response(201, ShareRequestOutSchema)
@_errors(401, 403, 422)
@auth_required(Role.DEPT_STAFF)
def create_request(data):
    """Ask for a dataset: kind, categories, areas, period, personal data or not, purpose, period of use."""
    found = service.create_request(current_user(), data)
    record_api_action("share_request", f"share:{found.id}", current_user(), kind=found.kind)
    db.session.commit()
    return present_request(found)


@blp.route("/requests/<int:request_id>", methods=["GET"])
@blp.doc(security=BEARER)
@blp.response(200, ShareRequestOutSchema)
@_errors(401, 403, 404)
@auth_required(*STAFF)
def get_request(request_id: int):
    """One request with its review, grant and credentials."""
    return present_request(service.get_visible(current_user(), request_id))


@blp.route("/requests/<int:request_id>/approve", methods=["POST"])
@blp.doc(security=BEARER)
@blp.arguments(ShareApproveSchema)
@blp.response(200, ShareApprovedSchema)
@_errors(401, 403, 404, 409, 422)
@auth_required(*REVIEWERS)
def approve(data, request_id: int):
    """Approve as asked, or narrowed (fewer categories or areas, a shorter period or use, no personal data)."""
    found, narrowed = _step(request_id, "share_approve", lambda user, found: service.approve(user, found, data),
                            lambda narrowed: {"narrowed": narrowed or None})
    return {"request": present_request(found), "narrowed": narrowed}


@blp.route("/requests/<int:request_id>/refuse", methods=["POST"])
@blp.doc(security=BEARER)
@blp.arguments(ShareReasonSchema)
@blp.response(200, ShareRequestOutSchema)
@_errors(401, 403, 404, 409, 422)
@auth_required(*REVIEWERS)
def refuse(data, request_id: int):
    """Refuse with a reason; the requester is told."""
    found, _ = _step(request_id, "share_refuse", lambda user, found: service.refuse(user, found, data["reason"]))
    return present_request(found)


@blp.route("/requests/<int:request_id>/revoke", methods=["POST"])
@blp.doc(security=BEARER)
@blp.arguments(ShareReasonSchema)
@blp.response(200, ShareRequestOutSchema)
@_errors(401, 403, 404, 409, 422)
@auth_required(*REVIEWERS)
def revoke(data, request_id: int):
    """End an approved request now: every link and key of it is refused from then on."""
    found, _ = _step(request_id, "share_revoke", lambda user, found: service.revoke(user, found, data["reason"]))
    return present_request(found)


@blp.route("/requests/<int:request_id>/credentials", methods=["POST"])
@blp.doc(security=BEARER)
@blp.arguments(ShareCredentialInSchema)
@blp.response(201, ShareIssuedSchema)
@_errors(401, 403, 404, 409, 422)
@auth_required(*STAFF)
def issue(data, request_id: int):
    """A time-limited export link or an API key of an approved request; its secret is shown this once."""
    _, (row, secret) = _step(request_id, "share_credential",
                             lambda user, found: credentials.issue(user, found, data["kind"]),
                             lambda issued: {"kind": issued[0].kind, "prefix": issued[0].prefix})
    url = url_for("sharing.link", secret=secret, _external=True) if row.kind == "link" else None
    return {"id": row.id, "kind": row.kind, "prefix": row.prefix, "created_at": row.created_at,
            "expires_at": row.expires_at, "revoked_at": None, "last_used_at": None, "secret": secret, "url": url}


@blp.route("/credentials/<int:credential_id>", methods=["DELETE"])
@blp.doc(security=BEARER)
@blp.response(200, ShareCredentialSchema)
@_errors(401, 403, 404)
@auth_required(*STAFF)
def stop_credential(credential_id: int):
    """Stop one link or key (e.g. one that leaked); the request's other links and keys keep working."""
    row = credentials.revoke_credential(current_user(), credential_id)
    record_api_action("share_credential_revoke", f"share:{row.request_id}", current_user(), prefix=row.prefix)
    db.session.commit()
    return row


@blp.route("/accesses", methods=["GET"])
@blp.doc(security=BEARER)
@blp.arguments(ShareAccessArgsSchema, location="query")
@blp.response(200, ShareAccessPageSchema)
@_errors(401, 403)
@auth_required(*REVIEWERS)
def accesses(args):
    """The audit: every use of a link or key (who or which key, when, from where, rows, served or refused)."""
    query = db.select(ShareAccess)
    if "request_id" in args:
        query = query.where(ShareAccess.request_id == args["request_id"])
    found = paginate(query, args["page"], args["per_page"], ShareAccess.at.desc(), ShareAccess.id.desc())
    return {"items": [present_access(a) for a in found.items], "meta": found.meta()}


@blp.route("/links/<string:secret>", methods=["GET"])
@blp.arguments(ShareDataArgsSchema, location="query")
@blp.response(200, description="The shared rows as JSON or CSV (UTF-8)")
@_errors(403, 404, 410, 422)
def link(args, secret: str):
    """The data of an export link (no sign-in: the link is the credential, until it expires)."""
    return serve(secret, "link", args["format"])


@blp.route("/data", methods=["GET"])
@blp.arguments(ShareDataArgsSchema, location="query")
@blp.response(200, description="The shared rows as JSON or CSV (UTF-8)")
@_errors(401, 403, 404, 410, 422)
def key_data(args):
    """The data of an API key, sent in the ``X-Share-Key`` header."""
    secret = http.headers.get(KEY_HEADER, "").strip()
    if not secret:
        raise ApiError(401, "share_key_missing", f"Send the key in the {KEY_HEADER} header.")
    return serve(secret, "key", args["format"])
