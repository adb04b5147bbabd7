"""Why a case went where it went (为什么派给我), in words, from the reasons stored with its suggestions."""
from triage.reasons import category_name, department_name, lines

from server.models import Case, User
from server.taxonomy.source import current_taxonomy

# Events that (re)assign departments; the latest one says who decided the current dispatch.
_ASSIGNING = ("dispatch", "rule_send_back")


def _stored_reason(suggestion: dict) -> dict:
    """A suggestion's stored reason, or one made from its fields for cases routed before reasons were kept."""
    reason = suggestion.get("reason")
    if reason:
        return reason
    return {"confidence": suggestion.get("confidence", 0.0),
            "rule": {"rule": "category" if suggestion.get("category") else "fallback",
                     "category": suggestion.get("category"), "lead": suggestion.get("lead"),
                     "assist": suggestion.get("assist") or []}}


def suggestion_words(suggestion: dict, taxonomy, lang: str = "zh") -> dict:
    """A suggestion with its category and departments named in words, and its reason as sentences."""
    reason = _stored_reason(suggestion)
    return {**suggestion, "category_name": category_name(taxonomy, suggestion.get("category"), lang),
            "lead_name": department_name(taxonomy, suggestion.get("lead")),
            "assist_names": [department_name(taxonomy, a) for a in suggestion.get("assist") or []],
            "reason_lines": lines(reason, taxonomy, lang)}


def _last_assignment(case: Case):
    """The latest event that assigned departments (a dispatch, or a redispatch after a send-back)."""
    for event in reversed(list(case.events)):
        if event.action == "dispatch" or (event.action == "rule_send_back"
                                          and (event.data or {}).get("decision") == "redispatch"):
            return event
    return None


def routing_reason(case: Case, viewer: User | None = None, lang: str = "zh") -> dict:
    """Why the case is routed as it is: mode (automatic, manual, waiting), the viewer's role, sentences.

    mode "automatic": the machine's first suggestion was dispatched; "manual": a supervisor dispatched
    it (the machine's suggestions are kept for reference); "waiting": it waits for a supervisor because
    the machine was unsure; "none": nothing was suggested.
    """

    taxonomy = current_taxonomy()
    zh = lang == "zh"
    suggestions = [suggestion_words(s, taxonomy, lang) for s in case.suggestions or []]
    event = _last_assignment(case)
    if event is not None and event.actor_id is None and suggestions:
        mode = "automatic"
        text = list(suggestions[0]["reason_lines"])
    elif event is not None:
        mode = "manual"
        text = ["由指挥中心人工派单。" if zh else "A supervisor dispatched this case by hand."]
        if event.note:
            text.append(("派单说明：" if zh else "Note: ") + event.note)
    elif suggestions:
        mode = "waiting"
        best = suggestions[0]
        threshold = (best.get("reason") or {}).get("manual_dispatch_below")
        pct = f"{100 * float(best.get('confidence') or 0):.0f}%"
        if threshold is not None:
            text = [f"机器建议的置信度 {pct} 低于人工派单阈值 {100 * threshold:.0f}%，待指挥中心人工派单。" if zh else
                    f"The machine's confidence {pct} is below the manual dispatch threshold "
                    f"{100 * threshold:.0f}%; a supervisor will dispatch it."]
        else:
            text = ["待指挥中心人工派单。" if zh else "Waiting for a supervisor to dispatch it."]
    else:
        mode, text = "none", ["没有机器建议。" if zh else "The machine made no suggestion."]
    role = None
    if viewer is not None and viewer.department_id:
        role = next((r.role for r in case.departments if r.department_id == viewer.department_id), None)
        if role:
            dept = next(r.department.name for r in case.departments if r.department_id == viewer.department_id)
            mine = (f"本部门「{dept}」是本案的{'主办' if role == 'lead' else '协办'}单位。" if zh else
                    f"Your department “{dept}” is the {'lead' if role == 'lead' else 'assisting'} unit.")
            text = [mine] + text
    return {"mode": mode, "your_role": role, "lines": text, "text": "".join(text) if zh else " ".join(text),
            "confidence": suggestions[0].get("confidence") if suggestions else None,
            "suggestions": [{"category": s.get("category"), "category_name": s["category_name"],
                             "lead": s.get("lead"), "lead_name": s["lead_name"], "assist": s.get("assist") or [],
                             "assist_names": s["assist_names"], "confidence": s.get("confidence"),
                             "reason": s["reason_lines"]} for s in suggestions]}
