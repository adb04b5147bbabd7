"""Supervisors' decisions on hotspots: confirm (open or link a case), dismiss, merge, move reports out, relabel.

Every decision is a ``HotspotReview`` row. A reviewed hotspot leaves the ``suggested`` state, so that the
periodic re-clustering keeps it and its members as the supervisor left them.
"""
from collections import Counter

from triage.lifecycle import FINISHED, CaseStatus

from server.errors import Conflict, Invalid
from server.extensions import db
from server.models import Case, Hotspot, HotspotReview, Report, User, utcnow
from server.cases.log import lock_cases
from server.cases.service import Context, apply_action
from server.pipeline.opening import open_case

REVIEWED = "reviewed"
OPEN_CASE_STATES = tuple(s.value for s in CaseStatus if s not in FINISHED)
MERGEABLE = (CaseStatus.RECEIVED.value, CaseStatus.DISPATCHED.value, CaseStatus.RETURNED.value)


def members_query(hotspot: Hotspot):
    """The query of the hotspot's reports, oldest first."""
    return db.select(Report).where(Report.hotspot_id == hotspot.id).order_by(Report.created_at, Report.id)


def members(hotspot: Hotspot) -> list[Report]:
    """The hotspot's reports, oldest first."""
    return list(db.session.execute(members_query(hotspot)).scalars())


def _record(hotspot: Hotspot, action: str, user: User, note: str | None = None, **data) -> HotspotReview:
    row = HotspotReview(hotspot_id=hotspot.id, hotspot_key=hotspot.key, hotspot_label=hotspot.label, action=action,
                        reviewer_id=user.id, note=note, data=data)
    db.session.add(row)
    return row


def _touch(hotspot: Hotspot) -> None:
    """Take the hotspot out of the machine's hands (kept as is by re-clustering)."""
    if hotspot.status == "suggested":
        hotspot.status = REVIEWED
    hotspot.updated_at = utcnow()


def _refresh(hotspot: Hotspot) -> None:
    """Size, keywords, time span and highest severity from the current members."""
    rows = members(hotspot)
    hotspot.size = len(rows)
    words = Counter(k for r in rows for k, *_ in (r.keywords or []))
    if words:
        hotspot.keywords = [w for w, _ in words.most_common(8)]
    if rows:
        hotspot.first_seen, hotspot.last_seen = rows[0].created_at, rows[-1].created_at
        levels = [r.severity for r in rows if r.severity]
        hotspot.highest_severity = min(levels) if levels else hotspot.highest_severity


def _lead_case(hotspot: Hotspot, rows: list[Report]) -> Case | None:
    """The open case of the representative report, else the earliest open case among the members."""
    ids = [r.case_id for r in rows if r.case_id]
    rep = next((r for r in rows if r.id == hotspot.representative_report_id), None)
    if rep is not None and rep.case_id:
        ids.insert(0, rep.case_id)
    for case_id in ids:
        case = db.session.get(Case, case_id)
        while case is not None and case.status == CaseStatus.MERGED.value and case.merged_into_id:
            case = db.session.get(Case, case.merged_into_id)
        if case is not None and case.status in OPEN_CASE_STATES:
            return case
    return None


def confirm(hotspot: Hotspot, user: User, *, case_id: int | None = None, merge_members: bool = False,
            note: str | None = None) -> Case:
    """Confirm the hotspot and tie it to a case: the one given (link), an open member case, or a new one
    opened from the representative report; optionally merge the other members' open cases into it. Commits."""
    rows = members(hotspot)
    if case_id is not None:
        case, action = db.session.get(Case, case_id), "link"
        if case is None:
            raise Invalid("No such case.", {"case_id": ["没有这个案件"]})
    else:
        case, action = _lead_case(hotspot, rows), "confirm"
        if case is None:
            case = _open_case(hotspot, rows)
    hotspot.status, hotspot.case_id = "confirmed", case.id
    case.hotspot_id = hotspot.id
    _touch(hotspot)
    review = _record(hotspot, action, user, note, case_id=case.id, case_number=case.number)
    db.session.commit()
    merged = []
    if merge_members:
        for other_id in sorted({r.case_id for r in rows if r.case_id and r.case_id != case.id}):
            other = lock_cases({other_id, case.id}).get(other_id)  # both, in id order, as a merge by hand
            if other is not None and other.status in MERGEABLE:
                apply_action(other, "merge", Context(user, {"into": case.id, "note": f"hotspot {hotspot.id}"}))
                merged.append(other.number)
        review.data = {**review.data, "merged_cases": merged}
        db.session.commit()
    return case


def _open_case(hotspot: Hotspot, rows: list[Report]) -> Case:
    """A new case from the representative report (or the first member without a case)."""
    candidates = [r for r in rows if r.case_id is None]
    rep = next((r for r in candidates if r.id == hotspot.representative_report_id), None) or \
        (candidates[0] if candidates else None)
    if rep is None:
        raise Conflict("Every member's case is closed; link an existing case instead.",
                       {"case_id": ["成员报告的案件均已办结，请关联已有案件"]}, code="no_open_case")
    case = open_case(rep, rep.text_masked or rep.text or "")
    rep.case_id = case.id
    return case


def dismiss(hotspot: Hotspot, user: User, note: str | None = None) -> None:
    """Not a real hazard cluster (noise, or already handled). Commits."""
    hotspot.status = "dismissed"
    _touch(hotspot)
    _record(hotspot, "dismiss", user, note)
    db.session.commit()


def merge(hotspot: Hotspot, other_ids: list[int], user: User, note: str | None = None) -> int:
    """Move the reports of other hotspots into this one; the others are marked merged. Commits."""
    others = [h for h in db.session.execute(db.select(Hotspot).where(Hotspot.id.in_(other_ids))).scalars()
              if h.id != hotspot.id]
    if not others:
        raise Invalid("Choose at least one other hotspot.", {"other": ["请选择要合并的热点"]})
    moved = 0
    for other in others:
        for report in members(other):
            report.hotspot_id = hotspot.id
            moved += 1
        other.status, other.size = "merged", 0
        _touch(other)
        _record(other, "merged_into", user, note, into=hotspot.id)
    db.session.flush()
    _refresh(hotspot)
    _touch(hotspot)
    _record(hotspot, "merge", user, note, merged=[o.id for o in others], reports=moved)
    db.session.commit()
    return moved


def move_out(hotspot: Hotspot, report_ids: list[int], user: User, note: str | None = None) -> int:
    """Take reports out of the hotspot (they do not belong to it). Commits."""
    rows = [r for r in members(hotspot) if r.id in set(report_ids)]
    if not rows:
        raise Invalid("Choose reports of this hotspot.", {"reports": ["请选择本热点的报告"]})
    for report in rows:
        report.hotspot_id = None
    db.session.flush()
    _refresh(hotspot)
    _touch(hotspot)
    _record(hotspot, "move_out", user, note, reports=[r.id for r in rows])
    db.session.commit()
    return len(rows)


def relabel(hotspot: Hotspot, label: str, user: User, note: str | None = None) -> None:
    """Give the hotspot a name people understand. Commits."""
    label = (label or "").strip()[:120]
    if not label:
        raise Invalid("A label is required.", {"label": ["请填写名称"]})
    _record(hotspot, "relabel", user, note, previous=hotspot.label, label=label)
    hotspot.label = label
    _touch(hotspot)
    db.session.commit()
