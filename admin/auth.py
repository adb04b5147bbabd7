"""Session sign-in for the web pages (separate from the API's bearer tokens) and role checks."""
from functools import wraps

from flask import abort, current_app, g, redirect, request, session, url_for

from server.extensions import db
from server.accounts.service import find_user
from server.accounts.auth import end_sessions
from server.models import Role, User
from server.accounts.security import hash_password, verify_password

WEB_ROLES = (Role.SUPERVISOR.value, Role.DEPT_STAFF.value, Role.ADMIN.value)
SUPERVISOR, DEPT, ADMIN = Role.SUPERVISOR.value, Role.DEPT_STAFF.value, Role.ADMIN.value


def _dummy_hash() -> str:
    """A throwaway hash with the app's cost: checking it for unknown users keeps both failures equally slow."""
    ext = current_app.extensions
    if "admin_dummy_hash" not in ext:
        ext["admin_dummy_hash"] = hash_password("no-such-user-0")
    return ext["admin_dummy_hash"]


def authenticate(username: str, password: str) -> User | None:
    """The active user with this username (or phone number) and password, or None."""
    user = find_user(username)
    if user is None:
        verify_password(_dummy_hash(), password)
        return None
    if not user.active or not verify_password(user.password_hash, password):
        return None
    return user


def sign_in(user: User) -> None:
    """Start a fresh session for the user (the old session's contents are dropped)."""
    lang = session.get("lang")
    session.clear()
    session.permanent = True
    session["admin_uid"] = user.id
    session["admin_sv"] = user.session_version or 0
    if lang:
        session["lang"] = lang


def sign_out(user: User | None = None) -> None:
    """End the session, keeping only the language choice; with the user, end every other session of theirs too
    (a copy of this session's cookie stops working: the user's session version moves on)."""
    if user is not None:
        end_sessions(user, tokens=False)
        db.session.commit()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def load_user() -> User | None:
    """The signed-in web user for this request (None when signed out or no longer allowed)."""
    uid = session.get("admin_uid")
    if uid is None:
        return None
    user = db.session.get(User, uid)
    if (user is None or not user.active or user.role not in WEB_ROLES
            or session.get("admin_sv") != (user.session_version or 0)):
        sign_out()  # a stale session (signed out elsewhere, new password, changed access) is over
        return None
    return user


def current() -> User:
    """The signed-in web user."""
    return g.admin_user


def login_required(*roles: str):
    """Send signed-out visitors to the sign-in page; refuse (403) roles not listed."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if g.get("admin_user") is None:
                return redirect(url_for("admin.login", next=request.full_path if request.method == "GET" else None))
            if roles and g.admin_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)
        return wrapper
    return decorator
