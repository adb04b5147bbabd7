"""我也遇到了: the supporters of a case's reports hear of its way (dispatched, handled, closed, reopened) in their
own words, once per event, never asked to rate, never told who reported it; a deleted account hears nothing."""
from collections import Counter

from server.accounts.service import create_user
from server.cases.service import record
from server.extensions import db
from server.models import Case, Notification, NotificationDelivery, Report, User
from server.notifications.inbox import present
from server.reports.support import support_report

from ..helpers import new_uuid
from .test_cases_support import PATHS, USERS, act, case_in, new_case, user


def _supporter(username: str, *report_ids: int) -> User:
    person = create_user(username=username, role="resident", password="support-pass-2026", display_name="赵支持")
    for report_id in report_ids:
        answer, created = support_report(person, report_id, new_uuid())
        assert created and answer["supported"]
    return person


def _notices(user_id: int) -> list[Notification]:
    return list(db.session.execute(db.select(Notification).where(Notification.user_id == user_id)
                                   .order_by(Notification.id)).scalars())


def _kinds(user_id: int) -> Counter:
    return Counter(n.kind for n in _notices(user_id))


def _run(case_id: int, steps) -> None:
    for action, who, fields, *uploads in steps:
        act(case_id, action, who, fields, uploads[0] if uploads else ())


def _origin(case_id: int) -> int:
    return db.session.get(Case, case_id).origin_report_id


def test_supporters_hear_dispatch_handling_and_closing_and_are_not_asked_to_rate(city):
    with city.app_context():
        case_id = new_case()
        supporter = _supporter("supportx01", _origin(case_id))
        supporter_id = supporter.id
        _run(case_id, PATHS["closed"])
        assert _kinds(supporter_id) == Counter({"support_dispatched": 1, "support_handled": 1, "support_closed": 1})
        reporter = user(USERS["resident"])
        assert _kinds(reporter.id) == Counter(
            {"report_accepted": 1, "report_dispatched": 1, "report_handled": 1, "report_closed": 1})
        notices = _notices(supporter_id)
        number = db.session.get(Case, case_id).number
        for notice in notices:
            assert notice.case_id == case_id and notice.report_id is None  # about the case, not someone's report
            assert notice.message.startswith("您关注的隐患") and number in notice.message
            assert notice.message_en.startswith("A hazard you also reported")
            assert "评价" not in notice.message and "rate" not in notice.message_en
            assert reporter.username not in notice.message and "煤气味" not in notice.message
        assert "燃气" in notices[0].message  # dispatched: the lead department by name
        assert [item["action"] for item in present(notices)] == [None, None, None]
        sent = db.session.execute(db.select(db.func.count()).select_from(NotificationDelivery).join(
            Notification, Notification.id == NotificationDelivery.notification_id).where(
            Notification.user_id == supporter_id)).scalar_one()
        assert sent == 3  # through the outbound channel too, as the reporter's


def test_supporters_and_reporters_hear_of_a_reopening(city):
    with city.app_context():
        case_id = new_case()
        supporter_id = _supporter("supportx02", _origin(case_id)).id
        _run(case_id, PATHS["reopened"])
        assert _kinds(supporter_id) == Counter(
            {"support_dispatched": 1, "support_handled": 1, "support_reopened": 1})
        assert _kinds(user(USERS["resident"]).id)["report_reopened"] == 1
        reopened = _notices(supporter_id)[-1]
        assert "重新启动" in reopened.message and "reopened" in reopened.message_en


def test_one_notice_per_person_and_event(city):
    with city.app_context():
        case_id = case_in("received")
        case = db.session.get(Case, case_id)
        neighbour = create_user(username="neighbourx02", role="resident", password="neighbour-pass-2026")
        joined = Report(client_uuid=new_uuid(), payload_hash="z" * 64, reporter_id=neighbour.id,
                        text="楼道里有煤气味", stage="routed", case_id=case_id)
        db.session.add(joined)
        db.session.flush()
        record(case, "report_joined", data={"report_id": joined.id, "duplicate_of": case.origin_report_id})
        db.session.commit()
        joined_id, neighbour_id = joined.id, neighbour.id
        support_report(neighbour, _origin(case_id), new_uuid())  # a reporter of the case supports its origin
        both = _supporter("supportx03", _origin(case_id), joined_id).id  # supports two reports of the case
        support_report(user(USERS["grid_worker"]), joined_id, new_uuid())  # the grid worker who will verify
        _run(case_id, PATHS["feedback_submitted"])
        assert _kinds(neighbour_id) == Counter({"report_joined": 1, "report_dispatched": 1, "report_handled": 1})
        assert _kinds(both) == Counter({"support_dispatched": 1, "support_handled": 1})
        worker = _kinds(user(USERS["grid_worker"]).id)
        assert worker == Counter({"support_dispatched": 1, "verify_waiting": 1})  # not told of feedback twice


def test_a_deleted_supporter_hears_nothing(client, city):
    with city.app_context():
        case_id = new_case()
        gone_id = _supporter("supportx04", _origin(case_id)).id
        kept_id = _supporter("supportx05", _origin(case_id)).id
    signed_in = client.post("/api/v1/auth/login", json={"username": "supportx04", "password": "support-pass-2026"})
    headers = {"Authorization": "Bearer " + signed_in.get_json()["access_token"]}
    deleted = client.post("/api/v1/auth/delete", json={"password": "support-pass-2026", "confirm": True},
                          headers=headers)
    assert deleted.status_code == 200, deleted.get_json()
    with city.app_context():
        _run(case_id, PATHS["feedback_submitted"])
        assert _kinds(gone_id) == Counter()
        assert _kinds(kept_id) == Counter({"support_dispatched": 1, "support_handled": 1})


def test_supporters_follow_a_merged_case(city):
    with city.app_context():
        merged, kept = new_case(), new_case()
        supporter_id = _supporter("supportx06", _origin(merged)).id
        act(merged, "merge", "supervisor", {"into": kept})
        assert db.session.get(Case, merged).merged_into_id == kept
        _run(kept, PATHS["closed"])
        notices = _notices(supporter_id)
        assert [(n.kind, n.case_id) for n in notices] == [
            ("support_dispatched", kept), ("support_handled", kept), ("support_closed", kept)]
