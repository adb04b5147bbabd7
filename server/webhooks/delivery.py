"""Sending webhook deliveries: one attempt per job, retries with exponential backoff, on RQ or in-process.

On RQ (``REDIS_URL`` set) each attempt is a job on its own queue, ``webhooks`` (``WEBHOOK_QUEUE``), worked by its own
workers, so that nothing a receiver does (answering slowly, or never) delays a report; a retry is scheduled with
``enqueue_in`` (the workers run RQ's scheduler). Without Redis, a daemon thread of the server process sends them
(``EmbeddedDeliveries``), as the embedded pipeline does. Either way the database row is the record:
``resume_pending`` hands again to the queue what a restart or an outage left behind.

Every attempt goes through the network policy (``server.webhooks.netpolicy``, ``server.webhooks.transport``).

Settings (``Config``): ``WEBHOOK_MAX_ATTEMPTS`` (6), ``WEBHOOK_BACKOFF_BASE_SECONDS`` (30, doubling per attempt),
``WEBHOOK_BACKOFF_MAX_SECONDS`` (3600), ``WEBHOOK_CONNECT_TIMEOUT`` (3 s), ``WEBHOOK_READ_TIMEOUT`` (5 s),
``WEBHOOK_ALLOWED_CIDRS``.
"""
import logging
import queue
import threading
import time
from datetime import timedelta

from flask import Flask, current_app

from server.extensions import db
from server.models import DeliveryStatus, WebhookDelivery, utcnow
from server.tasks.queue import WEBHOOK_QUEUE, backend
from server.webhooks import transport
from server.webhooks.netpolicy import BLOCKED, BlockedTarget, allowed_networks
from server.webhooks.transport import Outcome, reason_of
from server.webhooks.service import (DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, check_target,
                                     sign, webhook_secret)

log = logging.getLogger(__name__)

JOB_FUNC = "server.webhooks.delivery.deliver_job"
D = DeliveryStatus
FINAL = {BLOCKED, transport.DISABLED, transport.SECRET_UNAVAILABLE}  # no point in trying again


def setting(name: str, app: Flask | None = None):
    """A webhook setting from the app config (``Config`` reads each from the environment)."""
    return (app or current_app).config[name]


def backoff_seconds(attempt: int, base: float | None = None, cap: float | None = None) -> float:
    """The wait after failed attempt ``attempt`` (1, 2, …): base, 2·base, 4·base, … up to the cap."""
    base = setting("WEBHOOK_BACKOFF_BASE_SECONDS") if base is None else base
    cap = setting("WEBHOOK_BACKOFF_MAX_SECONDS") if cap is None else cap
    return min(cap, base * 2 ** (attempt - 1))


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
    """The RQ job (and the embedded worker's unit of work)."""
    try:
        return deliver(delivery_id)
    finally:
        db.session.remove()


def _job_id(delivery_id: int, attempt: int) -> str:
    return f"webhook-{delivery_id}-{attempt}"


def schedule(delivery_id: int, delay: float, attempt: int = 1, app: Flask | None = None) -> bool:
    """Queue an attempt in ``delay`` seconds on the webhook queue; False when the queue is down (``resume_pending``
    retries)."""
    app = app or current_app._get_current_object()
    queue_backend = backend(app)
    try:
        if queue_backend.name == "rq":
            from rq import Queue
            rq_queue = Queue(WEBHOOK_QUEUE, connection=queue_backend.connection)
            options = {"job_id": _job_id(delivery_id, attempt), "job_timeout": job_timeout(app), "result_ttl": 3600,
                       "failure_ttl": 7 * 86400}
            if delay > 0:
                rq_queue.enqueue_in(timedelta(seconds=delay), JOB_FUNC, delivery_id, **options)
            else:
                rq_queue.enqueue(JOB_FUNC, delivery_id, **options)
        else:
            embedded(app).put(delivery_id, delay)
        return True
    except Exception as exc:  # the row is safe in the database
        log.warning("could not queue webhook delivery %s: %s", delivery_id, exc)
        return False


