"""The periodic job that warns departments of a deadline drawing near: once per case and deadline (sign, resolve).

A deadline nears when less than ``DEADLINE_WARNING_SHARE`` of its time is left (from the dispatch to the sign-for
deadline; from the signing, else the dispatch, to the resolve-by deadline) and it has not passed (then escalation
takes over). ``DeadlineWarning``'s primary key keeps each warning to once, even with two schedulers at once.
"""
import logging

from flask import current_app
from sqlalchemy.exc import IntegrityError

from server.cases.queries import RESOLVE_PENDING, SIGN_PENDING
from server.extensions import db
from server.models import Case, DeadlineWarning, utcnow
from server.notifications.service import department_staff, tell
from server.web.localtime import format_city

log = logging.getLogger(__name__)


def _nearing(case: Case, kind: str, now, share: float) -> bool:
    deadline = case.sign_by if kind == "sign" else case.resolve_by
    start = case.dispatched_at if kind == "sign" else (case.signed_at or case.dispatched_at)
    if deadline is None or start is None or now >= deadline:
        return False
    return deadline - now <= (deadline - start) * share


def warn_nearing(now=None) -> list[tuple[str, str]]:
    """Tell the departments of each case whose deadline nears (once per case and kind); [(number, kind)]."""
    now, share = now or utcnow(), current_app.config["DEADLINE_WARNING_SHARE"]
    told = db.select(DeadlineWarning.case_id).where(DeadlineWarning.case_id == Case.id)
    done = []
    for kind, statuses, column in (("sign", SIGN_PENDING, Case.sign_by), ("resolve", RESOLVE_PENDING, Case.resolve_by)):
        query = db.select(Case).where(Case.status.in_(statuses), column > now,
                                      ~told.where(DeadlineWarning.kind == kind).exists())
        for case in list(db.session.execute(query).scalars()):
            if not _nearing(case, kind, now, share):
                continue
            try:
                with db.session.begin_nested():
                    db.session.add(DeadlineWarning(case_id=case.id, kind=kind))
                tell(department_staff(case.department_ids()), case, f"deadline_{kind}",
                     time=format_city(case.sign_by if kind == "sign" else case.resolve_by))
                db.session.commit()
            except IntegrityError:  # another scheduler warned first
                db.session.rollback()
                continue
            done.append((case.number, kind))
    return done


def warn_nearing_job() -> int:
    """The periodic entry point."""
    try:
        return len(warn_nearing())
    finally:
        db.session.remove()
