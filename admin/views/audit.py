"""The admin audit log: who changed what through these pages."""
import math

from flask import render_template, request

from server.extensions import db
from server.models import AdminAuditLog

from .. import bp
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
    total = db.session.execute(db.select(db.func.count()).select_from(query.subquery())).scalar_one()
    rows = db.session.execute(query.order_by(AdminAuditLog.id.desc()).limit(PER_PAGE)
                              .offset((page - 1) * PER_PAGE)).scalars().all()
    return render_template("admin/audit.html", rows=rows, page=page, pages=max(math.ceil(total / PER_PAGE), 1),
                           action=action)
