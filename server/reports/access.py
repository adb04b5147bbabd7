"""Who may see which reports."""
from sqlalchemy import false, or_, select, true

from server.models import CaseDepartment, Report, Role, User
from server.models import Case
from server.extensions import db

FULL_VIEW = {Role.SUPERVISOR.value, Role.ADMIN.value}


def report_scope(user: User):
    """A WHERE clause limiting reports to those the user may see."""
    role = user.role
    if role in FULL_VIEW:
        return true()
    if role == Role.RESIDENT.value:
        return Report.reporter_id == user.id
    if role == Role.GRID_WORKER.value:
        mine = Report.reporter_id == user.id
        return or_(mine, Report.grid_id == user.grid_id) if user.grid_id else mine
    if role == Role.DEPT_STAFF.value and user.department_id:
        routed = select(CaseDepartment.case_id).where(CaseDepartment.department_id == user.department_id)
        return Report.case_id.in_(routed)
    return false()


def can_view_report(user: User, report: Report) -> bool:
    """Whether the user may read the report and its media."""
    role = user.role
    if role in FULL_VIEW or report.reporter_id == user.id:
        return True
    if role == Role.GRID_WORKER.value:
        return user.grid_id is not None and report.grid_id == user.grid_id
    if role == Role.DEPT_STAFF.value and report.case_id is not None and user.department_id:
        case = db.session.get(Case, report.case_id)
        return case is not None and user.department_id in case.department_ids()
    return False


def sees_original(user: User, report: Report) -> bool:
    """Whether the user sees the unmasked text and the reporter's identity."""
    return user.role in FULL_VIEW or report.reporter_id == user.id
