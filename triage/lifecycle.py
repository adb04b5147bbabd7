"""The case lifecycle: statuses, actions, legal transitions and who may take them."""

import enum


class CaseStatus(str, enum.Enum):
    """Where a case stands."""

    RECEIVED = "received"
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


STATUS_ZH = {
    CaseStatus.RECEIVED: "已受理", CaseStatus.DISPATCHED: "已派发", CaseStatus.ACCEPTED: "已签收",
    CaseStatus.RETURNED: "已退单", CaseStatus.EXTENSION_REQUESTED: "延期申请中", CaseStatus.IN_PROGRESS: "处置中",
    CaseStatus.FEEDBACK_SUBMITTED: "已反馈", CaseStatus.CLOSED: "已办结", CaseStatus.REOPENED: "已重启",
    CaseStatus.ESCALATED: "督办中", CaseStatus.MERGED: "已合并",
}
# Cases whose handling is over: nothing joins them, nothing raises them.
FINISHED = frozenset({CaseStatus.CLOSED, CaseStatus.MERGED})
# Open at a department: dispatched to it and not yet answered with feedback (its deadlines run, it may be overdue).
OPEN_AT_DEPARTMENT = frozenset({CaseStatus.DISPATCHED, CaseStatus.ACCEPTED, CaseStatus.IN_PROGRESS,
                                CaseStatus.EXTENSION_REQUESTED, CaseStatus.REOPENED, CaseStatus.ESCALATED})

# action -> (statuses it may be taken from, status it leads to)
TRANSITIONS: dict[str, tuple[frozenset, CaseStatus]] = {
    "dispatch": (frozenset({CaseStatus.RECEIVED}), CaseStatus.DISPATCHED),
    "sign": (frozenset({CaseStatus.DISPATCHED, CaseStatus.ESCALATED}), CaseStatus.ACCEPTED),
    "send_back": (frozenset({CaseStatus.DISPATCHED, CaseStatus.ACCEPTED}), CaseStatus.RETURNED),
    "rule_send_back": (frozenset({CaseStatus.RETURNED}), CaseStatus.DISPATCHED),
    "extend_request": (frozenset({CaseStatus.ACCEPTED, CaseStatus.IN_PROGRESS, CaseStatus.REOPENED}),
                       CaseStatus.EXTENSION_REQUESTED),
    "extend_decide": (frozenset({CaseStatus.EXTENSION_REQUESTED}), CaseStatus.IN_PROGRESS),
    "start": (frozenset({CaseStatus.ACCEPTED, CaseStatus.REOPENED, CaseStatus.ESCALATED}), CaseStatus.IN_PROGRESS),
    "feedback": (frozenset({CaseStatus.ACCEPTED, CaseStatus.IN_PROGRESS, CaseStatus.REOPENED, CaseStatus.ESCALATED}),
                 CaseStatus.FEEDBACK_SUBMITTED),
    "close": (frozenset({CaseStatus.FEEDBACK_SUBMITTED}), CaseStatus.CLOSED),
    "reopen": (frozenset({CaseStatus.FEEDBACK_SUBMITTED, CaseStatus.CLOSED}), CaseStatus.REOPENED),
    "escalate": ((OPEN_AT_DEPARTMENT - {CaseStatus.ESCALATED}) | {CaseStatus.RETURNED}, CaseStatus.ESCALATED),
    "merge": (frozenset({CaseStatus.RECEIVED, CaseStatus.DISPATCHED, CaseStatus.RETURNED}), CaseStatus.MERGED),
}
ACTION_ZH = {
    "dispatch": "派发", "sign": "签收", "send_back": "退单", "rule_send_back": "退单裁定",
    "extend_request": "申请延期", "extend_decide": "延期审批", "start": "开始处置", "feedback": "处置反馈",
    "close": "办结", "reopen": "重启", "escalate": "督办", "merge": "合并",
}
# action -> roles allowed to take it (enforced by the server).
ROLES: dict[str, frozenset] = {
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
