"""Re-enqueue accepted reports whose processing never started or stalled.

A text report waiting at ``received`` that has not failed goes to a drain (``pipeline.drain``, when drains are on):
one is queued for all of them, unless one is queued and not started already. Any other pending report without a
live job of its own is queued again under its job id."""
import logging
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from server.extensions import db
from server.models import PENDING_STAGES, Report, utcnow
from server.pipeline import drain
from server.pipeline.batch import DRAINABLE
from server.pipeline.jobs import submit_report
from server.pipeline.queueing import active_reports

log = logging.getLogger(__name__)
BATCH = 500


def sweep(grace_seconds: int | None = None) -> int:
    """Enqueue pending reports that have no live job; returns how many were enqueued."""
    if grace_seconds is None:
        grace_seconds = current_app.config["SWEEP_GRACE_SECONDS"]
    grace = timedelta(seconds=grace_seconds)
    cutoff = utcnow() - grace
    enqueued, last_id, to_drain = 0, 0, 0
    drains = drain.enabled()
    while True:
        rows = db.session.execute(
            db.select(Report.id, Report.has_audio, sa.and_(*DRAINABLE).label("drainable"))
            .where(Report.stage.in_(PENDING_STAGES), Report.stage_updated_at <= cutoff, Report.id > last_id)
            .order_by(Report.id).limit(BATCH)).all()
        if not rows:
            break
        last_id = rows[-1].id
        active = active_reports([r.id for r in rows])
        for row in rows:
            if row.id in active:
                continue
            if drains and row.drainable:
                to_drain += 1
            else:
                submit_report(row.id, row.has_audio, replace=True)
                enqueued += 1
    if to_drain and drain.kick():
        enqueued += to_drain
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
