"""A per-process cache of bearer-token lookups for the report intake, proven by the intake's own INSERT.

The intake is the busiest authenticated request; looking its token up costs a round trip to the database (the
token with its user). This cache keeps, per token hash, what the last lookup found: the token's id and expiry and
the user's plain columns. An entry is never trusted on its own. A request that uses one is *unproven* until a
statement has shown that the token is still live and the user unchanged, by the condition :data:`LIVE`: the token
exists, is not revoked, has not expired, belongs to that user, and each cached column of the user is as cached.

The intake's INSERT carries the condition (``INSERT … SELECT … WHERE EXISTS (…)``, ``server.reports.intake``), so
the check costs no round trip of its own; when it fails nothing is stored and the request looks the token up again
(a 401, or the user as changed). Any other way out of an unproven request proves it first with the same condition
as a query (``server.accounts.auth.prove_identity``): an error answer, a rate-limit count, any success the INSERT
did not prove. So a logout, a revocation, a deactivation, a changed role or name is seen by the very next request in
every process, whoever made the change (the ORM, a bulk ``UPDATE``, plain SQL), and nothing but the database is
involved: no invalidation messages, no second store that could be unreachable or out of step.
"""
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm.util import identity_key

from server.extensions import db
from server.models import ApiToken, User, utcnow
from server.models.stored import as_stored

MAX_ENTRIES = 5000
# The user's columns an entry keeps and the condition compares: what the intake reads of its reporter (who, in which
# role, under which name) and whether the account is active (a deleted account is inactive too). The others load on
# access like any stored object's (a new password or access revokes the user's tokens, which the condition sees).
USER_COLUMNS = ("id", "role", "display_name", "active")


@dataclass(frozen=True)
class Entry:
    """What one token lookup found."""

    token_id: int
    expires_at: object
    user: dict


def _live_condition() -> sa.ColumnElement[bool]:
    """EXISTS the token, live, of the user as cached; its parameters are named as :func:`live_params` fills them."""
    tokens, users = ApiToken.__table__, User.__table__
    same = [users.c[name] == sa.bindparam(f"live_user_{name}", type_=users.c[name].type) if not users.c[name].nullable
            else users.c[name].is_not_distinct_from(sa.bindparam(f"live_user_{name}", type_=users.c[name].type))
            for name in USER_COLUMNS]
    return sa.exists().where(
        tokens.c.id == sa.bindparam("live_token_id", type_=tokens.c.id.type), tokens.c.user_id == users.c.id,
        tokens.c.revoked_at.is_(None), tokens.c.expires_at > sa.bindparam("live_now", type_=tokens.c.expires_at.type),
        *same)


LIVE = _live_condition()
_PROOF = sa.select(LIVE)


def live_params(entry: Entry) -> dict:
    """The parameters of :data:`LIVE` for an entry, at this moment."""
    params = {f"live_user_{name}": value for name, value in entry.user.items()}
    params["live_token_id"], params["live_now"] = entry.token_id, utcnow()
    return params


def still_live(entry: Entry) -> bool:
    """Whether the entry's token is live and its user unchanged right now (one query)."""
    return bool(db.session.execute(_PROOF, live_params(entry)).scalar())


class TokenCache:
    """Token lookups of this process, by token hash."""

    def __init__(self):
        self.entries: dict[str, Entry] = {}

    def get(self, digest: str) -> Entry | None:
        """The last lookup of a token, unless the token has expired since (not proof that it is live)."""
        entry = self.entries.get(digest)
        if entry is not None and entry.expires_at <= utcnow():
            self.entries.pop(digest, None)
            return None
        return entry

    def put(self, digest: str, token: ApiToken) -> None:
        """Remember a token just looked up and found valid."""
        if len(self.entries) >= MAX_ENTRIES:
            self.entries.clear()
        user = {name: getattr(token.user, name) for name in USER_COLUMNS}
        self.entries[digest] = Entry(token.id, token.expires_at, user)

    def drop(self, digest: str) -> None:
        """Forget a token (its entry proved stale)."""
        self.entries.pop(digest, None)


def token_cache() -> TokenCache:
    """This app's token cache."""
    ext = current_app.extensions
    if "gridwatch_token_cache" not in ext:
        ext["gridwatch_token_cache"] = TokenCache()
    return ext["gridwatch_token_cache"]


def user_in_session(values: dict) -> User:
    """The cached user as a persistent object of this request's session, without a query: the session's own
    copy when it already holds one, else one rebuilt from the cached columns (others load on access)."""
    session = db.session()
    found = session.identity_map.get(identity_key(User, values["id"]))
    if found is not None:
        return found
    user = as_stored(User, values)
    session.add(user)
    return user
