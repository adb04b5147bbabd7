"""The case library (案例库) pages: search closed cases, mark model cases, the case page's similar-cases panel,
reply templates (admins edit them; the feedback form starts from them)."""
from flask import abort, flash, redirect, render_template, request, url_for

from server.cases import library, reply_templates
from server.cases.library_presenters import paged_library, present_library
from server.extensions import db
from server.models import Case, Category

from admin.blueprint import bp
from ..audit_log import record
from ..auth import ADMIN, DEPT, SUPERVISOR, current, login_required
from ..i18n import gettext
from .cases import viewable_case

PER_PAGE = 20
PANEL_SIZE = 5


def _subcategories() -> list[Category]:
    return db.session.execute(db.select(Category).where(Category.parent_id.is_not(None))
                              .order_by(Category.code)).scalars().all()


@bp.get("/library")
@login_required(SUPERVISOR, DEPT, ADMIN)
def library_page():
    """Closed cases by words (most similar first), category, model cases only."""
    q, category = (request.args.get("q") or "").strip()[:200], request.args.get("category") or None
    model_only = request.args.get("model") == "1"
    page = max(request.args.get("page", 1, type=int), 1)
    found = paged_library(q, category, model_only, page, PER_PAGE, 500)
    return render_template("admin/library.html", items=found.items, q=q, category=category or "", model=model_only,
                           categories=_subcategories(), page=page, pages=found.pages, total=found.total)


@bp.post("/cases/<int:case_id>/model")
@login_required(SUPERVISOR)
def case_model(case_id: int):
    """Mark a closed case as a model case with a summary, or (``unmark``) take the mark off."""
    case = viewable_case(case_id)
    if request.form.get("unmark"):
        library.unmark_model(case)
        record("case.model_unmark", case.number, commit=False)
        flash(gettext("No longer a model case."), "success")
    else:
        summary = (request.form.get("summary") or "").strip()
        if case.status != library.CLOSED:
            flash(gettext("Only a closed case can be a model case."), "error")
            return redirect(url_for("admin.case_detail", case_id=case_id))
        if not 4 <= len(summary) <= 2000:
            flash(gettext("Write a summary of 4 to 2000 characters."), "error")
            return redirect(url_for("admin.case_detail", case_id=case_id))
        library.mark_model(case, current(), summary)
        record("case.model_mark", case.number, commit=False)
        flash(gettext("Marked as a model case."), "success")
    db.session.commit()
    library.invalidate()
    return redirect(url_for("admin.case_detail", case_id=case_id) + "#similar-cases")


@bp.get("/library/templates")
@login_required(ADMIN)
def reply_template_list():
    """Every category's reply template, to edit."""
    rows = [(c, *reply_templates.template_for(c)) for c in _subcategories()]
    return render_template("admin/reply_templates.html", rows=rows, placeholders=reply_templates.PLACEHOLDERS)


@bp.post("/library/templates/<code>")
@login_required(ADMIN)
def reply_template_save(code: str):
    """Save (or, with ``reset``, drop) a category's template; unknown placeholders are refused."""
    category = db.session.execute(db.select(Category).where(Category.code == code)).scalar_one_or_none()
    if category is None:
        abort(404)
    if request.form.get("reset"):
        reply_templates.reset(category)
        record("reply_template.reset", code, commit=False)
    else:
        fields = {f: (request.form.get(f) or "").strip()[:2000] for f in reply_templates.FIELDS}
        problems = []
        for text in fields.values():
            try:
                problems += reply_templates.unknown_placeholders(text)
            except ValueError:
                problems.append("{")
        if problems or not fields["measures"] or not fields["result"]:
            flash(gettext("Not saved: fill in measures and result, and use only the placeholders listed."), "error")
            return redirect(url_for("admin.reply_template_list") + f"#tpl-{code}")
        reply_templates.save(category, fields, current())
        record("reply_template.put", code, commit=False)
    db.session.commit()
    flash(gettext("Saved."), "success")
    return redirect(url_for("admin.reply_template_list") + f"#tpl-{code}")


def similar_panel(case: Case) -> list[dict]:
    """The case page's 相似案例: the closed cases most like this one."""
    matches = library.similar_to(case, PANEL_SIZE)
    return present_library([m.id for m in matches], {m.id: m for m in matches})


def reply_prefill(case_id: int) -> dict | None:
    """The feedback form's start when the user asked for the template (``?reply_template=1``) on the case page."""
    if request.args.get("reply_template") != "1" or request.view_args.get("case_id") != case_id:
        return None
    return reply_templates.fill(viewable_case(case_id))


@bp.app_context_processor
def _library_helpers():
    """The case page's panel and the feedback form's template, for admin pages."""
    if request.blueprint != "admin":
        return {}
    return {"similar_panel": similar_panel, "reply_prefill": reply_prefill}
