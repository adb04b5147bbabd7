"""我也遇到了: a person adds their support to an open report instead of reporting it again.

One support per person and report; the phone's UUID makes a re-send answer the same. A new supporter counts as one
more person behind the report's case (case_reporters: a case may rise in level as people come) and hotspot
(hotspot_reporters, and the hotspot's heat grows as one more reporter's would), each counted once, incrementally.
"""
import math
from types import SimpleNamespace

from sqlalchemy.exc import IntegrityError
from triage.lifecycle import FINISHED

from server.cases.log import lock_case
from server.extensions import db
from server.models import Case, CaseReporter, Hotspot, HotspotReporter, Report, User
from server.models.supports import ReportSupport
from server.pipeline.grading import add_person, hotspot_people, raise_level
from server.taxonomy.source import current_taxonomy
from server.web.errors import ApiError


def _answer(report: Report, created: bool) -> dict:
    case = db.session.get(Case, report.case_id) if report.case_id else None
    supporters = db.session.execute(db.select(db.func.count()).select_from(ReportSupport).where(
        ReportSupport.report_id == report.id)).scalar_one()
    return {"report_id": report.id, "case_id": report.case_id, "supported": True, "created": created,
            "supporters": (case.reporters or 1) if case else 1 + supporters}


def support_report(user: User, report_id: int, client_uuid: str) -> tuple[dict, bool]:
    """Record the user's support; (answer, created). A re-send (same UUID, or the same person again) changes nothing."""
    sent = db.session.execute(db.select(ReportSupport).where(
        ReportSupport.user_id == user.id, ReportSupport.client_uuid == client_uuid)).scalar_one_or_none()
    if sent is not None:
        if sent.report_id != report_id:
            raise ApiError(409, "uuid_conflict", "This client_uuid was already used for another report.")
        return _answer(db.session.get(Report, report_id), False), False
    report = db.session.get(Report, report_id)
    if report is None or report.stage == "failed":
        raise ApiError(404, "not_found", f"No open report {report_id}.")
    case = lock_case(report.case_id) if report.case_id else None
    if case is not None and case.status in {s.value for s in FINISHED}:
        raise ApiError(409, "report_closed", "This report is already handled; report it again if it is back.")
    already = report.reporter_id == user.id or db.session.execute(db.select(ReportSupport.id).where(
        ReportSupport.report_id == report_id, ReportSupport.user_id == user.id)).first() is not None
    if already:
        db.session.commit()
        return _answer(report, False), False
    try:
        with db.session.begin_nested():
            db.session.add(ReportSupport(report_id=report_id, user_id=user.id, client_uuid=client_uuid))
    except IntegrityError:  # the same person at the same moment from another request
        db.session.rollback()
        return support_report(user, report_id, client_uuid)
    _count_person(report, case, user)
    db.session.commit()
    return _answer(report, True), True


def _count_person(report: Report, case: Case | None, user: User) -> None:
    """One more person behind the hotspot and the case, when they are new to them (the case may rise in level)."""
    person = SimpleNamespace(id=report.id, reporter_id=user.id)
    hotspot_id = report.hotspot_id or (case.hotspot_id if case is not None else None)
    if hotspot_id is not None and add_person(HotspotReporter, "hotspot_id", hotspot_id, person):
        before = db.session.execute(db.select(Hotspot.reporters).where(Hotspot.id == hotspot_id)
                                    .with_for_update()).scalar_one() or 0
        # heat = clarity * (3 ln(1 + people) + ...): one more person adds what one more reporter adds (clarity 1
        # at most); the next re-clustering computes it again from the members.
        delta = round(3.0 * (math.log1p(before + 1) - math.log1p(before)), 4)
        db.session.execute(db.update(Hotspot).where(Hotspot.id == hotspot_id)
                           .values(reporters=Hotspot.reporters + 1, heat=Hotspot.heat + delta,
                                   updated_at=Hotspot.updated_at)
                           .execution_options(synchronize_session=False))
    if case is not None and add_person(CaseReporter, "case_id", case.id, person):
        case.own_reporters = (case.own_reporters or 1) + 1
        text = report.text_masked if report.text_masked is not None else ""
        raise_level(case, current_taxonomy(), text, max(case.own_reporters, hotspot_people(case.hotspot_id)))


def support_likes(report_ids: list[int]) -> dict[int, float]:
    """For re-clustering: each report's supporters as nlp's "likes", so that one supporter weighs as one reporter in
    a hotspot's heat (supporters = reporters + likes / LIKES_PER_REPORTER)."""
    from nlp.hotspots.heat import LIKES_PER_REPORTER  # lazy: nlp.hotspots loads its clustering stack on import
    if not report_ids:
        return {}
    counts = db.session.execute(db.select(ReportSupport.report_id, db.func.count()).where(
        ReportSupport.report_id.in_(report_ids)).group_by(ReportSupport.report_id)).all()
    return {report_id: n * LIKES_PER_REPORTER for report_id, n in counts}


def supporters_into_hotspots() -> None:
    """After hotspot_reporters were rebuilt from the reports (a re-clustering): count the supporters of members
    too, each person once per hotspot."""
    existing = db.select(HotspotReporter.id).where(HotspotReporter.hotspot_id == Report.hotspot_id,
                                                   HotspotReporter.reporter_id == ReportSupport.user_id)
    rows = db.select(Report.hotspot_id, ReportSupport.user_id, db.func.min(Report.id)) \
        .join(Report, Report.id == ReportSupport.report_id) \
        .where(Report.hotspot_id.is_not(None), ~existing.exists()) \
        .group_by(Report.hotspot_id, ReportSupport.user_id)
    db.session.execute(db.insert(HotspotReporter).from_select(["hotspot_id", "reporter_id", "report_id"], rows))


def forget_supports(user: User) -> int:
    """A deleted account's supports: still counted behind the cases and hotspots, no longer as this account."""
    supported = db.select(ReportSupport.report_id).where(ReportSupport.user_id == user.id)
    for model in (CaseReporter, HotspotReporter):
        db.session.execute(db.update(model).where(model.reporter_id == user.id, model.report_id.in_(supported))
                           .values(reporter_id=None).execution_options(synchronize_session=False))
    return db.session.execute(db.delete(ReportSupport).where(ReportSupport.user_id == user.id)).rowcount
