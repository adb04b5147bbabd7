"""The supervisors' queues: manual dispatch, send-backs, extensions, feedback review, overdue, ratings, plans."""
from flask import abort, render_template, request

from triage.lifecycle import CaseStatus

from server.plans import service as plan_service
from server.cases.queries import is_overdue, open_at_department, queue_clause
from server.cases.service import allowed_for
from server.cases.verification import waiting_for
from server.cases.regrade import corrections_by_hand
from server.extensions import db
from server.models import Case, Report

from admin.blueprint import bp
from ..auth import SUPERVISOR, current, login_required
from .cases import _suggestions, departments
from .dispatch_queue import dispatch_table

# queue → (label, the actions offered in it)
QUEUES = {
    "manual_dispatch": ("Manual dispatch", ("dispatch", "merge")),
    "send_back": ("Send-backs", ("rule_send_back",)),
    "extension": ("Extensions", ("extend_decide",)),
    "feedback_review": ("Feedback review", ("verify", "waive_verification", "close", "reopen")),
    "overdue": ("Overdue", ("escalate",)),
    "rating_review": ("Dissatisfied ratings", ("rule_rating",)),
    "plans": ("Emergency plans", ()),
}
LIMIT = 25


def _count(queue: str) -> int:
    if queue == "plans":
        return len(_plan_candidates())
    return db.session.execute(db.select(db.func.count(Case.id)).where(queue_clause(queue))).scalar_one()


def _plan_candidates() -> list[tuple[Case, dict]]:
    """Open serious cases (levels I–II) with a plan that is not active on them yet."""
    rows = db.session.execute(db.select(Case).where(open_at_department(CaseStatus.RETURNED), Case.severity <= 2)
                              .order_by(Case.severity, Case.created_at.desc()).limit(LIMIT)).scalars().all()
    result = []
    for case in rows:
        active = plan_service.current_activation(case)
        if active is not None and active.completed_at is None:
            continue
        plan = plan_service.plan_for(case.category.code if case.category else None, case.severity)
        if plan:
            result.append((case, plan))
    return result


@bp.get("/queues")
@bp.get("/queues/<queue>")
@login_required(SUPERVISOR)
def queues(queue: str = "manual_dispatch"):
    """One queue with the actions a supervisor takes on each case in it."""
    if queue not in QUEUES:
        abort(404)
    user = current()
    counts = {q: _count(q) for q in QUEUES}
    if queue == "manual_dispatch":  # a paged table; the form opens for one case at a time
        return dispatch_table(QUEUES, counts)
    items = []
    if queue == "plans":
        items = [{"case": c, "plan": p, "report": db.session.get(Report, c.origin_report_id), "allowed": ()}
                 for c, p in _plan_candidates()]
    else:
        order = (Case.resolve_by.asc(),) if queue == "overdue" else (Case.created_at.asc(),)
        for case in db.session.execute(db.select(Case).where(queue_clause(queue)).order_by(*order, Case.id)
                                       .limit(LIMIT)).scalars():
            offered = QUEUES[queue][1]
            items.append({"case": case, "report": db.session.get(Report, case.origin_report_id),
                          "allowed": [a for a in allowed_for(case, user) if a in offered],
                          "suggestions": _suggestions(case) if queue == "manual_dispatch" else [],
                          "waiting": waiting_for(case) if queue == "feedback_review" else None})
    return render_template("admin/queues.html", queue=queue, queues=QUEUES, counts=counts, items=items,
                           departments=departments(), is_overdue=is_overdue, next=request.full_path,
                           corrections=corrections_by_hand([i["case"].id for i in items]))
