"""Handing a report to the pipeline through the task layer: its queue, its job id, its retries."""
import logging

from flask import current_app

from server.pipeline import drain
from server.pipeline.jobs import job_id, process_report
from server.tasks.queue import REPORTS_QUEUE, TRANSCRIBE_QUEUE, active_jobs, enqueue

log = logging.getLogger(__name__)


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


def enqueue_report(report_id: int, has_audio: bool) -> bool:
    """Hand a committed report to the pipeline: a text report to a drain (``pipeline.drain``, on PostgreSQL), any
    other to its own job; False (and the sweeper's turn) when the queue is down."""
    try:
        if not has_audio and drain.enabled():
            drain.kick()
        else:
            submit_report(report_id, has_audio)
        return True
    except Exception as exc:  # the report is safe in the database; the sweeper will enqueue it
        log.warning("could not enqueue report %s, the sweeper will retry: %s", report_id, exc)
        return False


def active_reports(report_ids: list[int]) -> set[int]:
    """Those reports whose job is queued, running or waiting for a retry."""
    active = active_jobs(job_id(i) for i in report_ids)
    return {i for i in report_ids if job_id(i) in active}
