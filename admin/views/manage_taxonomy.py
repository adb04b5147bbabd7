"""Administration: the taxonomy and its routing rules (lead and assisting departments, default severity)."""
from flask import abort, flash, redirect, render_template, request, url_for

from server.extensions import db
from server.models import Category, Department

from admin.blueprint import bp
from ..audit_log import record
from ..auth import ADMIN, login_required
from ..i18n import gettext


@bp.get("/manage/taxonomy")
@login_required(ADMIN)
def manage_taxonomy():
    """Risk classes and their subcategories with the routing each uses."""
    categories = db.session.execute(db.select(Category).order_by(Category.code)).scalars().all()
    departments = db.session.execute(db.select(Department).order_by(Department.code)).scalars().all()
    return render_template("admin/manage_taxonomy.html", categories=categories, departments=departments)


@bp.post("/manage/taxonomy/<int:category_id>")
@login_required(ADMIN)
def manage_taxonomy_save(category_id: int):
    """Change a subcategory's names, keywords, routing rule, default severity or whether it is in use."""
    row = db.session.get(Category, category_id)
    if row is None or row.parent_id is None:
        abort(404)
    form = request.form
    codes = {d.code: d for d in db.session.execute(db.select(Department)).scalars()}
    lead = form.get("lead") or None
    assist = [c.strip() for c in form.get("assist", "").replace("，", ",").split(",") if c.strip()]
    unknown = [c for c in [lead, *assist] if c and c not in codes]
    severity = form.get("default_severity", type=int)
    if unknown or severity not in (1, 2, 3, 4) or not form.get("name", "").strip():
        flash(gettext("Check the department codes and the severity: {codes}", codes="、".join(unknown) or "—"),
              "error")
        return redirect(url_for("admin.manage_taxonomy"))
    row.name = form["name"].strip()[:80]
    row.name_en = (form.get("name_en") or "").strip()[:120] or None
    row.keywords = [k.strip() for k in form.get("keywords", "").replace("，", ",").split(",") if k.strip()]
    row.lead_department = codes.get(lead) if lead else None
    row.assist_department_codes = [c for c in assist if c != lead]
    row.default_severity = severity
    row.active = form.get("active") == "1"
    record("taxonomy.update", row.code, lead=lead, assist=row.assist_department_codes, severity=severity,
           active=row.active, commit=False)
    db.session.commit()
    flash(gettext("Saved {code}.", code=row.code), "success")
    return redirect(url_for("admin.manage_taxonomy") + f"#cat-{row.id}")
