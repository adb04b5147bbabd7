"""A case as its reporter follows it: the public status changes in their report's timeline."""
from triage.lifecycle import STATUS_ZH, CaseStatus

from server.cases.log import public_reply
from server.extensions import db
from server.models import CaseEvent


def status_zh(status: str) -> str:
    """The Chinese name of a status."""
    try:
        return STATUS_ZH[CaseStatus(status)]
    except ValueError:
        return status


# What a reporter is told for each step (no internal notes), in Chinese and English.
_REPORTER_NOTE = {
    "create": ("您的反映已受理", "Your report was accepted"), "dispatch": ("已派发至承办部门", "Sent to the department"),
    "sign": ("承办部门已签收", "The department took it on"), "rule_send_back": ("已重新派发", "Sent again"),
    "start": ("承办部门正在处置", "The department is handling it"),
    "feedback": ("承办部门已反馈处置结果", "The department reported what it did"),
    "close": ("已办结，欢迎您评价", "Closed; please rate the handling"), "reopen": ("已重新办理", "Handled again"),
    "escalate": ("已督办", "Pressed for action"), "merge": ("已与相同问题合并办理", "Handled with the same problem"),
    "extend_decide": ("办理时限已调整", "The deadline was changed"),
}


def reporter_steps(case_id: int) -> list[CaseEvent]:
    """The case's public events of the kinds a reporter is told of, oldest first.

    Read by themselves (an index holds a case's public events): a case that many people report collects an event
    for every report that joins it, none of them public, and each of those people following their report would
    otherwise load the whole history."""
    return list(db.session.execute(db.select(CaseEvent).where(
        CaseEvent.case_id == case_id, CaseEvent.public.is_(True), CaseEvent.action.in_(list(_REPORTER_NOTE)))
        .order_by(CaseEvent.seq)).scalars())


def case_timeline_for_reporter(steps: list[CaseEvent], lang: str = "zh") -> list[dict]:
    """Status changes of a case (its ``reporter_steps``) as the reporter's report timeline shows them (stage
    ``case.<status>``)."""
    entries = []
    for e in steps:
        if not e.public or e.action not in _REPORTER_NOTE or (e.action == "sign"
                                                             and (e.data or {}).get("role") == "assist"):
            continue
        if e.action == "extend_decide" and not (e.data or {}).get("approve"):
            continue
        note = _REPORTER_NOTE[e.action][1 if lang == "en" else 0]
        if e.action == "feedback" and (e.data or {}).get("result"):
            note += (": " if lang == "en" else "：") + e.data["result"]
        if public_reply(e):
            note += f" ({public_reply(e)})" if lang == "en" else f"（{public_reply(e)}）"
        entries.append({"at": e.created_at, "stage": f"case.{e.to_status}", "status": e.to_status,
                        "status_zh": status_zh(e.to_status), "note": note})
    return entries
