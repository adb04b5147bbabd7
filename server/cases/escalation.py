"""The scheduled job that escalates (督办) cases past their sign-for or resolve-by deadline."""
import logging

from triage.lifecycle import CaseStatus

from server.extensions import db
from server.models import Case, utcnow
from server.cases.log import lock_case
from server.cases.queries import RESOLVE_PENDING, SIGN_PENDING
from server.cases.service import Context, apply_action

log = logging.getLogger(__name__)


def escalate_overdue(now=None) -> list[str]:
    """Escalate each overdue case once per deadline (an approved extension re-arms it); return their numbers."""
    now = now or utcnow()
    sign_late = db.select(Case.id).where(Case.status.in_(SIGN_PENDING), Case.sign_by < now,
                                         Case.sign_escalated_at.is_(None))
    resolve_late = db.select(Case.id).where(Case.status.in_(RESOLVE_PENDING), Case.resolve_by < now,
                                            Case.resolve_escalated_at.is_(None))
    done = []
    for reason, query in (("resolve_overdue", resolve_late), ("sign_overdue", sign_late)):
        for case_id in list(db.session.execute(query).scalars()):
            case = lock_case(case_id)  # the pipeline may be appending to it (a report joining)
            if case is None or case.status == CaseStatus.ESCALATED.value:
                db.session.commit()
                continue
            try:
                apply_action(case, "escalate", Context(None, {"reason": reason, "note": "自动督办：已超时"}))
            except Exception:  # one bad case must not stop the others
                db.session.rollback()
                log.exception("escalating case %s failed", case_id)
                continue
            done.append(case.number)
    return done


def escalate_overdue_job() -> int:
    """RQ entry point (register on the scheduler like the sweeper)."""
    return len(escalate_overdue())
