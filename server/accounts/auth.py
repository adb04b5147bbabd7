"""Bearer-token authentication and role checks."""
from datetime import timedelta
from functools import wraps

from flask import current_app, g, request

from server.web.errors import ApiError
from server.extensions import db
from server.models import ApiToken, Role, User, utcnow
from server.accounts.security import new_token, token_hash
from server.accounts.token_cache import token_cache, user_in_session

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


# Views whose token lookups may come from the token cache (server.accounts.token_cache): the report intake.
CACHED_ENDPOINTS = frozenset({"reports.create_report"})


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
    cache = token_cache() if request.endpoint in CACHED_ENDPOINTS else None
    entry = cache.get(digest) if cache is not None else None
    if entry is not None:
        user = user_in_session(entry.user)
        g.token = None  # the row is not loaded; views that change the token (logout) are not cached ones
    else:
        # The stamps are read before the row: an entry never carries stamps newer than what it was read from.
        known = cache.user_of(digest) if cache is not None else None
        stamps = cache.stamps(known) if known is not None else None
        row = db.session.execute(db.select(ApiToken).where(ApiToken.token_hash == digest)).scalar_one_or_none()
        if row is None or row.revoked_at is not None or row.expires_at <= utcnow() or not row.user.active:
            raise ApiError(401, "invalid_token", "The token is unknown, expired or revoked; sign in again.")
        if cache is not None:
            cache.put(digest, row, stamps if row.user_id == known else None)
        g.token, user = row, row.user
    request.environ["gridwatch.auth"] = (token, user)
    return user


def current_user() -> User:
    """The user signed in for this request."""
    return g.user


def auth_required(*roles: Role):
    """Require a valid bearer token, and one of the roles when given."""
    allowed = {r.value for r in roles}

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            g.user = _user_from_request()
            if allowed and g.user.role not in allowed:
                raise ApiError(403, "forbidden", "Your role may not do this.")
            return view(*args, **kwargs)
        return wrapper
    return decorator
