"""Sending webhook deliveries: one attempt per job, retries with exponential backoff, on RQ or in-process.

Each attempt is a job of the task layer (``server.tasks``) on its own queue, ``webhooks`` (``WEBHOOK_QUEUE``): on RQ
worked by its own workers, in-process by a thread of its own, so that nothing a receiver does (answering slowly, or
never) delays a report; a retry is a delayed job. Either way the database row is the record: ``resume_job``
(periodic) hands again to the queue what a restart or an outage left behind.

Every attempt goes through the network policy (``server.webhooks.netpolicy``, ``server.webhooks.transport``).

Settings (``Config``): ``WEBHOOK_MAX_ATTEMPTS`` (6), ``WEBHOOK_BACKOFF_BASE_SECONDS`` (30, doubling per attempt),
``WEBHOOK_BACKOFF_MAX_SECONDS`` (3600), ``WEBHOOK_CONNECT_TIMEOUT`` (3 s), ``WEBHOOK_READ_TIMEOUT`` (5 s),
``WEBHOOK_ALLOWED_CIDRS``.
"""
import logging
import time
from datetime import timedelta

from flask import Flask, current_app

from server.events import case_event
from server.extensions import db
from server.models import DeliveryStatus, WebhookDelivery, utcnow
from server.tasks.queue import WEBHOOK_QUEUE, backend
from server.tasks.retried import Retried, run_job
from server.webhooks import transport
from server.webhooks.netpolicy import BLOCKED, BlockedTarget, allowed_networks
from server.webhooks.transport import Outcome, reason_of
from server.webhooks.service import (DELIVERY_HEADER, EVENT_HEADER, PENDING, SIGNATURE_HEADER, TIMESTAMP_HEADER,
                                     check_target, queue_case_event, sign, webhook_secret)

log = logging.getLogger(__name__)

D = DeliveryStatus
FINAL = {BLOCKED, transport.DISABLED, transport.SECRET_UNAVAILABLE}  # no point in trying again
OPEN = (D.PENDING.value, D.FAILING.value)  # to be attempted (again)


def setting(name: str, app: Flask | None = None):
    """A webhook setting from the app config (``Config`` reads each from the environment)."""
    return (app or current_app).config[name]


def backoff_seconds(attempt: int, base: float | None = None, cap: float | None = None) -> float:
    """The wait after failed attempt ``attempt`` (1, 2, …): base, 2·base, 4·base, … up to the cap."""
    return RETRIED.backoff_seconds(attempt, base=base, cap=cap)


def job_timeout(app: Flask | None = None) -> int:
    """How long RQ lets one attempt run before killing it (a receiver dripping its answer byte by byte)."""
    return int(2 * (setting("WEBHOOK_CONNECT_TIMEOUT", app) + setting("WEBHOOK_READ_TIMEOUT", app))) + 20


def headers_for(row: WebhookDelivery, secret: str, attempt: int) -> dict:
    """The request headers of one attempt, the signature among them."""
    return {"Content-Type": "application/json; charset=utf-8", "User-Agent": "GridWatch-Webhooks/1.0",
            EVENT_HEADER: row.event, DELIVERY_HEADER: row.uuid, "X-GridWatch-Attempt": str(attempt),
            TIMESTAMP_HEADER: str(int(time.time())), SIGNATURE_HEADER: sign(secret, row.body.encode("utf-8"))}


def _send(url: str, body: bytes, headers: dict) -> Outcome:
    """One POST under the network policy (checked again now: the URL may predate it, the name may resolve anew)."""
    allowed = allowed_networks(setting("WEBHOOK_ALLOWED_CIDRS"))
    try:
        target = check_target(url)
    except BlockedTarget as exc:
        return Outcome(None, BLOCKED, str(exc).removeprefix("url: "))
    return transport.post(target, body, headers, setting("WEBHOOK_CONNECT_TIMEOUT"),
                          setting("WEBHOOK_READ_TIMEOUT"), allowed)


