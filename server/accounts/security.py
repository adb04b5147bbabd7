"""Password hashing, encryption of personal data, and bearer tokens."""
import base64
import hashlib
import hmac
import re
import secrets
import unicodedata

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from server.accounts.passwords import password_problem as policy

# A mainland mobile number after normalise_phone: ASCII digits only, nothing after the last one.
PHONE_RE = re.compile(r"^1[3-9][0-9]{9}\Z")
_PHONE_NOISE = re.compile(r"[\s\-().\u00a0\u200b-\u200d\u2060\ufeff]+")
_COUNTRY_PREFIXES = ("+86", "0086", "86")


def phone_digits(value: str) -> str:
    """A phone number as typed, in one spelling: NFKC (full-width digits and '＋'), any Unicode decimal digit
    (Arabic-Indic, Devanagari, ...) as ASCII, without whitespace, hyphens, dots or brackets, and without the +86 /
    0086 prefix. The result is not checked; see :func:`normalise_phone`."""
    text = unicodedata.normalize("NFKC", value or "")
    text = "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in text)
    text = _PHONE_NOISE.sub("", text)
    for prefix in _COUNTRY_PREFIXES:
        if text.startswith(prefix) and len(text) == len(prefix) + 11:
            return text[len(prefix):]
    return text


def normalise_phone(value) -> str | None:
    """The mainland mobile number in ``value`` as 11 ASCII digits, or None when it is not one. Every phone number is
    normalised with this before it is stored, looked up, blind-indexed or counted, so that one number never has
    two spellings (``"13800000002\\n"``, full-width or Arabic-Indic digits, ``+86 138-0000-0002``)."""
    if not isinstance(value, str) or len(value) > 64:
        return None
    digits = phone_digits(value)
    return digits if PHONE_RE.match(digits) else None


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
    """Why a password is too weak, or None when it is acceptable (the policy is in server.accounts.passwords)."""
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
    """A keyed hash to find a record by an encrypted value (phone numbers: give the normalised number)."""
    return hmac.new(_derive(b"pii-index"), value.encode(), hashlib.sha256).hexdigest()


def mask_phone(phone: str | None) -> str | None:
    """138****1234."""
    if not phone:
        return None
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 7 else "****"


def mask_login(name: str | None) -> str | None:
    """A sign-in name as typed, safe to log: a phone number is masked (138****0001), anything else kept."""
    if name is None:
        return None
    phone = normalise_phone(name)
    return mask_phone(phone) if phone else name


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
