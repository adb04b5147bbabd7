"""人工派单 as a paged, sortable table (suggestions in words), and the dispatch form for one case at a time."""
from flask import abort, render_template, request

from server.cases.queries import is_overdue, queue_clause
from server.cases.regrade import corrections_by_hand
from server.cases.service import allowed_for
from server.extensions import db
from server.models import Case, Report
from server.web.pagination import paginate

from admin.blueprint import bp
from ..auth import SUPERVISOR, current, login_required
from .case_search import addresses, thumbnails
from .cases import _suggestions, departments

PER_PAGE = 20
SORTS = {"created": (Case.created_at.asc(), Case.id.asc()), "-created": (Case.created_at.desc(), Case.id.desc()),
         "level": (Case.severity.asc(), Case.created_at.asc(), Case.id.asc()),
         "-level": (Case.severity.desc(), Case.created_at.asc(), Case.id.asc())}


def dispatch_table(queues: dict, counts: dict) -> str:
    """The manual dispatch queue: one row a case, oldest first unless sorted, with its suggestions in words."""
    sort = request.args.get("sort") if request.args.get("sort") in SORTS else "created"
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    found = paginate(db.select(Case).where(queue_clause("manual_dispatch")), page, PER_PAGE, *SORTS[sort])
    rows = found.items
    return render_template("admin/dispatch_queue.html", queue="manual_dispatch", queues=queues, counts=counts,
                           cases=rows, page=found.page, pages=found.pages, sort=sort,
                           suggestions={c.id: _suggestions(c)[:3] for c in rows}, addresses=addresses(rows),
                           thumbs=thumbnails([c.id for c in rows]), is_overdue=is_overdue,
                           corrections=corrections_by_hand([c.id for c in rows]))


@bp.get("/queues/manual_dispatch/<int:case_id>")
@login_required(SUPERVISOR)
def dispatch_one(case_id: int):
    """The dispatch form for one case of the manual dispatch queue."""
    case = db.session.get(Case, case_id)
    if case is None:
        abort(404)
    allowed = [a for a in allowed_for(case, current()) if a in ("dispatch", "merge")]
    return render_template("admin/dispatch_one.html", case=case, allowed=allowed, suggestions=_suggestions(case),
                           report=db.session.get(Report, case.origin_report_id), departments=departments(),
                           address=addresses([case]).get(case.id), next=request.args.get("next") or "")
