"""The admin audit log: who changed what through these pages."""

from flask import render_template, request

from server.extensions import db
from server.web.pagination import paginate
from server.models import AdminAuditLog

from admin.blueprint import bp
from ..auth import ADMIN, login_required

PER_PAGE = 50


@bp.get("/audit")
@login_required(ADMIN)
def audit_log():
    """The newest entries first, optionally one action."""
    page = max(request.args.get("page", 1, type=int), 1)
    action = request.args.get("action") or ""
    query = db.select(AdminAuditLog)
    if action:
        query = query.where(AdminAuditLog.action == action)
    found = paginate(query, page, PER_PAGE, AdminAuditLog.id.desc())
    return render_template("admin/audit.html", rows=found.items, page=page, pages=found.pages, action=action)
