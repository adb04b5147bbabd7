"""Case list, case detail (timeline, evidence, audit chain) and the case actions posted from any page."""

from flask import abort, flash, redirect, render_template, request, url_for

from server.reports.access import can_view_report
from server.plans import service as plan_service
from server.cases.crowd import reports_query
from server.cases.queries import can_view_case, is_overdue, list_cases
from server.cases.reasons import routing_reason
from server.cases.presenters import present_case
from server.reports.presenters import present_report
from server.web.pagination import paginate
from server.errors import DomainError
from server.extensions import db
from server.media.store import send_stored
from server.models import Case, CaseAttachment, Category, Department, Media

from admin.blueprint import bp
from ..actions import error_text, run_case_action
from ..audit_log import record
from ..auth import SUPERVISOR, current, login_required
from ..i18n import gettext, lang
from .session import _safe_next
from .case_search import addresses, category_choices, search_args, thumbnails
from server.cases.reasons import suggestion_words
from server.models import Report
from server.taxonomy.source import current_taxonomy

PER_PAGE = 30


def viewable_case(case_id: int) -> Case:
    """The case if the signed-in user may see it, else 404."""
    case = db.session.get(Case, case_id)
    if case is None or not can_view_case(current(), case):
        abort(404)
    return case


def departments() -> list[Department]:
    """Active departments for the dispatch forms."""
    return db.session.execute(db.select(Department).where(Department.active.is_(True))
                              .order_by(Department.code)).scalars().all()


@bp.get("/cases")
@login_required()
def case_list():
    """The cases the user may see: searched by number, text, address, department, category, status, level, dates."""
    args, form, rejected = search_args(request.args, PER_PAGE)
    if rejected:
        flash(gettext("Some search fields were not understood; showing all cases."), "error")
    rows, total = list_cases(current(), args)
    return render_template("admin/cases.html", cases=rows, page=args["page"], pages=max(-(-total // PER_PAGE), 1),
                           total=total, form=form, is_overdue=is_overdue, thumbs=thumbnails([c.id for c in rows]),
                           addresses=addresses(rows), departments=departments(), categories=category_choices())


@bp.get("/cases/<int:case_id>")
@login_required()
def case_detail(case_id: int):
    """One case: reports, departments, deadlines, the timeline with its evidence, the audit chain, actions."""
    case = viewable_case(case_id)
    view = present_case(case, current())
    problems = view["audit_problems"]
    category = case.category.code if case.category else None
    plan = plan_service.plan_for(category, case.severity) if current().role == SUPERVISOR else None
    return render_template("admin/case.html", case=case, view=view, problems=problems, plan=plan,
                           departments=departments(), categories=_categories(),
                           suggestions=_suggestions(case), reason=routing_reason(case, current(), lang()))


@bp.get("/cases/<int:case_id>/reports")
@login_required()
def case_reports(case_id: int):
    """Every report of a case, a page at a time in report order (the case page shows the first and the newest)."""
    case = viewable_case(case_id)
    page = max(request.args.get("page", 1, type=int), 1)
    found = paginate(reports_query(case), page, PER_PAGE, Report.id)
    steps: dict = {}
    return render_template("admin/case_reports.html", case=case, page=found.page, pages=found.pages,
                           total=found.total, reports=[present_report(r, current(), steps) for r in found.items])


def _categories() -> dict[str, Category]:
    return {c.code: c for c in db.session.execute(db.select(Category)).scalars()}


def _suggestions(case: Case) -> list[dict]:
    """The classifier's top suggestions for the case: category and departments named, the reason in sentences."""
    categories = _categories()
    stored = case.suggestions
    if stored is None:  # cases opened before suggestions were kept on the case: the report's (code, score)
        report = db.session.get(Report, case.origin_report_id)
        stored = []
        for code, score in (report.suggestions or []) if report else []:
            cat = categories.get(code)
            stored.append({"category": code, "confidence": score,
                           "lead": cat.lead_department.code if cat and cat.lead_department else None,
                           "assist": list(cat.assist_department_codes or []) if cat else []})
    units = {d.code: d for d in db.session.execute(db.select(Department)).scalars()}
    taxonomy = current_taxonomy()
    result = []
    for s in stored:
        words = suggestion_words(s, taxonomy, lang())
        result.append({"code": s.get("category"), "score": s.get("confidence") or 0.0,
                       "category": categories.get(s.get("category")), "category_name": words["category_name"],
                       "lead": s.get("lead"), "assist": list(s.get("assist") or []),
                       "lead_unit": units.get(s.get("lead")), "lead_name": words["lead_name"],
                       "assist_units": [units.get(a) for a in s.get("assist") or []],
                       "assist_names": words["assist_names"], "reason": words["reason_lines"]})
    return result


@bp.post("/cases/<int:case_id>/act/<action>")
@login_required()
def case_action(case_id: int, action: str):
    """Apply one lifecycle action (the case service checks role, department and state)."""
    run_case_action(case_id, action, request.form, request.files)
    return redirect(_safe_next(request.form.get("next")) if request.form.get("next")
                    else url_for("admin.case_detail", case_id=case_id))


@bp.post("/cases/<int:case_id>/plan")
@login_required(SUPERVISOR)
def case_plan(case_id: int):
    """Activate the case's emergency plan."""
    case = viewable_case(case_id)
    level = request.form.get("level", type=int)
    try:
        activation = plan_service.activate_plan(case, current(), level, request.form.get("note") or None)
    except DomainError as exc:
        db.session.rollback()
        flash(error_text(exc), "error")
    else:
        record("case.activate_plan", case.number, plan=activation.name)
        flash(gettext("Emergency plan activated: {name}", name=activation.name), "success")
    return redirect(_safe_next(request.form.get("next")) if request.form.get("next")
                    else url_for("admin.case_detail", case_id=case_id))


@bp.get("/media/<media_id>")
@bp.get("/media/<media_id>/<variant>")
@login_required()
def media(media_id: str, variant: str = "file"):
    """A report's photo or recording, for those who may see the report."""
    row = db.session.get(Media, media_id)
    if row is None or not can_view_report(current(), row.report) or variant not in ("file", "thumb"):
        abort(404)
    if variant == "thumb":
        return send_stored(row.thumb_key, "image/jpeg") if row.thumb_key else abort(404)
    return send_stored(row.storage_key, row.mime)


@bp.get("/cases/<int:case_id>/files/<attachment_id>")
@bp.get("/cases/<int:case_id>/files/<attachment_id>/<variant>")
@login_required()
def attachment(case_id: int, attachment_id: str, variant: str = "file"):
    """A file attached to a case event (feedback evidence), for those who may see the case."""
    viewable_case(case_id)
    row = db.session.get(CaseAttachment, attachment_id)
    if row is None or row.case_id != case_id or variant not in ("file", "thumb"):
        abort(404)
    if variant == "thumb":
        return send_stored(row.thumb_key, "image/jpeg") if row.thumb_key else abort(404)
    return send_stored(row.storage_key, row.mime)
