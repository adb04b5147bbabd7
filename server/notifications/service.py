"""In-app notifications to department staff and supervisors."""
from collections.abc import Iterable

from server.extensions import db
from server.models import Case, Notification, Role, User


def department_staff(department_ids: Iterable[int]) -> list[User]:
    """Active staff of the given departments."""
    ids = list(department_ids)
    if not ids:
        return []
    return list(db.session.execute(db.select(User).where(
        User.role == Role.DEPT_STAFF.value, User.department_id.in_(ids), User.active.is_(True))).scalars())


def supervisors() -> list[User]:
    """Active supervisors."""
    return list(db.session.execute(db.select(User).where(
        User.role == Role.SUPERVISOR.value, User.active.is_(True))).scalars())


def notify(users: Iterable[User], case: Case | None, kind: str, message: str, *, skip: int | None = None) -> int:
    """Queue one notification per user (not to ``skip``, the id of the one who caused it); the caller commits."""
    seen, count = set(), 0
    for user in users:
        if user.id in seen or user.id == skip:
            continue
        seen.add(user.id)
        db.session.add(Notification(user_id=user.id, case_id=case.id if case else None, kind=kind, message=message))
        count += 1
    return count


def notify_departments(case: Case, kind: str, message: str, *, skip: int | None = None,
                       department_ids: Iterable[int] | None = None) -> int:
    """Tell the staff of the case's departments (or of the given ones)."""
    ids = case.department_ids() if department_ids is None else department_ids
    return notify(department_staff(ids), case, kind, message, skip=skip)


def notify_supervisors(case: Case, kind: str, message: str, *, skip: int | None = None) -> int:
    """Tell every supervisor."""
    return notify(supervisors(), case, kind, message, skip=skip)

