"""Sign in, register (residents) and who am I."""
from flask_smorest import Blueprint
from sqlalchemy.exc import IntegrityError

from ..auth import BEARER, auth_required, current_user, issue_token
from ..errors import ApiError
from ..extensions import db
from ..models import Role, User
from ..schemas.auth import LoginSchema, RegisterSchema, TokenSchema, UserSchema
from ..schemas.common import ErrorSchema
from ..security import PHONE_RE, blind_index, decrypt, encrypt, hash_password, mask_phone, verify_password

PREFIX = "/auth"
blp = Blueprint("auth", __name__, description="Sign in and accounts")


def present_user(user: User) -> dict:
    """A user as the API shows them (phone masked)."""
    return {
        "id": user.id, "username": user.username, "role": user.role, "display_name": user.display_name,
        "phone": mask_phone(decrypt(user.phone_enc)),
        "department": user.department.code if user.department else None,
        "grid": user.grid.code if user.grid else None,
    }


def _token_response(user: User) -> dict:
    """Issue a token and describe it."""
    token, row = issue_token(user)
    db.session.commit()
    return {"access_token": token, "token_type": "Bearer", "expires_at": row.expires_at, "user": present_user(user)}


def _dummy_hash() -> str:
    """A hash with the app's Argon2 cost, checked for unknown users."""
    from flask import current_app
    ext = current_app.extensions
    if "gridwatch_dummy_hash" not in ext:
        ext["gridwatch_dummy_hash"] = hash_password("no-such-user-0")
    return ext["gridwatch_dummy_hash"]


def find_user(login: str) -> User | None:
    """A user by username, or a resident by phone number."""
    user = db.session.execute(db.select(User).where(User.username == login)).scalar_one_or_none()
    if user is None and PHONE_RE.match(login):
        user = db.session.execute(
            db.select(User).where(User.phone_index == blind_index(login))).scalar_one_or_none()
    return user


@blp.route("/login", methods=["POST"])
@blp.arguments(LoginSchema)
@blp.response(200, TokenSchema)
@blp.alt_response(401, schema=ErrorSchema, description="Wrong username or password")
@blp.alt_response(429, schema=ErrorSchema, description="Too many attempts; wait (Retry-After) and try again")
def login(args):
    """Sign in with a username (or a resident's phone number) and password."""
    user = find_user(args["username"])
    # An unknown name costs the same Argon2 check as a wrong password: timing tells nobody who has an account.
    stored = user.password_hash if user is not None else _dummy_hash()
    if not verify_password(stored, args["password"]) or user is None or not user.active:
        raise ApiError(401, "invalid_credentials", "Wrong username or password.")
    return _token_response(user)


@blp.route("/register", methods=["POST"])
@blp.arguments(RegisterSchema)
@blp.response(201, TokenSchema)
@blp.alt_response(409, schema=ErrorSchema, description="Phone number already registered")
@blp.alt_response(429, schema=ErrorSchema, description="Too many sign-ups; wait (Retry-After) and try again")
def register(args):
    """Register a resident account with a phone number."""
    phone = args["phone"]
    user = User(username=phone, role=Role.RESIDENT.value, password_hash=hash_password(args["password"]),
                display_name=args.get("display_name"), phone_enc=encrypt(phone), phone_index=blind_index(phone))
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise ApiError(409, "already_registered", "This phone number already has an account; sign in instead.",
                       {"phone": ["already registered"]})
    return _token_response(user)


@blp.route("/me", methods=["GET"])
@blp.doc(security=BEARER)
@blp.response(200, UserSchema)
@blp.alt_response(401, schema=ErrorSchema)
@auth_required()
def me():
    """The signed-in user."""
    return present_user(current_user())


@blp.route("/logout", methods=["POST"])
@blp.doc(security=BEARER)
@blp.response(204)
@blp.alt_response(401, schema=ErrorSchema)
@auth_required()
def logout():
    """Revoke the token used for this request."""
    from flask import g

    from ..models import utcnow
    g.token.revoked_at = utcnow()
    db.session.commit()
