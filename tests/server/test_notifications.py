"""Notices reach people: each lifecycle step tells the right people exactly once, in Chinese and English."""
from collections import Counter

from server.accounts.service import create_user
from server.cases.service import record
from server.extensions import db
from server.models import Area, Case, Notification, NotificationDelivery, Report, Role, User
from server.notifications.deadlines import warn_nearing

from ..helpers import new_uuid
from .test_cases_support import FEEDBACK, PHOTO, USERS, act, case_in, user


def _kinds() -> Counter:
    """(username, kind) → how many notices."""
    rows = db.session.execute(db.select(User.username, Notification.kind).join(
        User, User.id == Notification.user_id)).all()
    return Counter((u, k) for u, k in rows)


def _of(kinds: Counter, username: str) -> Counter:
    return Counter({k: n for (u, k), n in kinds.items() if u == username})


def _resident() -> str:
    return user(USERS["resident"]).username


def test_each_step_tells_the_right_people_once(city):
    with city.app_context():
        case_id = case_in("closed")
        kinds = _kinds()
        assert _of(kinds, _resident()) == Counter(
            {"report_accepted": 1, "report_dispatched": 1, "report_handled": 1, "report_closed": 1})
        assert _of(kinds, "grid01") == Counter({"verify_waiting": 1})
        assert _of(kinds, "gas01") == Counter({"dispatched": 1, "closed": 1})
        assert _of(kinds, "command01") == Counter({"manual_dispatch": 1, "feedback": 1, "verified": 1})
        notices = {n.kind: n for n in db.session.execute(db.select(Notification).where(
            Notification.user_id == user(USERS["resident"]).id)).scalars()}
        number = db.session.get(Case, case_id).number
        closed = notices["report_closed"]
        assert closed.report_id == db.session.get(Case, case_id).origin_report_id
        assert number in closed.message and "请对处置结果进行评价" in closed.message
        assert "Please rate" in closed.message_en
        assert "燃气" in notices["report_dispatched"].message  # the lead department by name


def test_a_waiver_tells_no_grid_worker_and_the_resident_hears_of_closing(city):
    with city.app_context():
        for worker in db.session.execute(db.select(User).where(User.role == Role.GRID_WORKER.value)).scalars():
            worker.active = False
        db.session.commit()
        case_id = case_in("feedback_submitted")
        act(case_id, "waive_verification", "supervisor", {"reason": "本街道暂无网格员，已电话回访"})
        act(case_id, "close", "supervisor")
        kinds = _kinds()
        assert not [k for (u, k) in kinds if u == "grid01"]
        assert _of(kinds, "command01")["verify_supervisor"] == 1
        assert _of(kinds, _resident())["report_closed"] == 1
        to_workers = db.session.execute(db.select(db.func.count()).select_from(Notification).join(
            User, User.id == Notification.user_id).where(User.role == Role.GRID_WORKER.value)).scalar_one()
        assert to_workers == 0


def test_verification_falling_to_another_grid_tells_that_worker(city):
    with city.app_context():
        case_id = case_in("in_progress")
        report = db.session.get(Report, db.session.get(Case, case_id).origin_report_id)
        report.grid_id = db.session.execute(db.select(Area.id).where(Area.code == "D01-S01-C01-G02")).scalar_one()
        db.session.commit()
        act(case_id, "feedback", "lead", FEEDBACK)
        kinds = _kinds()
        assert _of(kinds, "grid01") == Counter({"verify_fallback": 1})
        notice = db.session.execute(db.select(Notification).where(Notification.kind == "verify_fallback")).scalar_one()
        assert "代为" in notice.message and "in its stead" in notice.message_en


def test_every_reporter_of_a_case_is_told(city):
    with city.app_context():
        create_user(username="neighbourx01", role="resident", password="neighbour-pass-2026")
        case_id = case_in("received")
        case = db.session.get(Case, case_id)
        other = Report(client_uuid=new_uuid(), payload_hash="y" * 64, reporter_id=user("neighbourx01").id,
                       text="楼道里有煤气味", stage="routed", case_id=case_id)
        db.session.add(other)
        db.session.flush()
        record(case, "report_joined", data={"report_id": other.id, "duplicate_of": case.origin_report_id})
        db.session.commit()
        act(case_id, "dispatch", "supervisor", {"lead": "GAS"})
        kinds = _kinds()
        assert _of(kinds, "neighbourx01") == Counter({"report_joined": 1, "report_dispatched": 1})
        assert _of(kinds, _resident()) == Counter({"report_accepted": 1, "report_dispatched": 1})
        joined = db.session.execute(db.select(Notification).where(Notification.kind == "report_joined")).scalar_one()
        assert joined.report_id == other.id


def test_escalation_tells_departments_and_supervisors(city):
    with city.app_context():
        case_id = case_in("accepted")
        act(case_id, "escalate", None, {"reason": "resolve_overdue"})
        kinds = _kinds()
        assert kinds[("gas01", "escalated")] == 1 and kinds[("command01", "escalated")] == 1
        notice = db.session.execute(db.select(Notification).where(Notification.kind == "escalated")).scalars().first()
        assert "超过办理时限" in notice.message and "not resolved in time" in notice.message_en


def test_a_nearing_deadline_is_told_once(city):
    from datetime import timedelta

    from server.models import utcnow
    with city.app_context():
        case_id = case_in("dispatched")
        case = db.session.get(Case, case_id)
        case.dispatched_at, case.sign_by = utcnow() - timedelta(hours=3), utcnow() + timedelta(minutes=20)
        db.session.commit()
        far = case_in("dispatched")  # its whole time is still ahead
        assert warn_nearing() == [(case.number, "sign")]
        assert warn_nearing() == []
        kinds = _kinds()
        assert kinds[("gas01", "deadline_sign")] == 1 and kinds[("fire01", "deadline_sign")] == 1
        assert not db.session.execute(db.select(Notification).where(
            Notification.case_id == far, Notification.kind.like("deadline%"))).first()
        notice = db.session.execute(db.select(Notification).where(Notification.kind == "deadline_sign")).scalars().first()
        assert "将于" in notice.message and "到签收时限" in notice.message


def test_rolled_back_notices_leave_no_delivery(city):
    with city.app_context():
        case_id = case_in("received")
        before = db.session.execute(db.select(db.func.count()).select_from(NotificationDelivery)).scalar_one()
        act_case = db.session.get(Case, case_id)
        record(act_case, "report_joined", data={"report_id": act_case.origin_report_id, "duplicate_of": 0})
        db.session.rollback()
        after = db.session.execute(db.select(db.func.count()).select_from(NotificationDelivery)).scalar_one()
        assert after == before
        assert PHOTO  # the set-up's photo stays usable for other tests
