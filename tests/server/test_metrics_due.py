"""Department metrics over the database count only what is due: a case whose deadline is ahead is no failure."""
from datetime import timedelta

from server.extensions import db
from server.metrics.service import department_metrics
from server.models import Case, utcnow
from triage.deadlines import LOCAL

from .test_cases_support import FEEDBACK, PHOTO, act, case_in


def _row(rows, dept):
    return next(r for r in rows if r["department"] == dept)


def test_a_case_not_yet_due_is_not_counted_as_a_failure(city):
    with city.app_context():
        waiting = case_in("dispatched")  # GAS leads, FIRE assists; nobody has signed, the deadline is hours ahead
        signed = case_in("accepted")  # GAS signed in time
        period = utcnow().astimezone(LOCAL).strftime("%Y-%m")
        gas, fire = (_row(department_metrics(period), d) for d in ("GAS", "FIRE"))
        assert gas["assigned"] == 2 and gas["sign_due"] == 1 and gas["signed_in_time"] == 1
        assert gas["response_rate"] == 1.0, "the unsigned case is not due yet"
        assert gas["resolve_due"] == 0 and gas["resolution_rate"] is None and gas["on_time_rate"] is None
        assert fire["assigned"] == 2 and fire["sign_due"] == 0 and fire["response_rate"] is None

        case = db.session.get(Case, waiting)
        case.sign_by = utcnow() - timedelta(minutes=1)  # the sign-for deadline passes, still unsigned
        db.session.commit()
        gas, fire = (_row(department_metrics(period), d) for d in ("GAS", "FIRE"))
        assert gas["sign_due"] == 2 and gas["response_rate"] == 0.5
        assert fire["sign_due"] == 1 and fire["response_rate"] == 0.0

        act(signed, "start", "lead")
        act(signed, "feedback", "lead", FEEDBACK)
        gas = _row(department_metrics(period), "GAS")
        assert gas["resolve_due"] == 0, "handled, not closed, its deadline ahead: not due"
        case = db.session.get(Case, signed)
        case.resolve_by = utcnow() - timedelta(minutes=1)  # the resolve-by deadline passes before it is closed
        db.session.commit()
        gas = _row(department_metrics(period), "GAS")
        assert gas["resolve_due"] == 1 and gas["closed"] == 0 and gas["resolution_rate"] == 0.0
        act(signed, "verify", "grid_worker", {}, PHOTO)
        act(signed, "close", "supervisor")
        gas = _row(department_metrics(period), "GAS")
        assert gas["resolve_due"] == 1 and gas["resolved"] == 1 and gas["resolution_rate"] == 1.0
        assert gas["on_time_rate"] == 0.0, "its last feedback came after the deadline it had then"
