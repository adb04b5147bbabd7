"""Recording what people change through the admin web (entries written by server.accounts.audit_log)."""
from flask import g

from server.accounts.audit_log import add_entry
from server.extensions import db


def record(action: str, target: str | None = None, *, user=None, commit: bool = True, **data) -> None:
    """Append one entry: who (the signed-in user unless given), what, on what, from where."""
    add_entry(action, target, user if user is not None else g.get("admin_user"), **data)
    if commit:
        db.session.commit()
