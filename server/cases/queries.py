"""Finding cases: who sees which, inbox and supervisor queues, filters."""
from sqlalchemy import and_, false, or_, true

from triage import lifecycle
from triage.lifecycle import CaseStatus

from server.errors import Forbidden
from server.extensions import db
from server.taxonomy.filters import category_ids
from server.web.pagination import paginate
from server.cases.verification import awaiting_verification, fallback_grids, may_verify
from server.models import Case, CaseDepartment, Department, Report, Role, User, utcnow

FULL_VIEW = {Role.SUPERVISOR.value, Role.ADMIN.value}
# Statuses of the cases open at a department (triage.lifecycle.OPEN_AT_DEPARTMENT), as stored.
OPEN_AT_DEPARTMENT = tuple(s.value for s in CaseStatus if s in lifecycle.OPEN_AT_DEPARTMENT)
# Of those, the ones whose sign-for deadline runs and those whose resolve-by deadline runs (an escalated case has been
# escalated already): what escalation and the deadline warnings watch.
SIGN_PENDING = (CaseStatus.DISPATCHED.value,)
RESOLVE_PENDING = tuple(s for s in OPEN_AT_DEPARTMENT if s != CaseStatus.ESCALATED.value)
MAX_TERMS = 5  # words of a search that must all match
QUEUES = ("manual_dispatch", "send_back", "extension", "feedback_review", "overdue", "rating_review", "verification")


def case_scope(user: User):
    """A WHERE clause limiting cases to those the user may see."""
    if user.role in FULL_VIEW:
        return true()
    if user.role == Role.DEPT_STAFF.value and user.department_id:
        return Case.id.in_(db.select(CaseDepartment.case_id).where(CaseDepartment.department_id == user.department_id))
    if user.role == Role.GRID_WORKER.value and user.grid_id:
        own = Case.origin_report_id.in_(db.select(Report.id).where(Report.grid_id == user.grid_id))
        others = fallback_grids(user)  # grids without a nearer worker: their cases waiting for 核查
        if not others:
            return own
        return or_(own, and_(Case.status == CaseStatus.FEEDBACK_SUBMITTED.value, Case.verified_at.is_(None),
                             Case.origin_report_id.in_(db.select(Report.id).where(Report.grid_id.in_(others)))))
    return false()


def can_view_case(user: User, case: Case) -> bool:
    """Whether the user may read the case."""
    if user.role in FULL_VIEW:
        return True
    if user.role == Role.DEPT_STAFF.value:
        return user.department_id is not None and user.department_id in case.department_ids()
    if user.role == Role.GRID_WORKER.value and user.grid_id:
        report = db.session.get(Report, case.origin_report_id)
        if report is not None and report.grid_id == user.grid_id:
            return True
        return report is not None and awaiting_verification(case) and may_verify(case, user)
    return False


def open_at_department(*also: CaseStatus):
    """WHERE clause: the case is open at a department (dispatched, not yet answered), or in one of ``also``."""
    return Case.status.in_(OPEN_AT_DEPARTMENT + tuple(s.value for s in also))


def overdue_clause(now=None):
    """Open at a department and past a deadline (sign-for not met, or resolve-by)."""
    now = now or utcnow()
    return and_(open_at_department(),
                or_(Case.resolve_by < now, and_(Case.signed_at.is_(None), Case.sign_by < now)))


def is_overdue(case: Case, now=None) -> bool:
    """The same test on a loaded case."""
    now = now or utcnow()
    if case.status not in OPEN_AT_DEPARTMENT:
        return False
    return bool((case.resolve_by and case.resolve_by < now) or
                (case.signed_at is None and case.sign_by and case.sign_by < now))


def queue_clause(queue: str):
    """The cases waiting in a supervisors' (or grid workers') queue."""
    if queue == "manual_dispatch":
        return Case.status == CaseStatus.RECEIVED.value
    if queue == "send_back":
        return Case.status == CaseStatus.RETURNED.value
    if queue == "extension":
        return Case.status == CaseStatus.EXTENSION_REQUESTED.value
    if queue == "feedback_review":
        return Case.status == CaseStatus.FEEDBACK_SUBMITTED.value
    if queue == "overdue":
        return overdue_clause()
    if queue == "rating_review":
        return and_(Case.status == CaseStatus.CLOSED.value, Case.rating_review.is_(True))
    if queue == "verification":
        return and_(Case.status == CaseStatus.FEEDBACK_SUBMITTED.value, Case.verified_at.is_(None),
                    Case.origin_report_id.in_(db.select(Report.id).where(Report.grid_id.is_not(None))))
    raise ValueError(queue)


def list_cases(user: User, args: dict) -> tuple[list[Case], int]:
    """A page of the cases the user may see, filtered; (rows, total)."""
    if user.role == Role.RESIDENT.value:
        raise Forbidden("Residents follow their cases through their reports.")
    query = db.select(Case).where(case_scope(user))
    if args.get("status"):
        query = query.where(Case.status.in_(args["status"]))
    if args.get("severity"):
        query = query.where(Case.severity == args["severity"])
    if args.get("level"):
        query = query.where(Case.severity == args["level"])
    if args.get("category"):
        query = query.where(Case.category_id.in_(category_ids(args["category"])))
    if args.get("q"):
        query = query.where(text_match(args["q"]))
    if "overdue" in args:
        clause = overdue_clause()
        query = query.where(clause if args["overdue"] else ~clause)
    if args.get("queue"):
        query = query.where(queue_clause(args["queue"]))
    if args.get("department"):
        query = query.where(Case.id.in_(db.select(CaseDepartment.case_id).join(Department).where(
            Department.code == args["department"])))
    if args.get("since"):
        query = query.where(Case.created_at >= args["since"])
    if args.get("until"):
        query = query.where(Case.created_at < args["until"])
    found = paginate(query, args["page"], args["per_page"], *case_order(user, args))
    return found.items, found.total


def _like(term: str) -> str:
    """A LIKE pattern finding ``term`` anywhere, its wildcards escaped."""
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def text_match(q: str):
    """WHERE clause: every word of ``q`` is in the case number, or a report's masked text or address."""
    clauses = []
    for term in q.split()[:MAX_TERMS]:
        pattern = _like(term)
        in_reports = db.select(Report.case_id).where(Report.case_id.is_not(None), or_(
            db.func.coalesce(Report.text_masked, Report.text).ilike(pattern, escape="\\"),
            Report.address.ilike(pattern, escape="\\")))
        clauses.append(or_(Case.number.ilike(pattern, escape="\\"), Case.id.in_(in_reports)))
    return and_(*clauses)


def case_order(user: User, args: dict) -> tuple:
    """ORDER BY for a case list: ``sort`` if given; else a department's inbox (and the overdue queue) nearest
    deadline first, everything else newest first. Cases without a deadline come last either way."""
    sort = args.get("sort") or ("deadline" if user.role == Role.DEPT_STAFF.value or args.get("queue") == "overdue"
                                else "-created")
    descending, key = sort.startswith("-"), sort.lstrip("-")
    column = {"created": Case.created_at, "deadline": Case.resolve_by, "level": Case.severity}[key]
    first = (Case.resolve_by.is_(None),) if key == "deadline" else ()
    return first + ((column.desc(), Case.id.desc()) if descending else (column.asc(), Case.id.asc()))
