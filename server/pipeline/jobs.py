"""The job that carries a report through the pipeline (run by RQ or the embedded worker)."""
import logging
import traceback

from flask import current_app

from server.extensions import db
from server.models import Report, Stage
from server.pipeline import batch, stages
from server.tasks.queue import REPORTS_QUEUE, TRANSCRIBE_QUEUE, discard_queued, enqueue

log = logging.getLogger(__name__)


def job_id(report_id: int) -> str:
    """The deterministic job id of a report's processing."""
    return f"report-{report_id}"


def queue_for(has_audio: bool) -> str:
    """Reports with voice go to the transcription workers, the others to the report workers."""
    return TRANSCRIBE_QUEUE if has_audio else REPORTS_QUEUE


def submit_report(report_id: int, has_audio: bool, replace: bool = False, delay: float = 0) -> None:
    """Queue a report's own processing job under its job id, with the pipeline's retries, after ``delay`` seconds
    (raises when the queue is down)."""
    cfg = current_app.config
    enqueue(process_report, report_id, queue=queue_for(has_audio), job_id=job_id(report_id), timeout=1800,
            attempts=cfg["PIPELINE_MAX_ATTEMPTS"], intervals=cfg["PIPELINE_RETRY_INTERVALS"], replace=replace,
            delay=delay)


STEPS = {
    Stage.RECEIVED.value: stages.transcribe,
    Stage.TRANSCRIBED.value: stages.analyse,
    Stage.ANALYSED.value: stages.open_or_join,
}


def process_report(report_id: int) -> str:
    """Run every remaining stage of a report; safe to run again at any point.

    A text report that waits at ``received`` and has not failed before goes in a batch with other waiting text
    reports once reports queue up (``batch.run_batch``, on PostgreSQL); what the batch did not route is then done
    here, one stage at a time.
    """
    try:
        try:
            outcome = batch.run_batch(report_id)
        except Exception as exc:  # the claim or the commit itself: nothing of it stays; go on alone
            db.session.rollback()
            outcome = None
            log.warning("batch of report %s failed, the report goes on alone: %s", report_id, exc)
        if outcome is None:  # not a waiting text report, or another worker holds it: stage by stage
            return _run_stages(report_id)
        routed, failures = outcome
        _discard_done(routed, report_id)
        if report_id in routed:  # committed: nothing to read again
            return Stage.ROUTED.value
        failed = failures.get(report_id)
        if failed is not None:  # its own failure, counted as if it had run alone (not run twice in one job)
            if record_failure(report_id, Stage.RECEIVED.value, failed):
                raise failed
            return Stage.FAILED.value
        return _run_stages(report_id)  # read again: the batch stopped before it
    finally:
        db.session.remove()


def _discard_done(routed: list[int], report_id: int) -> None:
    """The jobs of the batch's other reports, routed and committed, leave the queue unrun (if they still wait).

    Run, each would only find its report routed, at the cost of a job's bookkeeping; one that another worker has
    taken already, or that is not on the queue, stays and does just that. Redis away: they all stay."""
    others = [job_id(i) for i in routed if i != report_id]
    if not others:
        return
    try:
        discard_queued(others, REPORTS_QUEUE)
    except Exception as exc:  # the jobs then run and find their reports routed
        log.warning("could not take routed reports' jobs off the queue: %s", exc)


def _run_stages(report_id: int) -> str:
    """Advance stage by stage; each stage commits on its own."""
    while True:
        row = db.session.execute(db.select(Report.stage, Report.has_audio).where(Report.id == report_id)).first()
        if row is None:
            log.warning("report %s does not exist", report_id)
            return "missing"
        stage = row.stage
        step = stages.text_only if stage == Stage.RECEIVED.value and not row.has_audio else STEPS.get(stage)
        if step is None:
            return stage
        try:
            done = step(report_id)
        except Exception as exc:
            db.session.rollback()
            if record_failure(report_id, stage, exc):
                raise
            return Stage.FAILED.value
        if step is stages.text_only and done:  # all three stages committed: nothing to read again
            return Stage.ROUTED.value


def record_failure(report_id: int, stage: str, exc: Exception) -> bool:
    """Count the failure on the report; True when the queue should retry it."""
    log.warning("report %s failed in stage %s: %s", report_id, stage, exc)
    report = db.session.get(Report, report_id, populate_existing=True)
    report.attempts += 1
    report.last_error = "".join(traceback.format_exception_only(exc)).strip()[:2000]
    retry = report.attempts < current_app.config["PIPELINE_MAX_ATTEMPTS"]
    if not retry:
        report.set_stage(Stage.FAILED, f"{stage}: {report.last_error}")
    db.session.commit()
    return retry