def deliver(delivery_id: int) -> str:
    """Make one attempt at a delivery and record it; schedules the next attempt after a failure."""
    row = db.session.get(WebhookDelivery, delivery_id, populate_existing=True)
    if row is None or row.status in (D.DELIVERED.value, D.FAILED.value):
        db.session.commit()
        return row.status if row is not None else "missing"
    hook, attempt, most = row.webhook, row.attempts + 1, setting("WEBHOOK_MAX_ATTEMPTS")
    if attempt > most:  # the last attempt was cut off (its job killed) before it could record how it went
        row.status, row.next_attempt_at = D.FAILED.value, None
        row.last_error = row.last_error or f"{transport.TIMEOUT}: the attempt did not finish"
        db.session.commit()
        return row.status
    secret = webhook_secret(hook) if hook.active else None
    url, body = hook.url, row.body.encode("utf-8")
    headers = headers_for(row, secret, attempt) if secret else None
    row.attempts = attempt  # counted before sending: an attempt whose job is killed still counts
    db.session.commit()  # no transaction stays open while the receiver answers
    if not hook.active:
        outcome = Outcome(None, transport.DISABLED, "the webhook was disabled")
    elif secret is None:
        outcome = Outcome(None, transport.SECRET_UNAVAILABLE,
                          "the webhook's secret cannot be decrypted (data key changed?); rotate it")
    else:
        outcome = _send(url, body, headers)
    row = db.session.get(WebhookDelivery, delivery_id, populate_existing=True)
    row.last_status_code = outcome.status
    delay, error = None, outcome.record()
    if outcome.ok:
        row.status, row.delivered_at, row.last_error, row.next_attempt_at = D.DELIVERED.value, utcnow(), None, None
    elif attempt >= most or outcome.reason in FINAL:
        row.status, row.last_error, row.next_attempt_at = D.FAILED.value, error[:2000], None
    else:
        delay = backoff_seconds(attempt)
        row.status, row.last_error = D.FAILING.value, error[:2000]
        row.next_attempt_at = utcnow() + timedelta(seconds=delay)
    status = row.status
    db.session.commit()
    if error is not None:
        log.warning("webhook delivery %s attempt %s to %s failed: %s", delivery_id, attempt, url, error)
    if delay is not None:
        schedule(delivery_id, delay, attempt=attempt + 1)
    return status


def deliver_job(delivery_id: int) -> str:
    """The RQ job (and the embedded worker's unit of work): one attempt."""
    return run_job(deliver, delivery_id)


# Attempts are jobs webhook-<delivery id>-<attempt> on the webhook queue.
RETRIED = Retried("webhook", "webhook delivery", deliver_job, queue=WEBHOOK_QUEUE, timeout=job_timeout,
                  base="WEBHOOK_BACKOFF_BASE_SECONDS", cap="WEBHOOK_BACKOFF_MAX_SECONDS")


def schedule(delivery_id: int, delay: float, attempt: int = 1, app: Flask | None = None) -> bool:
    """Queue an attempt in ``delay`` seconds on the webhook queue; False when the queue is down (``resume_pending``
    retries)."""
    return RETRIED.schedule(delivery_id, delay, attempt, app)


def resume_pending(older_than_seconds: int = 60) -> int:
    """Queue again the deliveries that are due but were lost (a restart, Redis down); returns how many."""
    return RETRIED.resume_pending(WebhookDelivery, OPEN, older_than_seconds)


def present_delivery(row: WebhookDelivery, admin: bool) -> dict:
    """A delivery as the API shows it: department staff get the status code and a reason word, never the answer's
    body or a network error's text (which would make deliveries a way to probe networks)."""
    reason = reason_of(row.last_error)
    return {"id": row.id, "delivery_id": row.uuid, "webhook_id": row.webhook_id,
            "department": row.webhook.department.code, "url": row.webhook.url, "event": row.event,
            "case_id": row.case_id, "status": row.status, "attempts": row.attempts,
            "last_status_code": row.last_status_code, "reason": reason,
            "last_error": row.last_error if admin else reason, "next_attempt_at": row.next_attempt_at,
            "delivered_at": row.delivered_at, "created_at": row.created_at, "updated_at": row.updated_at}


def redeliver(row: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery again (an admin's retry of a failed or a delivered one), with a fresh retry budget."""
    row.status, row.attempts, row.next_attempt_at, row.delivered_at = D.PENDING.value, 0, None, None
    db.session.commit()
    schedule(row.id, 0)
    return row


def resume_job() -> int:
    """The scheduled hand-over of deliveries that are due but were lost (a restart, Redis down)."""
    return RETRIED.resume_job(WebhookDelivery, OPEN)


def embedded(app: Flask | None = None):
    """The in-process lane that sends deliveries when there is no Redis (``drain`` runs them in the caller)."""
    return backend(app).lane(WEBHOOK_QUEUE)


def init_app(app: Flask) -> None:
    """Subscribe to case events: each becomes deliveries in the event's transaction, queued after its commit."""
    case_event.connect(queue_case_event)


# The deliveries a transaction added are handed to the queue after its commit (forgotten on a rollback).
RETRIED.send_after_commit(PENDING)
