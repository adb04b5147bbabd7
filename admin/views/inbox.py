"""The department inbox: a paged table of the department's cases (filter by status, level, category, overdue; sort by
deadline, level or report time), and one case at a time with the forms to sign for, send back, extend, file feedback."""
from flask import abort, flash, render_template, request
from marshmallow import ValidationError

from server.cases.queries import OPEN_AT_DEPARTMENT, is_overdue, list_cases
from server.cases.regrade import corrections_by_hand
from server.cases.search_schemas import CaseSearchArgsSchema
from server.cases.service import allowed_for
from server.extensions import db
from server.models import Case, CaseDepartment, Report
from server.reports.presenters import present_report

from admin.blueprint import bp
from ..auth import DEPT, current, login_required
from ..i18n import gettext
from .case_search import addresses, category_choices, thumbnails
from .cases import _suggestions, viewable_case
from .session import _safe_next

TABS = {
    "todo": ("To do", OPEN_AT_DEPARTMENT),
    "waiting": ("Waiting for the command centre", ("returned", "feedback_submitted")),
    "closed": ("Closed", ("closed",)),
}
PER_PAGE = 20
FIELDS = ("status", "level", "category", "overdue", "sort")
SORTS = ("deadline", "-deadline", "level", "-level", "created", "-created")
# The actions a department takes from its inbox (the case page offers the same).
OFFERED = ("sign", "start", "feedback", "send_back", "extend_request")


def _form(tab: str) -> dict:
    """The filter form's values as sent (unknown ones dropped), to show again and to build the query from."""
    form = {key: (request.args.get(key) or "").strip() for key in FIELDS}
    if form["status"] not in TABS[tab][1]:
        form["status"] = ""
    if form["sort"] not in SORTS:
        form["sort"] = "-created" if tab == "closed" else "deadline"
    if form["overdue"] not in ("", "yes", "no"):
        form["overdue"] = ""
    return form


def _args(tab: str, form: dict) -> tuple[dict, bool]:
    """The arguments of ``list_cases``, checked by the API's search schema; (args, whether the form was rejected)."""
    raw = {"status": form["status"] or ",".join(TABS[tab][1]), "sort": form["sort"],
           "page": request.args.get("page") or "1", "per_page": str(PER_PAGE)}
    raw.update({key: form[key] for key in ("level", "category") if form[key]})
    if form["overdue"]:
        raw["overdue"] = "true" if form["overdue"] == "yes" else "false"
    try:
        return CaseSearchArgsSchema().load(raw), False
    except ValidationError:
        return CaseSearchArgsSchema().load({"status": ",".join(TABS[tab][1]), "sort": form["sort"],
                                            "per_page": str(PER_PAGE)}), True


def _counts(department_id: int) -> dict[str, int]:
    mine = db.select(CaseDepartment.case_id).where(CaseDepartment.department_id == department_id)
    return {t: db.session.execute(db.select(db.func.count(Case.id)).where(
        Case.id.in_(mine), Case.status.in_(states))).scalar_one() for t, (_, states) in TABS.items()}


def _role(case: Case, department_id: int) -> str | None:
    return next((r.role for r in case.departments if r.department_id == department_id), None)


@bp.get("/inbox")
@login_required(DEPT)
def inbox():
    """The department's cases as a table, nearest deadline first unless sorted; a row opens one case's forms."""
    user = current()
    tab = request.args.get("tab", "todo")
    tab = tab if tab in TABS else "todo"
    form = _form(tab)
    args, rejected = _args(tab, form)
    if rejected:
        flash(gettext("Some filters were not understood; showing all cases of this tab."), "error")
    rows, total = list_cases(user, args)
    rows = list(rows)
    ids = [c.id for c in rows]
    return render_template(
        "admin/inbox.html", tab=tab, tabs=TABS, counts=_counts(user.department_id), cases=rows, total=total,
        form=form, page=args["page"], pages=max(-(-total // PER_PAGE), 1), categories=category_choices(),
        addresses=addresses(rows), thumbs=thumbnails(ids), corrections=corrections_by_hand(ids),
        suggestions={c.id: _suggestions(c)[:1] for c in rows}, roles={c.id: _role(c, user.department_id) for c in rows},
        is_overdue=is_overdue, next=request.full_path)


@bp.get("/inbox/<int:case_id>")
@login_required(DEPT)
def inbox_case(case_id: int):
    """One case of the inbox with the forms the department may use on it now."""
    user = current()
    case = viewable_case(case_id)
    role = _role(case, user.department_id)
    if role is None:
        abort(404)
    allowed = [a for a in allowed_for(case, user) if a in OFFERED]
    back = _safe_next(request.args.get("next")) if request.args.get("next") else None
    report = db.session.get(Report, case.origin_report_id)
    return render_template("admin/inbox_case.html", case=case, role=role, allowed=allowed,
                           text=present_report(report, user)["text"] if report else "", address=addresses([case]).get(case.id),
                           thumb=thumbnails([case.id]).get(case.id), suggestions=_suggestions(case)[:1],
                           correction=corrections_by_hand([case.id]).get(case.id), is_overdue=is_overdue,
                           back=back or "")
