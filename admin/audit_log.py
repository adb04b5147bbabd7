"""Recording what people change through the admin web."""
from flask import g, request

from server.extensions import db
from server.models import AdminAuditLog


def record(action: str, target: str | None = None, *, user=None, commit: bool = True, **data) -> None:
    """Append one entry: who (the signed-in user unless given), what, on what, from where."""
    who = user if user is not None else g.get("admin_user")
    db.session.add(AdminAuditLog(user_id=who.id if who else None, action=action, target=target,
                                 data={k: v for k, v in data.items() if v is not None},
                                 ip=(request.remote_addr or "")[:45] or None))
    if commit:
        db.session.commit()
