"""Re-enqueue accepted reports whose processing never started or stalled."""
import logging
from datetime import timedelta

from flask import current_app

from server.extensions import db
from server.models import PENDING_STAGES, Report, utcnow
from server.tasks.queue import backend, queue_for

log = logging.getLogger(__name__)
BATCH = 500


def sweep(grace_seconds: int | None = None) -> int:
    """Enqueue pending reports that have no live job; returns how many were enqueued."""
    if grace_seconds is None:
        grace_seconds = current_app.config["SWEEP_GRACE_SECONDS"]
    grace = timedelta(seconds=grace_seconds)
    cutoff = utcnow() - grace
    queue = backend()
    enqueued, last_id = 0, 0
    while True:
        rows = db.session.execute(
            db.select(Report.id, Report.has_audio)
            .where(Report.stage.in_(PENDING_STAGES), Report.stage_updated_at <= cutoff, Report.id > last_id)
            .order_by(Report.id).limit(BATCH)).all()
        if not rows:
            break
        last_id = rows[-1].id
        active = queue.active_ids([r.id for r in rows])
        for row in rows:
            if row.id not in active:
                queue.enqueue(row.id, queue_for(row.has_audio), replace=True)
                enqueued += 1
    db.session.remove()
    if enqueued:
        log.info("sweeper re-enqueued %s reports", enqueued)
    return enqueued


def sweep_job() -> int:
    """The scheduled sweep (in a worker with the app context): lost reports, then lost webhook deliveries."""
    enqueued = sweep()
    resume_deliveries()
    return enqueued


def resume_deliveries() -> int:
    """Queue again the webhook deliveries that are due but were lost (a restart, Redis down)."""
    from server.webhooks.delivery import resume_pending
    try:
        resumed = resume_pending()
    finally:
        db.session.remove()
    if resumed:
        log.info("sweeper re-queued %s webhook deliveries", resumed)
    return resumed

