"""The audit log of administrative changes (AdminAuditLog), for the API and the admin web alike (admin.audit_log
adds the signed-in user and the commit): who, what, on what, from where."""
from flask import request

from server.extensions import db
from server.models import AdminAuditLog, User


def add_entry(action: str, target: str | None, user: User | None, **data) -> None:
    """Add one entry to the session (committed with the change it describes)."""
    db.session.add(AdminAuditLog(
        user_id=user.id if user else None, action=action, target=(target or "")[:64] or None,
        data={k: v for k, v in data.items() if v is not None}, ip=(request.remote_addr or "")[:45] or None))


def record_api_action(action: str, target: str | None, user: User | None, **data) -> None:
    """An entry for a change made through the API (marked ``via: api`` unless ``via`` is given)."""
    add_entry(action, target, user, **{"via": "api", **data})
