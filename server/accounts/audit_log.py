"""The audit log of administrative changes made through the API (the admin web records its own, in the same
table, through admin.audit_log): who, what, on what, from where."""
from flask import request

from server.extensions import db
from server.models import AdminAuditLog, User


def record_api_action(action: str, target: str | None, user: User | None, **data) -> None:
    """Add one entry to the session (committed with the change it describes)."""
    db.session.add(AdminAuditLog(
        user_id=user.id if user else None, action=action, target=(target or "")[:64] or None,
        data={"via": "api", **{k: v for k, v in data.items() if v is not None}},
        ip=(request.remote_addr or "")[:45] or None))
