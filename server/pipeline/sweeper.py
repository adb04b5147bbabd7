"""Re-enqueue accepted reports whose processing never started or stalled."""
import logging
from datetime import timedelta

from flask import current_app

from server.extensions import db
from server.models import PENDING_STAGES, Report, utcnow
from server.pipeline.queueing import active_reports, submit_report

log = logging.getLogger(__name__)
BATCH = 500


def sweep(grace_seconds: int | None = None) -> int:
    """Enqueue pending reports that have no live job; returns how many were enqueued."""
    if grace_seconds is None:
        grace_seconds = current_app.config["SWEEP_GRACE_SECONDS"]
    grace = timedelta(seconds=grace_seconds)
    cutoff = utcnow() - grace
    enqueued, last_id = 0, 0
    while True:
        rows = db.session.execute(
            db.select(Report.id, Report.has_audio)
            .where(Report.stage.in_(PENDING_STAGES), Report.stage_updated_at <= cutoff, Report.id > last_id)
            .order_by(Report.id).limit(BATCH)).all()
        if not rows:
            break
        last_id = rows[-1].id
        active = active_reports([r.id for r in rows])
        for row in rows:
            if row.id not in active:
                submit_report(row.id, row.has_audio, replace=True)
                enqueued += 1
    db.session.remove()
    if enqueued:
        log.info("sweeper re-enqueued %s reports", enqueued)
    return enqueued



def sweep_job() -> int:
    """The scheduled sweep (in a worker with the app context)."""
    return sweep()


def sweep_lost() -> int:
    """What was pending when an in-process queue started (it held nothing): no grace period."""
    return sweep(grace_seconds=0)
