"""Waiting text reports worked through by a few coalesced drain jobs, not one queue job per report (PostgreSQL).

A queue job per report costs a backlog's worth of Redis: a job hash per report (kept an hour after it ran), about
sixty Redis commands for each job a worker runs, and building the job cost the intake request about a sixth of its
time (measured in one process). Instead, intake stores the report (committed at ``received``) and then ``kick``\\ s:
one ``SET NX`` that finds a drain job queued and not yet started, or queues one. A drain clears that mark first,
then claims the oldest waiting text reports (``FOR UPDATE SKIP LOCKED``: drains on many workers share them, never
the same report), routes them (``batch.route_claimed``: a batch written together when the workers are behind, one
report alone when they keep up), commits, and claims again until none waits, or until ``PIPELINE_DRAIN_SECONDS``
have passed (then it hands over to a new drain), or until its worker is asked to stop (SIGTERM: it hands over after
the batch in hand, so that a deploy in the middle of a crowd waits for one batch, not for the drain's time budget).
A drain whose claim comes back full (a backlog) kicks once more, so that a backlog no intake adds to (after an
outage, say) spreads over every idle worker, one drain after another.

Kicks are spared within a window (``PIPELINE_KICK_WINDOW_MS``): a web process that began a kick less than the window
ago, and saw it through, does not kick again, and every drain keeps claiming until the window has passed since it
cleared the mark (an empty claim then waits a little and claims again). The kick that was seen through found the
mark set or set it, so the next drain to start cleared the mark after the kick began; that drain's last claim begins
a window or more after it cleared the mark, so after the spared report's commit. Under a crowd this turns a Redis
round trip per report into one per window per web process.

Nothing is lost: a report kicked after the mark was cleared queues a drain of its own; one kicked before found a
drain that had not started, whose first claim comes after the report's commit; one whose kick was spared is claimed
by a drain still lingering, as above. A drain that fails or is killed leaves its uncommitted reports at
``received``, where the next kick, the drain's one retry, or the sweeper finds them. Nothing is done twice: a report
leaves ``received`` only in the transaction that holds its row lock.

A report that fails in a drain has the failure counted on it (``attempts``), which keeps it out of later drains,
and goes to its own job, whose retries, waits and final ``failed`` stage are a report's as they always were.
Voice reports keep a job each on the transcription queue; on SQLite (one writer, no row locks to share by) every
report keeps its own job.
"""
import logging
import time

from flask import current_app

from server.extensions import db
from server.models import Stage
from server.pipeline import batch
from server.pipeline.jobs import record_failure, submit_report
from server.tasks.queue import REPORTS_QUEUE, clear_mark, enqueue_coalesced
from server.tasks.worker import stop_requested

log = logging.getLogger(__name__)

MARK = "gridwatch:drain-reports:pending"
LINGER_POLL = 0.02  # seconds between claims while a drain waits out the kick window


def enabled() -> bool:
    """Whether text reports go to drains (``PIPELINE_DRAIN``, on PostgreSQL) rather than a job each."""
    return bool(current_app.config["PIPELINE_DRAIN"]) and db.session.get_bind().dialect.name == "postgresql"


def _window() -> float:
    return max(0, current_app.config["PIPELINE_KICK_WINDOW_MS"]) / 1000


def kick() -> bool:
    """See to it that a drain will claim the text reports stored so far; True when this call queued one.

    False: a drain is queued and has not started (it will see them), or this app began a kick that went through
    less than the kick window ago (a drain lingers long enough to see them). Raises when the queue is down."""
    window, last = _window(), current_app.extensions.setdefault("gridwatch_drain_kick", {"began": None})
    if window and last["began"] is not None and time.monotonic() - last["began"] < window:
        return False
    began = time.monotonic()  # before the SET: the drain that clears the mark next does so after this
    queued = enqueue_coalesced(drain_reports, queue=REPORTS_QUEUE, mark=MARK,
                               ttl=current_app.config["PIPELINE_DRAIN_PENDING_SECONDS"], timeout=600, attempts=2)
    last["began"] = began
    return queued


def drain_reports() -> dict:
    """The drain job: route batches of waiting text reports until none waits; returns what it did."""
    clear_mark(MARK)  # before the first claim: a report kicked from now on queues the next drain
    cleared = time.monotonic()  # after the mark went: the kick window is counted from here
    linger, budget = cleared + _window(), cleared + current_app.config["PIPELINE_DRAIN_SECONDS"]
    done = {"routed": 0, "batches": 0, "failed": 0}
    fanned, backlog = False, 0
    try:
        while True:
            if stop_requested():  # the worker is stopping (a deploy): the rest to a drain on another worker
                log.info("drain: the worker is stopping after %s reports; the rest go to the next drain", done["routed"])
                _kick_quietly()
                break
            began = time.monotonic()
            claimed, full = batch.claim_next(backlog)
            # Behind: the next claim takes a whole batch at once (a backlog's size once the oldest waited that long).
            backlog = batch.batch_size(claimed[0]) if full else 0
            if not claimed:
                if began >= linger:  # a claim begun a window after the mark went found nothing
                    break
                db.session.commit()  # no snapshot held while waiting
                time.sleep(min(LINGER_POLL, linger - began))
                continue
            if full and not fanned:  # a backlog: more drains, on idle workers too
                fanned = True
                _kick_quietly()
            routed, failures = batch.route_claimed(claimed)
            done["routed"] += len(routed)
            done["batches"] += 1
            for report_id, exc in failures.items():
                _to_own_job(report_id, exc)
                done["failed"] += 1
            if time.monotonic() > budget:  # the rest to a fresh drain (another worker may take it)
                _kick_quietly()
                break
    finally:
        db.session.remove()
    return done


def _kick_quietly() -> None:
    """Kick from inside a drain; with Redis away the drain goes on (the sweeper queues the next one)."""
    try:
        kick()
    except Exception as exc:
        log.warning("a drain could not queue the next one, the sweeper will: %s", exc)


def _to_own_job(report_id: int, exc: Exception) -> None:
    """A report that failed in the drain: counted (no drain claims it again), then retried by its own job."""
    if record_failure(report_id, Stage.RECEIVED.value, exc):
        intervals = current_app.config["PIPELINE_RETRY_INTERVALS"] or [0]
        submit_report(report_id, False, delay=intervals[0])
