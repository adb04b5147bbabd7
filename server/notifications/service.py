"""Notices to people: in-app rows (in Chinese and English) and, through the outbound channel, deliveries sent after
the commit. Who the people are: a case's departments' staff, supervisors, its reporters, the supporters of its
reports (我也遇到了), its grid's verifiers."""
from collections.abc import Iterable

from flask import current_app
from sqlalchemy.orm import lazyload

from server.extensions import db
from server.models import Case, Notification, NotificationDelivery, Report, Role, User
from server.models.supports import ReportSupport
from server.notifications.texts import render

# session.info key: deliveries added in this transaction, handed to the queue after its commit (outbound.py)
PENDING = "gridwatch_notice_deliveries"
# session.info key: the ids of the people told of the case event being handled (case_events.py sets and clears it),
# so that a supporter already told of the event as someone else is not told again
TOLD = "gridwatch_notice_told"


def _people(*conditions):
    """Active accounts matching the conditions, without the department and grid ``User`` joins by default (a notice
    needs the person, not their grid's polygon; either still loads on access)."""
    return db.select(User).where(User.active.is_(True), *conditions) \
        .options(lazyload(User.department), lazyload(User.grid))


def department_staff(department_ids: Iterable[int]) -> list[User]:
    """Active staff of the given departments."""
    ids = list(department_ids)
    if not ids:
        return []
    return list(db.session.execute(_people(User.role == Role.DEPT_STAFF.value, User.department_id.in_(ids))).scalars())


def supervisors() -> list[User]:
    """Active supervisors."""
    return list(db.session.execute(_people(User.role == Role.SUPERVISOR.value)).scalars())


def reporters(case: Case, report_ids: Iterable[int] | None = None) -> list[tuple[User, int]]:
    """(reporter, their earliest report) for each person with an account behind the case's reports (its origin and
    those joined or merged into it), or behind the given reports only."""
    if report_ids is not None:
        where = Report.id.in_(list(report_ids) or [-1])
    else:
        where = _case_reports(case)
    rows = db.session.execute(db.select(Report.reporter_id, db.func.min(Report.id)).where(
        where, Report.reporter_id.is_not(None)).group_by(Report.reporter_id)).all()
    if not rows:
        return []
    first = dict(rows)
    users = db.session.execute(_people(User.id.in_(first), User.deleted_at.is_(None))).scalars()
    return [(u, first[u.id]) for u in sorted(users, key=lambda u: u.id)]


def _case_reports(case: Case):
    """The case's reports: its origin and those joined or merged into it (a merge moves them to the case)."""
    return db.or_(Report.case_id == case.id, Report.id == case.origin_report_id)


def supporters(case: Case, exclude: Iterable[int] = ()) -> list[User]:
    """The active accounts that support (我也遇到了) any report of the case, each once, not those in ``exclude``."""
    backed = db.select(ReportSupport.user_id).join(Report, Report.id == ReportSupport.report_id).where(
        _case_reports(case))
    users = db.session.execute(_people(User.id.in_(backed), User.deleted_at.is_(None)).order_by(User.id)).scalars()
    left = set(exclude)
    return [u for u in users if u.id not in left]


def _channel() -> str:
    return current_app.config.get("NOTIFY_CHANNEL", "log")


def notify(users: Iterable[User], case: Case | None, kind: str, message: str, *, skip: int | None = None,
           message_en: str | None = None, report_ids: dict[int, int] | None = None) -> int:
    """Add one notice per user (not to ``skip``, the id of the one who caused it) and its outbound delivery; the
    caller commits (the deliveries go to the queue after the commit). ``report_ids``: user id → the report it is
    about (a resident's)."""
    seen, count, channel = set(), 0, _channel()
    pending = db.session.info.setdefault(PENDING, []) if channel != "none" else None
    told = db.session.info.get(TOLD)
    for user in users:
        if user.id in seen or user.id == skip:
            continue
        seen.add(user.id)
        if told is not None:
            told.add(user.id)
        notice = Notification(user_id=user.id, case_id=case.id if case else None, kind=kind, message=message,
                              message_en=message_en, report_id=(report_ids or {}).get(user.id))
        db.session.add(notice)
        if pending is not None:
            delivery = NotificationDelivery(notification=notice, channel=channel, status="pending", attempts=0)
            db.session.add(delivery)
            pending.append(delivery)
        count += 1
    return count


def tell(users: Iterable[User], case: Case | None, kind: str, *, skip: int | None = None,
         report_ids: dict[int, int] | None = None, **values) -> int:
    """Notify in both languages from the kind's texts (``texts.TEXTS``)."""
    zh, en = render(kind, num=case.number if case else "", **values)
    return notify(users, case, kind, zh, skip=skip, message_en=en, report_ids=report_ids)


def tell_reporters(case: Case, kind: str, *, skip: int | None = None, report_ids: Iterable[int] | None = None,
                   **values) -> int:
    """Tell the people behind the case's reports (or the given ones), each about their own report."""
    found = reporters(case, report_ids)
    return tell([u for u, _ in found], case, kind, skip=skip, report_ids={u.id: r for u, r in found}, **values)


def tell_supporters(case: Case, kind: str, *, skip: int | None = None, **values) -> int:
    """Tell the supporters of the case's reports who were not told of the same event otherwise (as a reporter, say):
    about the case, not about a report (no ``report_id``: the report is not theirs to open, nor its reporter)."""
    told = db.session.info.get(TOLD)
    exclude = told if told is not None else {u.id for u, _ in reporters(case)}
    return tell(supporters(case, exclude=exclude), case, kind, skip=skip, **values)


def notify_departments(case: Case, kind: str, message: str, *, skip: int | None = None,
                       department_ids: Iterable[int] | None = None, message_en: str | None = None) -> int:
    """Tell the staff of the case's departments (or of the given ones)."""
    ids = case.department_ids() if department_ids is None else department_ids
    return notify(department_staff(ids), case, kind, message, skip=skip, message_en=message_en)


def notify_supervisors(case: Case | None, kind: str, message: str, *, skip: int | None = None,
                       message_en: str | None = None) -> int:
    """Tell every supervisor."""
    return notify(supervisors(), case, kind, message, skip=skip, message_en=message_en)
