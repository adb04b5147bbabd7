"""Bearer-token authentication and role checks."""
import logging
from datetime import timedelta
from functools import wraps

from flask import current_app, g, request
from sqlalchemy.exc import SQLAlchemyError

from server.web.errors import ApiError
from server.extensions import db
from server.models import ApiToken, Role, User, utcnow
from server.accounts.security import new_token, token_hash
from server.accounts.token_cache import still_live, token_cache, user_in_session

log = logging.getLogger(__name__)
BEARER = [{"bearerAuth": []}]


def issue_token(user: User) -> tuple[str, ApiToken]:
    """Create a token for a user; the caller commits."""
    token, digest = new_token()
    row = ApiToken(user=user, token_hash=digest,
                   expires_at=utcnow() + timedelta(hours=current_app.config["TOKEN_TTL_HOURS"]))
    db.session.add(row)
    return token, row


def end_sessions(user: User, *, tokens: bool = True) -> int:
    """End every admin web session of a user (their session version moves on) and, unless ``tokens`` is False,
    revoke their bearer tokens; the caller commits. Returns how many tokens were revoked."""
    user.session_version = (user.session_version or 0) + 1
    return revoke_user_tokens(user.id, sessions=False) if tokens else 0


def revoke_user_tokens(user_id: int, *, sessions: bool = True) -> int:
    """Revoke every live bearer token of a user and end their admin web sessions (after a password, role or access
    change, deactivation); the caller commits."""
    if sessions:
        user = db.session.get(User, user_id)
        if user is not None:
            user.session_version = (user.session_version or 0) + 1
    now = utcnow()
    tokens = db.session.execute(db.select(ApiToken).where(
        ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None), ApiToken.expires_at > now)).scalars().all()
    for token in tokens:
        token.revoked_at = now
    return len(tokens)


# Views whose token lookups may come from the token cache (server.accounts.token_cache): the report intake, when
# its body is JSON (a text report, whose INSERT proves the cached identity; photos and voice are looked up first).
CACHED_ENDPOINTS = frozenset({"reports.create_report"})


class IdentityChanged(Exception):
    """A statement that carried the cached identity's condition found it false: nothing was stored."""


def _user_from_request() -> User:
    """The signed-in user for this request, or a 401 (looked up once per request)."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise ApiError(401, "unauthorized", "Sign in first: send 'Authorization: Bearer <token>'.")
    memo = request.environ.get("gridwatch.auth")  # the rate limits and the view both ask
    if memo is not None and memo[0] == token:
        return memo[1]
    digest = token_hash(token)
    cacheable = request.endpoint in CACHED_ENDPOINTS and request.mimetype == "application/json"
    entry = token_cache().get(digest) if cacheable else None
    if entry is not None:
        user = user_in_session(entry.user)
        g.token, g.unproven = None, (token, digest, entry)  # views that change the token (logout) are not cached ones
    else:
        user = _looked_up(digest, cacheable)
    request.environ["gridwatch.auth"] = (token, user)
    return user


def _looked_up(digest: str, cache: bool) -> User:
    """The token's user from the database (remembered for the intake when ``cache``), or a 401."""
    # populate_existing: a stale cached user already in the session is refreshed, not trusted.
    row = db.session.execute(db.select(ApiToken).where(ApiToken.token_hash == digest)
                             .execution_options(populate_existing=True)).scalar_one_or_none()
    if row is None or row.revoked_at is not None or row.expires_at <= utcnow() or not row.user.active:
        raise ApiError(401, "invalid_token", "The token is unknown, expired or revoked; sign in again.")
    if cache:
        token_cache().put(digest, row)
    g.token = row
    return row.user


def unproven_identity():
    """The cached token entry this request's user came from, while no statement has shown it still live."""
    pending = g.get("unproven")
    return pending[2] if pending is not None else None


def identity_proven() -> None:
    """A statement carrying the cached identity's condition succeeded: the user is the one signed in."""
    g.unproven = None


def prove_identity(stale: bool = False) -> User:
    """The signed-in user, made sure of before anything else depends on them: looked up first when no one has yet
    (a 401 without a valid token); a cached identity is checked with one query and, when stale (or known to be,
    ``stale``), looked up again (a 401 when the token no longer holds)."""
    user = g.get("user") or _user_from_request()
    pending = g.get("unproven")
    if pending is not None:
        token, digest, entry = pending
        g.unproven = None
        if stale or not still_live(entry):
            token_cache().drop(digest)
            request.environ.pop("gridwatch.auth", None)
            user = _looked_up(digest, True)  # a 401 when the token no longer holds
            request.environ["gridwatch.auth"], g.user = (token, user), user
    return user


def current_user() -> User:
    """The user signed in for this request."""
    return g.user


def _check_role(allowed: set[str]) -> None:
    if allowed and g.user.role not in allowed:
        raise ApiError(403, "forbidden", "Your role may not do this.")


def _prove_before_refusing() -> None:
    """An unproven request is about to be refused by its view: a token that no longer holds gets its 401 instead,
    and learns nothing from the view (when the database cannot tell, the view's own error goes out)."""
    if g.get("unproven") is None:
        return
    try:
        db.session.rollback()
        prove_identity()
    except SQLAlchemyError as exc:
        log.info("could not prove a cached identity before an error answer: %s", exc.__class__.__name__)


def auth_required(*roles: Role):
    """Require a valid bearer token, and one of the roles when given. A cached identity (the intake's) is proven
    before any answer leaves: by the view's own guarded statement, else by one query here."""
    allowed = {r.value for r in roles}

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            g.user = _user_from_request()
            try:
                _check_role(allowed)
                answer = view(*args, **kwargs)
            except IdentityChanged:  # the cached user is stale and nothing was stored: again, as the user now is
                db.session.rollback()
                g.user = prove_identity(stale=True)
                _check_role(allowed)
                answer = view(*args, **kwargs)
            except Exception:
                _prove_before_refusing()
                raise
            if g.get("unproven") is not None:  # a success that no statement proved
                prove_identity()
            return answer
        return wrapper
    return decorator
