"""A per-process cache of bearer-token lookups for the report intake, valid only while a stamp in Redis says so.

The intake is the busiest authenticated request; looking its token up costs a database round trip each time. This
cache keeps, per token hash, what that lookup found (token id, user id, expiry, the user's plain columns) together
with the user's *auth stamp*: a random value in Redis (``gridwatch:auth-stamp:<user id>``). A cached entry is used
only when one ``MGET`` shows that stamp unchanged and the global stamp unchanged too; otherwise the token is looked
up in the database again.

Revocation takes effect at once in every process: whenever a flush changes or deletes an ``ApiToken`` or a
``User`` (logout, revoking all tokens, password or role change, deactivation, account deletion), the stamps of the
users concerned are replaced *before* the commit and again *after* it; a bulk ORM ``UPDATE``/``DELETE`` of either
table replaces the global stamp. A reader takes the stamp before it reads the database, so an entry can never carry
a stamp newer than the state it was read from. Failure is closed: if Redis cannot be reached before such a commit,
the commit is refused (503) rather than leaving other processes trusting a stale entry; a reader that cannot reach
Redis uses the database. A missing stamp (Redis flushed, restarted, expired) never matches a cached one.
Changes made by raw SQL outside the ORM are not seen: change accounts and tokens through the models.
"""
import logging
import secrets
import time
from dataclasses import dataclass

from flask import current_app, has_app_context
from redis.exceptions import RedisError
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from server.errors import DomainError
from server.extensions import db
from server.models import ApiToken, User, utcnow
from server.models.stored import as_stored

log = logging.getLogger(__name__)

GLOBAL_KEY = "gridwatch:auth-stamp:all"
STAMP_TTL = 86400  # seconds; an expired stamp only costs one database lookup
MAX_ENTRIES = 5000
MAX_AGE = 600  # seconds: an entry is looked up again at least this often, whatever the stamps say
# The user's columns an entry keeps; the others (password hash, phone) are loaded on access, never cached.
USER_COLUMNS = ("id", "username", "role", "display_name", "department_id", "grid_id", "active", "created_at",
                "session_version", "deleted_at")
SECRET_COLUMNS = ("password_hash", "phone_enc", "phone_index")  # not cached, but a change ends cached entries too
TOKEN_COLUMNS = ("user_id", "token_hash", "expires_at", "revoked_at")


def user_key(user_id: int) -> str:
    """The Redis key of a user's auth stamp."""
    return f"gridwatch:auth-stamp:{user_id}"


class StampsUnavailable(DomainError):
    """Redis was unreachable when a change to accounts or tokens had to be announced: the change is not committed."""

    status, code = 503, "service_unavailable"
    message_zh = "服务暂时不可用，请稍后再试。"

    def __init__(self):
        super().__init__("The service is temporarily unavailable; try again shortly.")


@dataclass(frozen=True)
class Entry:
    """What one token lookup found, and the stamps it was read under."""

    token_id: int
    expires_at: object
    user: dict
    stamps: tuple
    cached_at: float


class TokenCache:
    """Token lookups of this process, checked against the stamps in Redis on every use."""

    def __init__(self, redis):
        self.redis = redis
        self.entries: dict[str, Entry] = {}
        self.users: dict[str, int] = {}  # token hash -> user id: never changes for a token

    def user_of(self, digest: str) -> int | None:
        """The user a token was issued to, when this process has looked it up before."""
        return self.users.get(digest)

    def stamps(self, user_id: int) -> tuple | None:
        """The current (user, global) stamps, created when missing; None when Redis cannot be reached."""
        keys = [user_key(user_id), GLOBAL_KEY]
        try:
            values = self.redis.mget(keys)
            if None in values:
                with self.redis.pipeline(transaction=False) as pipe:
                    for key, value in zip(keys, values):
                        if value is None:
                            pipe.set(key, secrets.token_hex(8), nx=True, ex=STAMP_TTL)
                    pipe.mget(keys)
                    values = pipe.execute()[-1]
        except RedisError as exc:
            log.info("auth stamps unavailable, tokens are looked up in the database: %s", exc)
            return None
        return tuple(values) if None not in values else None

    def get(self, digest: str) -> Entry | None:
        """The cached lookup of a token when it is still valid by its expiry and by the stamps, else None."""
        entry = self.entries.get(digest)
        if entry is None:
            return None
        if entry.expires_at <= utcnow() or time.monotonic() - entry.cached_at > MAX_AGE:
            self.entries.pop(digest, None)
            return None
        try:
            current = tuple(self.redis.mget([user_key(entry.user["id"]), GLOBAL_KEY]))
        except RedisError as exc:
            log.info("auth stamps unavailable, tokens are looked up in the database: %s", exc)
            self.entries.clear()
            return None
        if current != entry.stamps:
            self.entries.pop(digest, None)
            return None
        return entry

    def put(self, digest: str, token: ApiToken, stamps: tuple | None) -> None:
        """Remember a valid token looked up under these stamps (without stamps, only whose token it is: the stamps
        of a user are known, and read before the row, from the second lookup on)."""
        if len(self.entries) >= MAX_ENTRIES:
            self.entries.clear()
        if len(self.users) >= MAX_ENTRIES:
            self.users.clear()
        self.users[digest] = token.user_id
        if stamps is None:
            return
        user = {name: getattr(token.user, name) for name in USER_COLUMNS}
        self.entries[digest] = Entry(token.id, token.expires_at, user, stamps, time.monotonic())

    def bump(self, user_ids: set[int], everyone: bool) -> None:
        """Replace the stamps of these users (and the global one): their cached entries end everywhere."""
        keys = [user_key(i) for i in sorted(user_ids)] + ([GLOBAL_KEY] if everyone else [])
        with self.redis.pipeline(transaction=False) as pipe:
            for key in keys:
                pipe.set(key, secrets.token_hex(8), ex=STAMP_TTL)
            pipe.execute()
        for digest in [d for d, e in self.entries.items() if everyone or e.user["id"] in user_ids]:
            self.entries.pop(digest, None)


