"""The department inbox: sign for, send back, ask for an extension, file feedback."""
from flask import render_template, request

from server.cases.queries import OPEN_AT_DEPARTMENT, is_overdue
from server.cases.service import allowed_for
from server.extensions import db
from server.models import Case, CaseDepartment, Report

from admin.blueprint import bp
from ..auth import DEPT, current, login_required

TABS = {
    "todo": ("To do", OPEN_AT_DEPARTMENT),
    "waiting": ("Waiting for the command centre", ("returned", "feedback_submitted")),
    "closed": ("Closed", ("closed",)),
}
LIMIT = 50


@bp.get("/inbox")
@login_required(DEPT)
def inbox():
    """The department's cases, nearest deadline first, with the forms to act on them."""
    user = current()
    tab = request.args.get("tab", "todo")
    tab = tab if tab in TABS else "todo"
    mine = db.select(CaseDepartment.case_id).where(CaseDepartment.department_id == user.department_id)
    counts = {t: db.session.execute(db.select(db.func.count(Case.id)).where(
        Case.id.in_(mine), Case.status.in_(states))).scalar_one() for t, (_, states) in TABS.items()}
    order = (Case.closed_at.desc(),) if tab == "closed" else (Case.resolve_by.asc(),)
    rows = db.session.execute(db.select(Case).where(Case.id.in_(mine), Case.status.in_(TABS[tab][1]))
                              .order_by(*order, Case.id).limit(LIMIT)).scalars().all()
    items = [{"case": c, "report": db.session.get(Report, c.origin_report_id), "allowed": allowed_for(c, user),
              "role": next((r.role for r in c.departments if r.department_id == user.department_id), None)}
             for c in rows]
    return render_template("admin/inbox.html", tab=tab, tabs=TABS, counts=counts, items=items,
                           is_overdue=is_overdue, next=request.full_path)
