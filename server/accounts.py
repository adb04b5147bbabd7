"""Creating accounts (admins, the CLI and the demo seed)."""
from sqlalchemy.exc import IntegrityError

from .extensions import db
from .models import Area, AreaLevel, Department, Role, User
from .schemas.auth import USERNAME_RE
from .security import PHONE_RE, blind_index, encrypt, hash_password, password_problem


class AccountError(ValueError):
    """An account that cannot be created as asked."""


def create_user(*, username: str, role: str, password: str, department: str | None = None,
                grid: str | None = None, phone: str | None = None, display_name: str | None = None,
                commit: bool = True) -> User:
    """Validate and create a user; department and grid are codes."""
    if role not in {r.value for r in Role}:
        raise AccountError(f"unknown role {role!r}")
    if not (USERNAME_RE.match(username) or PHONE_RE.match(username)):
        raise AccountError("username: 3–64 letters, digits, '_', '.', '-'")
    problem = password_problem(password, username=username, phone=phone)
    if problem:
        raise AccountError(problem)
    if phone is not None and not PHONE_RE.match(phone):
        raise AccountError("phone: a mainland mobile number of 11 digits")
    user = User(username=username, role=role, password_hash=hash_password(password), display_name=display_name)
    if phone:
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
        raise AccountError(f"username {username!r} or that phone number is taken")
    if commit:
        db.session.commit()
    return user