def _active_on_rq(due: list[tuple[int, int]]) -> set[int]:
    """Deliveries whose job is still queued, running or scheduled on RQ (a long queue is not a lost job)."""
    queue_backend = backend()
    if queue_backend.name != "rq" or not due:
        return set()
    from rq.job import Job, JobStatus
    from rq.registry import StartedJobRegistry
    active = {JobStatus.QUEUED, JobStatus.STARTED, JobStatus.SCHEDULED, JobStatus.DEFERRED}
    from rq import Queue
    StartedJobRegistry(queue=Queue(WEBHOOK_QUEUE, connection=queue_backend.connection)).cleanup()
    ids = [_job_id(i, n) for i, attempts in due for n in (attempts, attempts + 1)]
    jobs = Job.fetch_many(ids, connection=queue_backend.connection)
    return {int(job.id.split("-")[1]) for job in jobs if job is not None and job.get_status() in active}


def resume_pending(older_than_seconds: int = 60) -> int:
    """Queue again the deliveries that are due but were lost (a restart, Redis down); returns how many."""
    now = utcnow()
    due = db.session.execute(db.select(WebhookDelivery.id, WebhookDelivery.attempts).where(
        WebhookDelivery.status.in_([D.PENDING.value, D.FAILING.value]),
        db.or_(WebhookDelivery.next_attempt_at.is_(None),
               WebhookDelivery.next_attempt_at <= now - timedelta(seconds=older_than_seconds)),
        WebhookDelivery.updated_at <= now - timedelta(seconds=older_than_seconds))).all()
    db.session.commit()
    try:
        active = _active_on_rq([tuple(r) for r in due])
    except Exception as exc:  # Redis down: schedule() fails too and the next sweep tries again
        log.warning("could not look up webhook jobs: %s", exc)
        active = set()
    return sum(schedule(delivery_id, 0, attempt=attempts + 1) for delivery_id, attempts in due
               if delivery_id not in active)


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


class EmbeddedDeliveries:
    """Deliveries in a thread of the server process when there is no Redis; ``drain`` runs them in the caller."""

    def __init__(self, app: Flask):
        self.app = app
        self._queue: queue.Queue = queue.Queue()
        self._pending = 0
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        # The test environment drains explicitly, as it does the embedded pipeline.
        self.autostart = app.config.get("WEBHOOK_EMBEDDED_THREAD", app.config["GRIDWATCH_ENV"] != "test")

    def put(self, delivery_id: int, delay: float) -> None:
        """Run a delivery's attempt now or after ``delay`` seconds."""
        with self._lock:
            self._pending += 1
        if delay > 0:
            timer = threading.Timer(delay, self._queue.put, args=(delivery_id,))
            timer.daemon = True
            timer.start()
        else:
            self._queue.put(delivery_id)
        if self.autostart:
            self.start()

    def start(self) -> None:
        """Start the sending thread (once)."""
        with self._lock:
            if self._thread is not None:
                return
            self._thread = threading.Thread(target=self._work, name="gridwatch-webhooks", daemon=True)
        self._thread.start()

    def _work(self) -> None:
        with self.app.app_context():
            try:
                resume_pending()
            except Exception:
                log.exception("could not resume webhook deliveries")
        while True:
            self._run(self._queue.get())

    def _run(self, delivery_id: int) -> None:
        try:
            with self.app.app_context():
                deliver_job(delivery_id)
        except Exception:
            log.exception("webhook delivery %s failed unexpectedly", delivery_id)
        finally:
            with self._lock:
                self._pending -= 1

    def drain(self, timeout: float = 60.0) -> bool:
        """Run queued attempts (including retries as they fall due) until none is left."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                self._run(self._queue.get(timeout=0.05))
            except queue.Empty:
                with self._lock:
                    if self._pending == 0:
                        return True
        return False


_create_lock = threading.Lock()


def embedded(app: Flask | None = None) -> EmbeddedDeliveries:
    """The app's in-process delivery worker."""
    app = app or current_app._get_current_object()
    with _create_lock:
        if "gridwatch_webhooks" not in app.extensions:
            app.extensions["gridwatch_webhooks"] = EmbeddedDeliveries(app)
    return app.extensions["gridwatch_webhooks"]
