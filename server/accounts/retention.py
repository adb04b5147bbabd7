"""Personal data over its lifetime: anonymising reports (when their reporter deletes the account, and when their
case has been closed longer than ``RETENTION_DAYS``) and the periodic retention job.

An anonymised report keeps what the city needs (place, category, severity, photos of the hazard, its case and the
case's hash-chained events) and loses what says who reported it: the reporter link (``reporter_id`` is emptied and
the report marked anonymous), phone numbers, ID numbers and names in its text and transcripts (masked with
``nlp.pii.mask``), the voice recordings (files removed; the masked transcript stays), Open311 contact details, and
names or numbers in the reporter's rating comment.
It is flagged ``anonymised`` so that a second run does nothing.
"""
import logging
from datetime import timedelta

from server.extensions import db
from server.models import (AdminAuditLog, Case, CaseAttachment, CaseRating, CaseReporter, HotspotReporter, Media,
                           Open311Request, Report, utcnow)
from nlp.pii import mask
from server.media.store import storage

log = logging.getLogger(__name__)
ANONYMISED = "anonymised"
FINISHED_STATUSES = ("closed", "merged")


def _mask(text: str | None) -> str | None:
    return mask(text) if text else text


def _remove_audio(report: Report) -> list[str]:
    """Delete the report's voice recordings; returns the storage keys no other row uses any more."""
    keys = []
    audio = [m for m in report.media if m.kind == "audio"]
    for transcript in report.transcripts:  # the masked text outlives the recording
        if any(transcript.media_id == m.id for m in audio):
            transcript.media_id = None
    db.session.flush()
    for media in audio:
        keys.append(media.storage_key)
        report.media.remove(media)
        db.session.delete(media)
    report.has_audio = False
    db.session.flush()
    return [key for key in keys if not _key_in_use(key)]


def _key_in_use(key: str) -> bool:
    """Whether a stored file (content-addressed, so shared by equal uploads) is still referenced."""
    for model in (Media, CaseAttachment):
        if db.session.execute(db.select(model.id).where(
                db.or_(model.storage_key == key, model.thumb_key == key)).limit(1)).first():
            return True
    return False


def _forget_reporter(report: Report) -> None:
    """The people counted behind the report's case and hotspot stay counted, but no longer as this account."""
    if report.reporter_id is None:
        return
    for model, owner, owner_id in ((CaseReporter, CaseReporter.case_id, report.case_id),
                                   (HotspotReporter, HotspotReporter.hotspot_id, report.hotspot_id)):
        where = [model.reporter_id == report.reporter_id]
        where.append(owner == owner_id if owner_id is not None else model.report_id == report.id)
        db.session.execute(db.update(model).where(*where).values(reporter_id=None))


def anonymise_report(report: Report) -> list[str]:
    """Strip one report of what identifies its reporter (see the module); returns storage keys to delete once the
    transaction has committed (:func:`delete_files`). Safe to run again."""
    _forget_reporter(report)
    report.reporter_id = None
    report.anonymous = True
    report.text = _mask(report.text) or ""
    report.text_masked = report.text
    for transcript in report.transcripts:
        transcript.text = _mask(transcript.text) or ""
        transcript.corrected_text = _mask(transcript.corrected_text)
        transcript.segments = [{**s, "text": _mask(s.get("text"))} if isinstance(s, dict) else s
                               for s in (transcript.segments or [])]
    request = db.session.execute(db.select(Open311Request).where(Open311Request.report_id == report.id)
                                 ).scalar_one_or_none()
    if request is not None:
        request.contact_enc = request.device_id = request.account_id = None
    for rating in db.session.execute(db.select(CaseRating).where(CaseRating.report_id == report.id)).scalars():
        rating.comment = _mask(rating.comment)
    keys = _remove_audio(report)
    report.add_flag(ANONYMISED)
    return keys


def delete_files(keys: list[str]) -> int:
    """Remove stored files after the rows that named them are gone (a failure is logged, not raised)."""
    removed = 0
    for key in keys:
        try:
            storage().delete(key)
            removed += 1
        except (OSError, ValueError):
            log.warning("retention: could not remove stored file %s", key, exc_info=True)
    return removed


def _due_reports(cutoff, limit: int) -> list[Report]:
    """Reports not yet anonymised whose case finished before ``cutoff``, or without a case and older."""
    finished_before = db.select(Case.id).where(
        Case.status.in_(FINISHED_STATUSES), db.func.coalesce(Case.closed_at, Case.updated_at) < cutoff)
    rows = db.session.execute(db.select(Report).where(
        db.or_(Report.case_id.in_(finished_before),
               db.and_(Report.case_id.is_(None), Report.created_at < cutoff, Report.stage.in_(("routed", "failed")))),
        db.or_(Report.reporter_id.is_not(None), Report.has_audio.is_(True), Report.anonymous.is_(False)),
    ).order_by(Report.id).limit(limit)).scalars().all()
    return [r for r in rows if ANONYMISED not in (r.flags or [])]


def run_retention(days: int | None = None, *, batch: int = 200, actor=None, via: str = "job") -> dict:
    """Anonymise every report whose case was closed more than ``days`` (default ``RETENTION_DAYS``) ago; commits
    in batches and records one entry in the admin audit log. Returns what it did."""
    from flask import current_app
    days = current_app.config["RETENTION_DAYS"] if days is None else days
    cutoff = utcnow() - timedelta(days=days)
    done, files, case_ids = 0, 0, set()
    while True:
        reports = _due_reports(cutoff, batch)
        if not reports:
            break
        keys = []
        for report in reports:
            keys += anonymise_report(report)
            if report.case_id:
                case_ids.add(report.case_id)
        db.session.commit()
        files += delete_files(keys)
        done += len(reports)
        if len(reports) < batch and not _due_reports(cutoff, 1):
            break
    summary = {"days": days, "cutoff": cutoff.isoformat(), "reports": done, "cases": len(case_ids),
               "files_removed": files, "via": via}
    db.session.add(AdminAuditLog(user_id=actor.id if actor is not None else None, action="retention.run",
                                 target=f"{days} days", data=summary))
    db.session.commit()
    log.info("retention: %s", summary)
    return summary


def retention_job() -> dict:
    """The periodic job (``server.tasks.schedule``): anonymise what has been kept long enough."""
    return run_retention(via="schedule")


def register(cli) -> None:
    """``gridwatch retention run [--days N]``."""
    import click
    from flask.cli import with_appcontext

    @cli.group("retention")
    def retention_group():
        """Personal data over its lifetime."""

    @retention_group.command("run")
    @click.option("--days", default=None, type=click.IntRange(min=0),
                  help="anonymise reports of cases closed longer ago than this (RETENTION_DAYS)")
    @with_appcontext
    def run_command(days: int | None):
        """Anonymise reports of cases closed longer than RETENTION_DAYS and remove their voice recordings."""
        summary = run_retention(days, via="cli")
        click.echo(f"anonymised {summary['reports']} reports of {summary['cases']} cases closed before "
                   f"{summary['cutoff']}; removed {summary['files_removed']} recordings")
