"""Which departments have webhooks, kept per process: case events of other departments read no webhooks."""
import sqlalchemy as sa

from server.accounts.security import encrypt
from server.extensions import db
from server.models import Department, Setting, Webhook, WebhookDelivery, utcnow
from server.models.versions import WEBHOOKS
from server.webhooks import service

from .test_cases_support import act, case_in, new_case


def _hook(code: str, url: str = "https://hooks.example.org/in") -> Webhook:
    department = db.session.execute(db.select(Department).where(Department.code == code)).scalar_one()
    hook = Webhook(department_id=department.id, url=url, secret_enc=encrypt("whsec_test"))
    db.session.add(hook)
    db.session.commit()
    return hook


class _Statements:
    """The SQL statements run while it is open that read the webhooks table."""

    def __init__(self):
        self.seen: list[str] = []

    def __enter__(self):
        sa.event.listen(db.engine, "before_cursor_execute", self._note)
        return self

    def __exit__(self, *exc):
        sa.event.remove(db.engine, "before_cursor_execute", self._note)

    def _note(self, conn, cursor, statement, params, context, executemany):
        if "FROM webhooks" in statement:
            self.seen.append(statement)


def test_a_webhook_added_in_this_process_is_seen_by_the_next_case_event(city):
    with city.app_context():
        assert service._hooked_departments() == frozenset()
        case_id = case_in("dispatched")  # GAS leads, FIRE assists: no webhook anywhere, none read
        hook = _hook("GAS")
        assert service._hooked_departments() == {hook.department_id}
        act(case_id, "sign", "lead")
        rows = db.session.execute(db.select(WebhookDelivery)).scalars().all()
        assert [(r.webhook_id, r.event) for r in rows] == [(hook.id, "case.updated")]
        hook.active = False
        db.session.commit()
        assert service._hooked_departments() == frozenset()


def test_events_of_departments_without_webhooks_read_no_webhooks(city):
    with city.app_context():
        _hook("WATER")
        case_id = new_case()
        with _Statements() as reads:
            act(case_id, "dispatch", "supervisor", {"lead": "GAS", "assist": ["FIRE"]})
            db.session.commit()
        assert reads.seen == []
        assert db.session.execute(db.select(db.func.count()).select_from(WebhookDelivery)).scalar_one() == 0
        with _Statements() as reads:
            other = new_case()
            act(other, "dispatch", "supervisor", {"lead": "WATER"})
            db.session.commit()
        assert len(reads.seen) == 1  # the department has one: its webhooks are read, once per transaction
        assert db.session.execute(db.select(db.func.count()).select_from(WebhookDelivery)).scalar_one() == 1


def test_another_process_change_is_seen_when_the_version_changes(city):
    with city.app_context():
        assert service._hooked_departments() == frozenset()
        water = db.session.execute(db.select(Department.id).where(Department.code == "WATER")).scalar_one()
        # Written as another process would: the row and a new version token, this process's cache untouched.
        with db.engine.begin() as conn:
            conn.execute(Webhook.__table__.insert().values(department_id=water, url="https://h.example.org/x",
                                                            secret_enc=encrypt("whsec_x"), events=["case.updated"],
                                                            active=True, created_at=sa.func.now()))
            conn.execute(Setting.__table__.delete().where(Setting.key == WEBHOOKS))
            conn.execute(Setting.__table__.insert().values(key=WEBHOOKS, value="another", updated_at=utcnow()))
        assert service._hooked_departments() == frozenset()  # not before the recheck
        service._HOOKED.recheck_seconds = 0
        try:
            assert service._hooked_departments() == {water}
        finally:
            service._HOOKED.recheck_seconds = 5.0
