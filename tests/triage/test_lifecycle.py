"""Tests for triage.lifecycle."""

import pytest

from triage.lifecycle import ROLES, TRANSITIONS, CaseStatus, TransitionError, allowed_actions, next_status

REQUIRED_ACTIONS = {"dispatch", "sign", "send_back", "rule_send_back", "extend_request", "extend_decide",
                    "start", "feedback", "close", "reopen", "escalate", "merge"}


def run(*actions, start=CaseStatus.RECEIVED):
    status = start
    for action in actions:
        status = next_status(status, action)
    return status


def test_statuses_are_str_enum():
    assert [s.value for s in CaseStatus] == ["received", "dispatched", "accepted", "returned", "extension_requested",
                                             "in_progress", "feedback_submitted", "closed", "reopened", "escalated",
                                             "merged"]
    assert CaseStatus("closed") == "closed" and isinstance(CaseStatus.CLOSED, str)


def test_all_actions_defined_with_roles():
    assert REQUIRED_ACTIONS <= set(TRANSITIONS)
    assert set(ROLES) == set(TRANSITIONS)
    assert all(roles <= {"dept_staff", "supervisor", "system"} for roles in ROLES.values())
    assert ROLES["sign"] == {"dept_staff"} and "supervisor" in ROLES["extend_decide"]


def test_happy_path():
    assert run("dispatch", "sign", "start", "feedback", "close") == CaseStatus.CLOSED
    assert run("dispatch", "sign", "feedback") == CaseStatus.FEEDBACK_SUBMITTED


def test_side_paths():
    assert run("dispatch", "send_back") == CaseStatus.RETURNED
    assert run("dispatch", "send_back", "rule_send_back") == CaseStatus.DISPATCHED
    assert run("dispatch", "sign", "extend_request", "extend_decide") == CaseStatus.IN_PROGRESS
    assert run("dispatch", "sign", "start", "feedback", "reopen", "start") == CaseStatus.IN_PROGRESS
    assert run("dispatch", "sign", "start", "feedback", "close", "reopen") == CaseStatus.REOPENED
    assert run("dispatch", "escalate", "sign") == CaseStatus.ACCEPTED
    assert run("dispatch", "merge") == CaseStatus.MERGED


@pytest.mark.parametrize("status, action", [
    (CaseStatus.CLOSED, "sign"), (CaseStatus.RECEIVED, "close"), (CaseStatus.MERGED, "reopen"),
    (CaseStatus.MERGED, "dispatch"),
    (CaseStatus.FEEDBACK_SUBMITTED, "sign"), (CaseStatus.RETURNED, "feedback"), (CaseStatus.IN_PROGRESS, "merge"),
])
def test_illegal_moves_raise(status, action):
    with pytest.raises(TransitionError) as err:
        next_status(status, action)
    assert status.value in str(err.value) and action in str(err.value)
    assert err.value.message_zh and "不能执行" in err.value.message_zh
    assert err.value.current == status and err.value.action == action


def test_unknown_action_and_status():
    with pytest.raises(TransitionError, match="unknown action"):
        next_status("received", "teleport")
    with pytest.raises(TransitionError, match="unknown status"):
        next_status("lost", "sign")
    assert issubclass(TransitionError, ValueError)


def test_error_survives_pickling():
    import pickle
    with pytest.raises(TransitionError) as err:
        next_status("closed", "sign")
    copy = pickle.loads(pickle.dumps(err.value))
    assert str(copy) == str(err.value) and copy.message_zh == err.value.message_zh
    assert copy.current == CaseStatus.CLOSED and copy.action == "sign"


def test_message_zh_names_status_and_action():
    with pytest.raises(TransitionError) as err:
        next_status("closed", "sign")
    assert "已办结" in err.value.message_zh and "签收" in err.value.message_zh


def test_allowed_actions():
    assert allowed_actions("dispatched", "dept_staff") == ["sign", "send_back"]
    assert set(allowed_actions("dispatched")) == {"sign", "send_back", "escalate", "merge"}
    assert allowed_actions("merged") == []
    assert allowed_actions("closed", "supervisor") == ["reopen"]