def token_cache() -> TokenCache | None:
    """This app's token cache: on when the task queue runs on Redis, whose connection it shares."""
    ext = current_app.extensions
    if "gridwatch_token_cache" not in ext:
        redis = getattr(ext.get("gridwatch_queue"), "connection", None)
        ext["gridwatch_token_cache"] = TokenCache(redis) if redis is not None else None
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


# --- announcing changes ----------------------------------------------------------------------------------------

def _cache(session: Session) -> TokenCache | None:
    """The token cache of the session's app, if it has one."""
    if not has_app_context():
        return None
    return token_cache()  # made here when this process has not read a token through it yet: it must still tell


def _pending(session: Session) -> dict:
    return session.info.setdefault("auth_stamps", {"users": set(), "everyone": False})


@event.listens_for(Session, "after_flush")
def _note_changes(session: Session, _context) -> None:
    """Note the users whose tokens or account this flush changed or deleted."""
    users = _pending(session)["users"]
    for obj in session.deleted:
        if isinstance(obj, ApiToken):
            users.add(obj.user_id)
        elif isinstance(obj, User) and obj.id is not None:
            users.add(obj.id)
    for obj in session.dirty:
        if isinstance(obj, ApiToken) and _changed(obj, TOKEN_COLUMNS):
            users.add(obj.user_id)
        elif isinstance(obj, User) and obj.id is not None and _changed(obj, USER_COLUMNS + SECRET_COLUMNS):
            users.add(obj.id)


def _changed(obj, names: tuple) -> bool:
    """Whether this flush changes any of these columns of the object (a collection or an unrelated column does
    not count)."""
    attrs = inspect(obj).attrs
    return any(attrs[name].history.has_changes() for name in names)


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_changes(state) -> None:
    """A bulk UPDATE or DELETE of users or tokens ends every cached entry."""
    if (state.is_update or state.is_delete) and state.bind_mapper is not None \
            and state.bind_mapper.class_ in (User, ApiToken):
        _pending(state.session)["everyone"] = True


@event.listens_for(Session, "before_commit")
def _announce_before(session: Session) -> None:
    """Replace the stamps before the commit; refuse the commit when Redis is unreachable."""
    pending = session.info.get("auth_stamps")
    if session.dirty or session.deleted:
        session.flush()  # the commit's own flush comes after this hook: note its changes now
        pending = session.info.get("auth_stamps")
    cache = _cache(session)
    if not pending or cache is None or not (pending["users"] or pending["everyone"]):
        return
    try:
        cache.bump(pending["users"], pending["everyone"])
    except RedisError as exc:
        log.error("could not announce changed accounts or tokens, the change is not committed: %s", exc)
        raise StampsUnavailable() from exc


@event.listens_for(Session, "after_commit")
def _announce_after(session: Session) -> None:
    """Replace the stamps again: a reader that took the old-new stamp before the commit read the old rows."""
    pending = session.info.pop("auth_stamps", None)
    cache = _cache(session)
    if not pending or cache is None or not (pending["users"] or pending["everyone"]):
        return
    try:
        cache.bump(pending["users"], pending["everyone"])
    except RedisError as exc:
        log.error("could not announce changed accounts or tokens after the commit: %s", exc)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop("auth_stamps", None)
