"""Sign in, register (residents), who am I, sign out and delete one's account."""
from flask_smorest import Blueprint
from sqlalchemy.exc import IntegrityError

from server.accounts.service import delete_account, find_user, generated_username, phone_taken
from server.accounts.auth import BEARER, auth_required, current_user, issue_token
from server.web.errors import ApiError
from server.extensions import db
from server.models import Role, User
from server.web.ratelimit import signin_throttled
from server.accounts.schemas import (DeleteAccountSchema, DeletedAccountSchema, LoginSchema, RegisterSchema,
                                     TokenSchema, UserSchema)
from server.web.schemas import ErrorSchema
from server.accounts.security import blind_index, decrypt, encrypt, hash_password, mask_phone, verify_password
from server.models import utcnow

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


@blp.route("/login", methods=["POST"])
@blp.arguments(LoginSchema)
@blp.response(200, TokenSchema)
@blp.alt_response(401, schema=ErrorSchema, description="Wrong username or password")
@blp.alt_response(429, schema=ErrorSchema, description="Too many attempts; wait (Retry-After) and try again")
def login(args):
    """Sign in with a username or a phone number (any spelling: +86, spaces, full-width digits) and password."""
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
    """Register a resident account with a phone number (any spelling: it is normalised first). The phone number is
    kept only encrypted; the account gets a generated username and signs in with the phone number."""
    phone = args["phone"]
    taken = ApiError(409, "already_registered", "This phone number already has an account; sign in instead.",
                     {"phone": ["already registered"]})
    if phone_taken(phone):
        raise taken
    user = User(username=generated_username(Role.RESIDENT.value), role=Role.RESIDENT.value,
                password_hash=hash_password(args["password"]), display_name=args.get("display_name"),
                phone_enc=encrypt(phone), phone_index=blind_index(phone))
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:  # registered at the same moment by another request
        db.session.rollback()
        raise taken from None
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

    g.token.revoked_at = utcnow()
    db.session.commit()


@blp.route("/delete", methods=["POST"])
@blp.doc(security=BEARER)
@blp.arguments(DeleteAccountSchema)
@blp.response(200, DeletedAccountSchema)
@blp.alt_response(401, schema=ErrorSchema, description="Not signed in, or the password is wrong")
@blp.alt_response(403, schema=ErrorSchema, description="Only residents delete their own account")
@blp.alt_response(429, schema=ErrorSchema, description="Too many wrong passwords; wait (Retry-After)")
@signin_throttled
@auth_required()
def delete_me(args):
    """Delete the signed-in resident's account, confirmed with the password. Their reports stay, anonymised
    (no reporter, phone numbers and names masked, voice recordings removed); every token and session ends."""
    user = current_user()
    if user.role != Role.RESIDENT.value:
        raise ApiError(403, "forbidden", "Staff accounts are closed by an administrator.")
    if not verify_password(user.password_hash, args["password"]):
        raise ApiError(401, "invalid_credentials", "Wrong password; the account was not deleted.",
                       {"password": ["wrong password"]})
    return delete_account(user)
