"""A case as its reporter follows it: the public status changes in their report's timeline."""
from triage.lifecycle import STATUS_ZH, CaseStatus

from server.cases.log import public_reply
from server.models import Case


def status_zh(status: str) -> str:
    """The Chinese name of a status."""
    try:
        return STATUS_ZH[CaseStatus(status)]
    except ValueError:
        return status


# What a reporter is told for each step (no internal notes).
_REPORTER_NOTE = {
    "create": "您的反映已受理", "dispatch": "已派发至承办部门", "sign": "承办部门已签收",
    "rule_send_back": "已重新派发", "start": "承办部门正在处置", "feedback": "承办部门已反馈处置结果",
    "close": "已办结，欢迎您评价", "reopen": "已重新办理", "escalate": "已督办", "merge": "已与相同问题合并办理",
    "extend_decide": "办理时限已调整",
}


def case_timeline_for_reporter(case: Case) -> list[dict]:
    """Status changes of the case as the reporter's report timeline shows them (stage ``case.<status>``)."""
    entries = []
    for e in case.events:
        if not e.public or e.action not in _REPORTER_NOTE or (e.action == "sign"
                                                             and (e.data or {}).get("role") == "assist"):
            continue
        if e.action == "extend_decide" and not (e.data or {}).get("approve"):
            continue
        note = _REPORTER_NOTE[e.action]
        if e.action == "feedback" and (e.data or {}).get("result"):
            note += f"：{e.data['result']}"
        if public_reply(e):
            note += f"（{public_reply(e)}）"
        entries.append({"at": e.created_at, "stage": f"case.{e.to_status}", "status": e.to_status,
                        "status_zh": status_zh(e.to_status), "note": note})
    return entries
