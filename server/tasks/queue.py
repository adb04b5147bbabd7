"""Queue backends: RQ on Redis, or an embedded worker thread when there is no Redis."""
import logging

from flask import Flask, current_app

log = logging.getLogger(__name__)

# Queues by urgency: nothing slow shares a queue (or a worker) with reports.
REPORTS_QUEUE = "reports"          # text reports: every stage after intake
TRANSCRIBE_QUEUE = "transcribe"    # voice reports: Whisper first, then the same stages
MAINTENANCE_QUEUE = "maintenance"  # periodic jobs (schedule.py): sweeps, re-clustering, escalation, retention
WEBHOOK_QUEUE = "webhooks"         # department webhook deliveries
DEFAULT_QUEUE = "default"          # before queues by urgency: jobs still queued there are worked by report workers
QUEUES = (REPORTS_QUEUE, TRANSCRIBE_QUEUE, MAINTENANCE_QUEUE, WEBHOOK_QUEUE, DEFAULT_QUEUE)
JOB_FUNC = "server.pipeline.jobs.process_report"


def job_id(report_id: int) -> str:
    """The deterministic job id of a report's processing."""
    return f"report-{report_id}"


def queue_for(has_audio: bool) -> str:
    """Reports with voice go to the transcription workers, the others to the report workers."""
    return TRANSCRIBE_QUEUE if has_audio else REPORTS_QUEUE


def init_queue(app: Flask) -> None:
    """Choose the backend: RQ when REDIS_URL is set, else the embedded worker."""
    if app.config.get("REDIS_URL"):
        from server.tasks.rq_backend import RQBackend
        app.extensions["gridwatch_queue"] = RQBackend(app)
    else:
        from server.tasks.embedded import EmbeddedBackend
        app.extensions["gridwatch_queue"] = EmbeddedBackend(app)


def backend(app: Flask | None = None):
    """The app's queue backend."""
    return (app or current_app).extensions["gridwatch_queue"]


def enqueue_report(report_id: int, has_audio: bool) -> bool:
    """Hand a committed report to the pipeline; False (and the sweeper's turn) when the queue is down."""
    try:
        backend().enqueue(report_id, queue_for(has_audio))
        return True
    except Exception as exc:  # the report is safe in the database; the sweeper will enqueue it
        log.warning("could not enqueue report %s, the sweeper will retry: %s", report_id, exc)
        return False
