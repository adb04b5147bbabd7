"""The case lifecycle: statuses, actions, legal transitions and who may take them."""

import enum


class CaseStatus(str, enum.Enum):
    """Where a case stands."""

    RECEIVED = "received"
    PROCESSING = "processing"
    DISPATCHED = "dispatched"
    ACCEPTED = "accepted"
    RETURNED = "returned"
    EXTENSION_REQUESTED = "extension_requested"
    IN_PROGRESS = "in_progress"
    FEEDBACK_SUBMITTED = "feedback_submitted"
    CLOSED = "closed"
    REOPENED = "reopened"
    ESCALATED = "escalated"
    MERGED = "merged"


S = CaseStatus
STATUS_ZH = {
    S.RECEIVED: "已受理", S.PROCESSING: "研判中", S.DISPATCHED: "已派发", S.ACCEPTED: "已签收",
    S.RETURNED: "已退单", S.EXTENSION_REQUESTED: "延期申请中", S.IN_PROGRESS: "处置中",
    S.FEEDBACK_SUBMITTED: "已反馈", S.CLOSED: "已办结", S.REOPENED: "已重启", S.ESCALATED: "督办中",
    S.MERGED: "已合并",
}
# Cases whose handling is over: nothing joins them, nothing raises them.
FINISHED = frozenset({S.CLOSED, S.MERGED})
# Cases a department still holds, which may be escalated when overdue.
_OPEN_AT_DEPARTMENT = {S.DISPATCHED, S.ACCEPTED, S.IN_PROGRESS, S.EXTENSION_REQUESTED, S.REOPENED}

# action -> (statuses it may be taken from, status it leads to)
TRANSITIONS: dict[str, tuple[frozenset, CaseStatus]] = {
    "process": (frozenset({S.RECEIVED}), S.PROCESSING),
    "dispatch": (frozenset({S.RECEIVED, S.PROCESSING}), S.DISPATCHED),
    "sign": (frozenset({S.DISPATCHED, S.ESCALATED}), S.ACCEPTED),
    "send_back": (frozenset({S.DISPATCHED, S.ACCEPTED}), S.RETURNED),
    "rule_send_back": (frozenset({S.RETURNED}), S.DISPATCHED),
    "extend_request": (frozenset({S.ACCEPTED, S.IN_PROGRESS, S.REOPENED}), S.EXTENSION_REQUESTED),
    "extend_decide": (frozenset({S.EXTENSION_REQUESTED}), S.IN_PROGRESS),
    "start": (frozenset({S.ACCEPTED, S.REOPENED, S.ESCALATED}), S.IN_PROGRESS),
    "feedback": (frozenset({S.ACCEPTED, S.IN_PROGRESS, S.REOPENED, S.ESCALATED}), S.FEEDBACK_SUBMITTED),
    "close": (frozenset({S.FEEDBACK_SUBMITTED}), S.CLOSED),
    "reopen": (frozenset({S.FEEDBACK_SUBMITTED, S.CLOSED}), S.REOPENED),
    "escalate": (frozenset(_OPEN_AT_DEPARTMENT | {S.RETURNED}), S.ESCALATED),
    "merge": (frozenset({S.RECEIVED, S.PROCESSING, S.DISPATCHED, S.RETURNED}), S.MERGED),
}
ACTION_ZH = {
    "process": "研判", "dispatch": "派发", "sign": "签收", "send_back": "退单", "rule_send_back": "退单裁定",
    "extend_request": "申请延期", "extend_decide": "延期审批", "start": "开始处置", "feedback": "处置反馈",
    "close": "办结", "reopen": "重启", "escalate": "督办", "merge": "合并",
}
# action -> roles allowed to take it (enforced by the server).
ROLES: dict[str, frozenset] = {
    "process": frozenset({"system", "supervisor"}),
    "dispatch": frozenset({"system", "supervisor"}),
    "sign": frozenset({"dept_staff"}),
    "send_back": frozenset({"dept_staff"}),
    "rule_send_back": frozenset({"supervisor"}),
    "extend_request": frozenset({"dept_staff"}),
    "extend_decide": frozenset({"supervisor"}),
    "start": frozenset({"dept_staff"}),
    "feedback": frozenset({"dept_staff"}),
    "close": frozenset({"supervisor", "system"}),
    "reopen": frozenset({"supervisor", "system"}),
    "escalate": frozenset({"supervisor", "system"}),
    "merge": frozenset({"supervisor", "system"}),
}


class TransitionError(ValueError):
    """An action that is not allowed from the current status; message_zh says it in Chinese."""

    def __init__(self, message: str, message_zh: str, current=None, action: str | None = None):
        """Keep both messages and the offending status and action."""
        super().__init__(message)
        self.message_zh = message_zh
        self.current = current
        self.action = action

    def __reduce__(self):
        """Pickle with the constructor's arguments."""
        return (type(self), (str(self), self.message_zh, self.current, self.action))


def next_status(current, action: str) -> CaseStatus:
    """Return the status after taking action from current, or raise TransitionError."""
    try:
        status = CaseStatus(current)
    except ValueError:
        raise TransitionError(f"unknown status {current!r}", f"未知状态：{current}", current, action) from None
    if action not in TRANSITIONS:
        raise TransitionError(f"unknown action {action!r}", f"未知操作：{action}", status, action)
    sources, target = TRANSITIONS[action]
    if status not in sources:
        allowed = ", ".join(sorted(s.value for s in sources))
        allowed_zh = "、".join(STATUS_ZH[s] for s in CaseStatus if s in sources)
        raise TransitionError(
            f"cannot {action} a case that is {status.value}; allowed from: {allowed}",
            f"案件当前状态为“{STATUS_ZH[status]}”，不能执行“{ACTION_ZH[action]}”；仅限：{allowed_zh}",
            status, action,
        )
    return target


def allowed_actions(current, role: str | None = None) -> list[str]:
    """Return the actions possible from current (for role, if given), in definition order."""
    status = CaseStatus(current)
    return [a for a, (sources, _) in TRANSITIONS.items()
            if status in sources and (role is None or role in ROLES[a])]
