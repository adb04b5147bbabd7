"""API keys for Open311 clients: create (the plaintext is shown once), list, revoke, check.

Only a SHA-256 of each key is stored. Every key files its reports under its own service account
(role resident, inactive: it can never sign in), so reports keep a reporter and the key's name.
"""
import secrets

from server.extensions import db
from server.models import ApiKey, Role, User, utcnow
from server.accounts.security import hash_password, token_hash

KEY_PREFIX = "gw311_"


class ApiKeyError(ValueError):
    """A key that cannot be created or found as asked."""


def _new_plaintext() -> str:
    """A fresh key: a recognisable prefix and 256 random bits."""
    return KEY_PREFIX + secrets.token_urlsafe(32)


def create_key(name: str, created_by: User | None = None) -> tuple[ApiKey, str]:
    """Create a key named ``name``; returns the row and the plaintext key (not stored anywhere). Commits."""
    name = (name or "").strip()
    if not name or len(name) > 80:
        raise ApiKeyError("name: 1–80 characters")
    if db.session.execute(db.select(ApiKey.id).where(ApiKey.name == name)).first() is not None:
        raise ApiKeyError(f"a key named {name!r} already exists")
    plaintext = _new_plaintext()
    account = User(username=f"open311-{secrets.token_hex(6)}", role=Role.RESIDENT.value, active=False,
                   password_hash=hash_password(secrets.token_urlsafe(32)), display_name=f"Open311：{name}"[:64])
    row = ApiKey(name=name, prefix=plaintext[:12], key_hash=token_hash(plaintext), user=account,
                 created_by_id=created_by.id if created_by is not None else None)
    db.session.add_all([account, row])
    db.session.commit()
    return row, plaintext


def list_keys(include_revoked: bool = True) -> list[ApiKey]:
    """Every key, newest first."""
    query = db.select(ApiKey).order_by(ApiKey.created_at.desc(), ApiKey.id.desc())
    if not include_revoked:
        query = query.where(ApiKey.revoked_at.is_(None))
    return list(db.session.execute(query).scalars())


def find_key(id_or_name: int | str) -> ApiKey | None:
    """A key by id (a number) or by name."""
    if isinstance(id_or_name, int) or str(id_or_name).isdigit():
        row = db.session.get(ApiKey, int(id_or_name))
        if row is not None:
            return row
    return db.session.execute(db.select(ApiKey).where(ApiKey.name == str(id_or_name))).scalar_one_or_none()


def revoke_key(key_id: int | str) -> ApiKey:
    """Revoke a key (by id or name) so it is refused from now on; idempotent. Commits."""
    row = find_key(key_id)
    if row is None:
        raise ApiKeyError(f"no API key {key_id!r}")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        db.session.commit()
    return row


def check_key(plaintext: str | None) -> ApiKey | None:
    """The active key matching ``plaintext`` (its last use recorded, uncommitted), or None."""
    if not plaintext:
        return None
    row = db.session.execute(db.select(ApiKey).where(ApiKey.key_hash == token_hash(plaintext.strip()))
                             ).scalar_one_or_none()
    if row is None or row.revoked_at is not None:
        return None
    row.last_used_at = utcnow()
    return row


def present_key(row: ApiKey) -> dict:
    """A key as listings show it (never the key itself)."""
    return {"id": row.id, "name": row.name, "prefix": row.prefix, "active": row.active,
            "created_at": row.created_at, "last_used_at": row.last_used_at, "revoked_at": row.revoked_at}
