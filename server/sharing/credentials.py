"""Links and API keys of approved requests: issued (the secret shown once, only its hash kept), checked on every use,
and every use logged (who, which credential, when, from which address, how many rows, served or refused)."""
import secrets
from datetime import timedelta

from flask import current_app

from server.accounts.security import token_hash
from server.errors import DomainError, Forbidden, InvalidTransition, NotFound
from server.extensions import db
from server.models import DataShareRequest, ShareAccess, ShareCredential, ShareStatus, User, utcnow
from server.sharing.service import is_reviewer, may_see, usable

PREFIXES = {"link": "gwsl_", "key": "gwsk_"}


class ShareRefused(DomainError):
    """A link or key that no longer serves data (410 expired, 403 revoked or not approved)."""


def issue(user: User, request: DataShareRequest, kind: str) -> tuple[ShareCredential, str]:
    """A new link or key for an approved request (its department's staff or a reviewer); returns the row and the
    secret, which is not stored. A link lives SHARING_LINK_HOURS, a key until the end of the period of use."""
    if not may_see(user, request) or not (is_reviewer(user) or user.department_id == request.department_id):
        raise Forbidden("Only the requesting department or a reviewer issues links and keys.")
    if not usable(request):
        raise InvalidTransition("Links and keys are issued only for an approved request within its period of use.",
                                code="not_approved")
    now = utcnow()
    expires = request.granted_until
    if kind == "link":
        expires = min(expires, now + timedelta(hours=current_app.config["SHARING_LINK_HOURS"]))
    secret = PREFIXES[kind] + secrets.token_urlsafe(32)
    row = ShareCredential(request=request, kind=kind, prefix=secret[:12], secret_hash=token_hash(secret),
                          created_by_id=user.id, created_at=now, expires_at=expires)
    db.session.add(row)
    return row, secret


def revoke_credential(user: User, credential_id: int) -> ShareCredential:
    """Stop one link or key (its department's staff or a reviewer), e.g. one that leaked; idempotent."""
    credential = db.session.get(ShareCredential, credential_id)
    if credential is None or not may_see(user, credential.request):
        raise NotFound(f"No credential {credential_id} that you may see.")
    if credential.revoked_at is None:
        credential.revoked_at = utcnow()
    return credential


def _log(credential: ShareCredential, user: User | None, ip: str | None, fmt: str, outcome: str) -> ShareAccess:
    access = ShareAccess(request_id=credential.request_id, credential_id=credential.id,
                         user_id=user.id if user is not None else None, at=utcnow(), ip=(ip or "")[:64] or None,
                         format=fmt, rows=0, outcome=outcome)
    db.session.add(access)
    return access


def open_access(secret: str | None, kind: str, *, user: User | None, ip: str | None, fmt: str) -> ShareAccess:
    """Check a link or key and log its use (committed): the access row of a use that may be served, else the
    refusal is logged and raised (404 unknown, 403 revoked or not approved, 410 expired)."""
    credential = None
    if secret:
        credential = db.session.execute(db.select(ShareCredential).where(
            ShareCredential.secret_hash == token_hash(secret.strip()), ShareCredential.kind == kind)
        ).scalar_one_or_none()
    if credential is None:
        raise NotFound("No such sharing link or key.", code="share_unknown")
    request, now = credential.request, utcnow()
    refusal = None
    if credential.revoked_at is not None or request.status == ShareStatus.REVOKED.value:
        refusal = ShareRefused("This sharing has been revoked.", code="share_revoked")
        refusal.status = 403
    elif request.status != ShareStatus.APPROVED.value:
        refusal = ShareRefused("The request is not approved.", code="share_not_approved")
        refusal.status = 403
    elif credential.expires_at <= now or request.granted_until <= now:
        refusal = ShareRefused("This sharing link or key has expired; ask for a new one.",
                               code="share_expired")
        refusal.status = 410
    access = _log(credential, user, ip, fmt, refusal.code if refusal else "ok")
    if refusal is None:
        credential.last_used_at = now
    db.session.commit()
    if refusal is not None:
        raise refusal
    return access


def finish_access(access_id: int, rows: int, outcome: str = "ok") -> None:
    """Record how many rows a use served (when its download has been written, or cut off)."""
    db.session.execute(db.update(ShareAccess).where(ShareAccess.id == access_id).values(rows=rows, outcome=outcome))
    db.session.commit()
