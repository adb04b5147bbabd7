"""Creating and finding accounts (the API, admins, the CLI and the demo seed).

Phone numbers are never a username: they are stored only encrypted and found through their blind index, always
normalised first (:func:`server.accounts.security.normalise_phone`). A resident's username is generated (``r_`` and 12 hex
digits); a phone-shaped name given to :func:`create_user` becomes the account's phone number instead.
"""
import secrets

from sqlalchemy.exc import IntegrityError

from server.extensions import db
from server.models import Area, AreaLevel, Department, Role, User
from server.accounts.schemas import USERNAME_RE
from server.accounts.security import blind_index, encrypt, hash_password, normalise_phone, password_problem
from server.accounts.audit_log import record_api_action
from server.accounts.auth import end_sessions
from server.models import Notification, Report, utcnow
from server.accounts.retention import anonymise_report, delete_files
from server.reports.support import forget_supports


class AccountError(ValueError):
    """An account that cannot be created as asked."""


def generated_username(role: str) -> str:
    """A username that says nothing about the person: ``r_3f9a…`` for residents, ``u_…`` for others."""
    return ("r_" if role == Role.RESIDENT.value else "u_") + secrets.token_hex(6)


def find_user(login: str) -> User | None:
    """A user by username, or by phone number (normalised, through the blind index)."""
    if not isinstance(login, str) or not login.strip():
        return None
    phone = normalise_phone(login)
    if phone is not None:
        return db.session.execute(db.select(User).where(User.phone_index == blind_index(phone))).scalar_one_or_none()
    return db.session.execute(db.select(User).where(User.username == login.strip())).scalar_one_or_none()


def phone_taken(phone: str) -> bool:
    """Whether a (normalised) phone number already has an account."""
    return db.session.execute(db.select(User.id).where(User.phone_index == blind_index(phone))).first() is not None


def create_user(*, username: str | None, role: str, password: str, department: str | None = None,
                grid: str | None = None, phone: str | None = None, display_name: str | None = None,
                commit: bool = True) -> User:
    """Validate and create a user; department and grid are codes. A phone-shaped (or no) username gets a generated
    one, the phone number being kept encrypted."""
    if role not in {r.value for r in Role}:
        raise AccountError(f"unknown role {role!r}")
    if phone is not None:
        normalised = normalise_phone(phone)
        if normalised is None:
            raise AccountError("phone: a mainland mobile number of 11 digits")
        phone = normalised
    typed = (username or "").strip()
    as_phone = normalise_phone(typed) if typed else None
    if as_phone is not None:  # a phone number as a username: it becomes the phone, never stored in clear
        if phone is not None and phone != as_phone:
            raise AccountError("username: a phone number other than the account's phone")
        phone, typed = as_phone, ""
    if typed and not USERNAME_RE.match(typed):
        raise AccountError("username: 3–64 letters, digits, '_', '.', '-'")
    if not typed and phone is None:
        raise AccountError("username: 3–64 letters, digits, '_', '.', '-' (or a phone number)")
    username = typed or generated_username(role)
    problem = password_problem(password, username=typed or None, phone=phone)
    if problem:
        raise AccountError(problem)
    user = User(username=username, role=role, password_hash=hash_password(password), display_name=display_name)
    if phone:
        if phone_taken(phone):
            raise AccountError("that phone number is taken")
        user.phone_enc, user.phone_index = encrypt(phone), blind_index(phone)
    if department:
        user.department = db.session.execute(db.select(Department).where(Department.code == department)).scalar()
        if user.department is None:
            raise AccountError(f"no department {department!r}")
    elif role == Role.DEPT_STAFF.value:
        raise AccountError("department staff need --department")
    if grid:
        user.grid = db.session.execute(
            db.select(Area).where(Area.code == grid, Area.level == AreaLevel.GRID.value)).scalar()
        if user.grid is None:
            raise AccountError(f"no grid {grid!r}")
    elif role == Role.GRID_WORKER.value:
        raise AccountError("grid workers need --grid")
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise AccountError(f"username {typed!r} or that phone number is taken") from None
    if commit:
        db.session.commit()
    return user


def delete_account(user: User, *, via: str = "api") -> dict:
    """A resident deletes their account: their reports stay, anonymised (:func:`server.accounts.retention.anonymise_report`);
    the account keeps a row without personal data (case events name it) that can never sign in again; tokens and
    sessions end; notifications go. Recorded in the admin audit log; commits."""
    reports = db.session.execute(db.select(Report).where(Report.reporter_id == user.id)).scalars().all()
    keys = []
    for report in reports:
        keys += anonymise_report(report)
    forget_supports(user)  # 我也遇到了: still counted, no longer as this account
    db.session.execute(db.delete(Notification).where(Notification.user_id == user.id))
    end_sessions(user)
    user.username = "deleted_" + secrets.token_hex(6)
    user.display_name = user.phone_enc = user.phone_index = None
    user.password_hash = "!deleted"  # no password verifies against this
    user.active = False
    user.deleted_at = utcnow()
    record_api_action("account.delete", f"user:{user.id}", user, role=user.role, reports=len(reports), via=via)
    db.session.commit()
    delete_files(keys)
    return {"deleted": True, "reports_anonymised": len(reports)}
