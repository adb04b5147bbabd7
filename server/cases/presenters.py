"""Cases as the API shows them (the reporter's view of a case is ``timeline``)."""
from flask import url_for

from server.extensions import db
from server.models import Case, CaseAttachment, CaseRating, Report, Role, User
from server.plans.service import present_plan
from server.cases.chain import audit_events
from server.cases.crowd import event_runs, run_fields, shown_reports
from server.cases.queries import FULL_VIEW, is_overdue
from server.cases.reasons import routing_reason, suggestion_words
from server.cases.service import action_zh, allowed_for, has_grid
from server.cases.timeline import status_zh
from server.reports.presenters import present_report
from server.taxonomy.source import current_taxonomy
from server.web.i18n import request_lang, translate


def present_attachment(att: CaseAttachment) -> dict:
    """An attachment with its access-checked URLs."""
    return {"id": att.id, "kind": att.kind, "mime": att.mime, "size": att.size, "width": att.width,
            "height": att.height, "duration": att.duration,
            "url": url_for("cases.get_attachment", case_id=att.case_id, attachment_id=att.id),
            "thumb_url": url_for("cases.get_attachment_thumb", case_id=att.case_id, attachment_id=att.id)
            if att.thumb_key else None}


def _departments(case: Case) -> list[dict]:
    return [{"code": r.department.code, "name": r.department.name, "role": r.role, "assigned_at": r.assigned_at,
             "signed_at": r.signed_at}
            for r in sorted(case.departments, key=lambda r: (r.role != "lead", r.department_id))]


def present_case_summary(case: Case) -> dict:
    """A case in a list."""
    return {
        "id": case.id, "number": case.number, "status": case.status, "status_zh": status_zh(case.status),
        "severity": case.severity, "category": {"code": case.category.code, "name": case.category.name}
        if case.category else None, "needs_manual_dispatch": case.needs_manual_dispatch,
        "departments": _departments(case), "sign_by": case.sign_by, "resolve_by": case.resolve_by,
        "pending_resolve_by": case.pending_resolve_by, "overdue": is_overdue(case),
        "rating_review": case.rating_review, "created_at": case.created_at, "updated_at": case.updated_at,
        "closed_at": case.closed_at, "origin_report_id": case.origin_report_id, "merged_into_id": case.merged_into_id,
        "reporters": case.reporters, "severity_reasons": case.severity_reasons or [],
        "suggestions": present_suggestions(case.suggestions), "classifier": case.classifier,
    }


def present_suggestions(suggestions: list[dict] | None) -> list[dict]:
    """Triage's suggestions with the category's and departments' names and the reason in sentences."""
    taxonomy = current_taxonomy()
    out = []
    for s in suggestions or []:
        sub = taxonomy.subcategory(s["category"]) if s.get("category") else None
        words = suggestion_words(s, taxonomy)
        out.append({**s, "category_name": sub.name_zh if sub else None,
                    "lead_name": taxonomy.departments.get(s.get("lead")), "assist_names": words["assist_names"],
                    "reason": words["reason_lines"]})
    return out


# The step a reporter takes on the case of their report (as its reporter, whatever their role).
REPORTER_ACTIONS = {"rate"}
_NAMELESS = {"id": None, "name": "居民", "role": Role.RESIDENT.value}


def _actor(actor: User | None, viewer: User, as_anonymous_reporter: bool = False) -> dict | None:
    """Who took a step; residents (who rate), and anyone acting as the reporter of an anonymous report, stay
    nameless (shown alike, as 居民) to everyone but supervisors, admins and themselves."""
    if actor is None:
        return None
    hidden = actor.role == Role.RESIDENT.value or as_anonymous_reporter
    if hidden and viewer.role not in FULL_VIEW and viewer.id != actor.id:
        return dict(_NAMELESS)
    return {"id": actor.id, "name": actor.display_name or actor.username, "role": actor.role}


def _anonymous_reports(case: Case) -> set[int]:
    """Ids of the anonymous reports that reporters' steps on this case refer to."""
    ids = {(e.data or {}).get("report_id") for e in case.events if e.action in REPORTER_ACTIONS}
    ids.discard(None)
    if not ids:
        return set()
    return set(db.session.execute(db.select(Report.id).where(Report.id.in_(ids), Report.anonymous.is_(True)))
               .scalars())


def present_case(case: Case, viewer: User) -> dict:
    """A case with its departments, deadlines, events (and their files), reports and audit state.

    Each run of reports joining the case is one timeline entry (``count`` and ``first_at`` say how many, since when);
    of its reports, the first and the ``CASE_REPORTS_SHOWN`` newest are shown, ``reports_total`` counts them all.
    ``audit_problems`` (not in the API's answer) lists what the chain audit found."""
    attachments = {a.id: a for a in db.session.execute(
        db.select(CaseAttachment).where(CaseAttachment.case_id == case.id)).scalars()}
    users = {u.id: u for u in db.session.execute(db.select(User).where(
        User.id.in_({e.actor_id for e in case.events if e.actor_id}))).scalars()}
    events, anonymous, lang = [], _anonymous_reports(case), request_lang()
    for run in event_runs(case.events):
        e = run[-1]
        actor = users.get(e.actor_id)
        as_anonymous_reporter = e.action in REPORTER_ACTIONS and (e.data or {}).get("report_id") in anonymous
        entry = {
            "seq": e.seq, "action": e.action, "action_zh": action_zh(e.action), "from_status": e.from_status,
            "to_status": e.to_status, "note": e.note, "data": e.data or {}, "public": e.public, "at": e.created_at,
            "count": 1, "first_seq": e.seq, "first_at": e.created_at,
            "actor": _actor(actor, viewer, as_anonymous_reporter),
            "attachments": [present_attachment(attachments[a["id"]]) for a in (e.data or {}).get("attachments", [])
                            if a.get("id") in attachments],
        }
        if len(run) > 1:
            entry.update(run_fields(run))
        entry["note_text"] = translate(entry["note"], lang) if entry["note"] else entry["note"]
        events.append(entry)
    reports, total = shown_reports(case)
    steps: dict = {}  # the case's reporter steps, read once for all its reports
    ratings = db.session.execute(db.select(CaseRating).where(CaseRating.case_id == case.id)
                                 .order_by(CaseRating.id)).scalars()
    problems = audit_events(case, case.events)
    return {
        **present_case_summary(case),
        "reports": [present_report(r, viewer, steps) for r in reports], "reports_total": total,
        "verification": {"required": has_grid(case), "verified_at": case.verified_at,
                         "verified_by_id": case.verified_by_id},
        "ratings": [{"report_id": r.report_id, "rating": r.rating, "comment": r.comment, "at": r.created_at}
                    for r in ratings],
        "plan": present_plan(case, viewer),
        "events": events, "audit_ok": not problems, "audit_problems": problems,
        "allowed_actions": allowed_for(case, viewer),
        "routing_reason": routing_reason(case, viewer),
        "severity_correction": severity_correction(case, users),
    }


def severity_correction(case: Case, users: dict) -> dict | None:
    """The supervisor's latest correction of the level (调整等级), or None when the level is the machine's."""
    event = next((e for e in reversed(case.events) if e.action == "regrade" and e.actor_id is not None), None)
    if event is None:
        return None
    data, actor = event.data or {}, users.get(event.actor_id)
    return {"from": data.get("from"), "to": data.get("to"), "reason": data.get("reason"), "at": event.created_at,
            "by": (actor.display_name or actor.username) if actor else None}
