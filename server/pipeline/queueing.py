"""Handing a stored report to the pipeline (a drain for a text report on PostgreSQL, else a job of its own), and
which reports have a live job."""
import logging

from server.pipeline import drain
from server.pipeline.jobs import job_id, submit_report
from server.tasks.queue import active_jobs

log = logging.getLogger(__name__)


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
