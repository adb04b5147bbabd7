"""Sending notices through the outbound channel: after the commit, one attempt per job on the task layer, retried.

``service.notify`` adds a ``NotificationDelivery`` row beside each notice, in the same transaction; after the commit
(an SQLAlchemy ``after_commit`` hook) they are handed to the task layer, one job for all of a transaction's first
attempts, on the outbound queue (``WEBHOOK_QUEUE``:
what leaves the platform has its own workers, or its own thread in-process, so a slow gateway never delays a
report). A rolled-back notice is never sent. Each attempt locks its row and sends only a pending or failing
delivery (a job run twice sends once); a failure waits ``NOTIFY_BACKOFF_BASE_SECONDS`` doubling per attempt, up to
``NOTIFY_MAX_ATTEMPTS``. What a queue loses, ``resume_job`` (periodic) hands over again: no notice is lost.
"""
import logging
from datetime import timedelta

from flask import Flask, current_app

from server.extensions import db
from server.models import Case, NotificationDelivery, User, utcnow
from server.notifications.channels import CHANNELS, Recipient
from server.notifications.service import PENDING
from server.tasks.queue import WEBHOOK_QUEUE
from server.tasks.retried import Retried, run_job, run_jobs

log = logging.getLogger(__name__)
OPEN = ("pending", "failing")


def backoff_seconds(attempt: int, app: Flask | None = None) -> float:
    """The wait after failed attempt ``attempt`` (1, 2, …): base, 2·base, 4·base, … at most a day."""
    return RETRIED.backoff_seconds(attempt, app)


def _locked(delivery_id: int) -> NotificationDelivery | None:
    return db.session.execute(db.select(NotificationDelivery).where(NotificationDelivery.id == delivery_id)
                              .with_for_update(of=NotificationDelivery)  # not the joined notice (an outer join)
                              .execution_options(populate_existing=True)).scalar_one_or_none()


def deliver(delivery_id: int) -> str:
    """Make one attempt at a delivery and record it; schedules the next attempt after a failure."""
    row = _locked(delivery_id)
    if row is None or row.status not in OPEN:
        db.session.commit()
        return row.status if row is not None else "missing"
    notice = row.notification
    channel_class = CHANNELS.get(row.channel)
    user = db.session.get(User, notice.user_id)
    recipient = Recipient(user)
    row.recipient, row.attempts = recipient.masked, row.attempts + 1
    delay = None
    if channel_class is None:
        row.status, row.last_error = "failed", f"unknown channel {row.channel}"
    elif channel_class.needs_phone and not recipient.phone:
        row.status = "no_address"
    else:
        case = db.session.get(Case, notice.case_id) if notice.case_id else None
        try:
            channel_class().send(recipient, notice.message, notice_id=notice.id, kind=notice.kind,
                                 case_number=case.number if case else None)
        except Exception as exc:  # the gateway's failure: recorded, retried
            row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if row.attempts >= current_app.config["NOTIFY_MAX_ATTEMPTS"]:
                row.status, row.next_attempt_at = "failed", None
            else:
                delay = backoff_seconds(row.attempts)
                row.status, row.next_attempt_at = "failing", utcnow() + timedelta(seconds=delay)
            log.warning("notice delivery %s attempt %s failed: %s", delivery_id, row.attempts, row.last_error)
        else:
            row.status, row.sent_at, row.last_error, row.next_attempt_at = "sent", utcnow(), None, None
    status, attempts = row.status, row.attempts
    db.session.commit()
    if delay is not None:
        schedule(delivery_id, delay, attempt=attempts + 1)
    return status


def deliver_job(delivery_id: int) -> str:
    """The task layer's unit of work: one attempt."""
    return run_job(deliver, delivery_id)


def deliver_first_job(delivery_ids: list[int]) -> dict[int, str]:
    """The first attempts of the deliveries one transaction added (a case event tells several people), one job."""
    return run_jobs(deliver, delivery_ids)


# Attempts are jobs notice-<delivery id>-<attempt> on the outbound queue (the first ones of a transaction together:
# notice-first-<first id>-<count>); a failure waits the base, doubling, a day at the most.
RETRIED = Retried("notice", "notice delivery", deliver_job, queue=WEBHOOK_QUEUE, timeout=120,
                  base="NOTIFY_BACKOFF_BASE_SECONDS", cap=86400, first_attempts=deliver_first_job)


def schedule(delivery_id: int, delay: float, attempt: int = 1, app: Flask | None = None) -> bool:
    """Queue an attempt in ``delay`` seconds; False when the queue is down (``resume_job`` hands it over later)."""
    return RETRIED.schedule(delivery_id, delay, attempt, app)


def resume_pending(older_than_seconds: int = 60) -> int:
    """Queue again the deliveries that are due but whose job was lost (a restart, Redis down); returns how many."""
    return RETRIED.resume_pending(NotificationDelivery, OPEN, older_than_seconds, limit=1000)


def resume_job() -> int:
    """The periodic hand-over of deliveries whose job was lost."""
    return RETRIED.resume_job(NotificationDelivery, OPEN, limit=1000)


# The deliveries a transaction added are handed to the queue after its commit (forgotten on a rollback).
RETRIED.send_after_commit(PENDING)
