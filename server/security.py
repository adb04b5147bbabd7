"""Password hashing, encryption of personal data, and bearer tokens."""
import base64
import hashlib
import hmac
import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

PHONE_RE = re.compile(r"^1[3-9]\d{9}$")


def _hasher() -> PasswordHasher:
    """Argon2id with the app's cost settings (lowered only in tests)."""
    ext = current_app.extensions
    if "gridwatch_hasher" not in ext:
        cfg = current_app.config
        ext["gridwatch_hasher"] = PasswordHasher(time_cost=cfg["ARGON2_TIME_COST"], memory_cost=cfg["ARGON2_MEMORY_KIB"])
    return ext["gridwatch_hasher"]


def hash_password(password: str) -> str:
    """Argon2id hash of a password."""
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether the password matches the stored hash."""
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def password_problem(password: str, *, username: str | None = None, phone: str | None = None) -> str | None:
    """Why a password is too weak, or None when it is acceptable (the policy is in server.passwords)."""
    from .passwords import password_problem as policy
    return policy(password, username=username, phone=phone)


def _derive(purpose: bytes) -> bytes:
    """A 32-byte key for one purpose, derived from the data key."""
    secret = (current_app.config.get("DATA_KEY") or current_app.config["SECRET_KEY"]).encode()
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"gridwatch", info=purpose).derive(secret)


def _fernet() -> Fernet:
    """The cipher for personal data at rest."""
    return Fernet(base64.urlsafe_b64encode(_derive(b"pii-encryption")))


def encrypt(value: str) -> str:
    """Encrypt a personal datum for storage."""
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str | None) -> str | None:
    """Decrypt a stored personal datum (None when absent or undecryptable)."""
    if not token:
        return None
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return None


def blind_index(value: str) -> str:
    """A keyed hash to find a record by an encrypted value."""
    return hmac.new(_derive(b"pii-index"), value.encode(), hashlib.sha256).hexdigest()


def mask_phone(phone: str | None) -> str | None:
    """138****1234."""
    if not phone:
        return None
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 7 else "****"


def mask_name(name: str | None) -> str | None:
    """张女士 → 张**: the first character only."""
    if not name or name == "—":
        return name
    return name[0] + "*" * max(1, len(name) - 1)


def new_token() -> tuple[str, str]:
    """A fresh bearer token and the hash stored for it."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    """What is stored for a bearer token."""
    return hashlib.sha256(token.encode()).hexdigest()
