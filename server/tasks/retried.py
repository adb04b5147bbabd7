"""Retried deliveries: one attempt per job on the task layer, a doubling wait after each failure, nothing lost.

A delivery is a database row (``id``, ``status``, ``attempts``, ``next_attempt_at``, ``updated_at``) that a
module-level job function attempts once and records; the row is the record. ``Retried`` names each attempt's job
``<kind>-<row id>-<attempt>``, queues it (after the commit that wrote the row, or after a failure, with a doubling
wait; the first attempts of the rows one commit wrote may go in one job), and hands over again the rows that are due
but whose job was lost (a restart, the queue down). Webhook deliveries (``server.webhooks.delivery``) and outbound
notices (``server.notifications.outbound``) use it.

It imports nothing of the domain: the job, the model, the queue, the timeout and the waits are its arguments.
"""
import logging
from collections.abc import Callable, Iterable
from datetime import timedelta

from flask import Flask, current_app
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from server.extensions import db
from server.models.types import utcnow
from server.tasks.queue import active_jobs, enqueue

log = logging.getLogger(__name__)

# A number of seconds, the name of a Config key holding it, or a function of the app computing it.
Seconds = float | str | Callable[[Flask], float]


def _seconds(value: Seconds, app: Flask) -> float:
    if isinstance(value, str):
        return app.config[value]
    if callable(value):
        return value(app)
    return value


def run_job(attempt: Callable[[int], str], row_id: int) -> str:
    """Run one attempt as a job: the job's database session is released whatever happens."""
    try:
        return attempt(row_id)
    finally:
        db.session.remove()


def run_jobs(attempt: Callable[[int], str], row_ids: list[int]) -> dict[int, str]:
    """The first attempts of several rows in one job, one after another, each as ``run_job`` runs it (its own
    commit; a failure schedules that row's next attempt as its own job). A row this job does not reach (the job
    stopped or killed) stays due, and ``resume_pending`` hands it over."""
    return {row_id: run_job(attempt, row_id) for row_id in row_ids}


class Retried:
    """The retry scaffolding of one kind of delivery.

    ``kind`` prefixes the job ids, ``what`` names a row in log lines, ``job`` is the module-level function (row id →
    status) the task layer runs by its dotted path; ``queue``, ``timeout`` (seconds before RQ stops an attempt) and
    the waits after a failure: ``base``, doubling per attempt, at most ``cap``. ``first_attempts``, a module-level
    function (row ids → statuses, ``run_jobs``), takes the first attempts of the rows one transaction wrote in one
    job: a busy pipeline writes a few notices per report, and each job costs the queue and its worker more than
    sending a notice does.
    """

    def __init__(self, kind: str, what: str, job: Callable[[int], str], *, queue: str, timeout: Seconds,
                 base: Seconds, cap: Seconds, first_attempts: Callable[[list[int]], dict] | None = None):
        self.kind, self.what, self.job, self.queue = kind, what, job, queue
        self.timeout, self.base, self.cap = timeout, base, cap
        self.first_attempts = first_attempts

    def job_id(self, row_id: int, attempt: int) -> str:
        """The job of one attempt at one row."""
        return f"{self.kind}-{row_id}-{attempt}"

    def backoff_seconds(self, attempt: int, app: Flask | None = None, base: float | None = None,
                        cap: float | None = None) -> float:
        """The wait after failed attempt ``attempt`` (1, 2, …): base, 2·base, 4·base, … up to the cap."""
        app = app or current_app
        base = _seconds(self.base, app) if base is None else base
        cap = _seconds(self.cap, app) if cap is None else cap
        return min(cap, base * 2 ** (attempt - 1))

    def schedule(self, row_id: int, delay: float, attempt: int = 1, app: Flask | None = None) -> bool:
        """Queue an attempt in ``delay`` seconds; False when the queue is down (``resume_pending`` hands it over)."""
        return self._enqueue(self.job, row_id, self.job_id(row_id, attempt), delay, 1, app,
                             f"{self.what} {row_id}")

    def schedule_first(self, row_ids: list[int], app: Flask | None = None) -> bool:
        """Queue the first attempts of these rows as one job (``<kind>-first-<first id>-<count>``); False when the
        queue is down (``resume_pending`` hands them over one by one)."""
        return self._enqueue(self.first_attempts, list(row_ids), f"{self.kind}-first-{row_ids[0]}-{len(row_ids)}",
                             0, len(row_ids), app, f"{self.what} {row_ids[0]} and {len(row_ids) - 1} more")

    def _enqueue(self, func: Callable, arg, job_id: str, delay: float, rows: int, app: Flask | None,
                 described: str) -> bool:
        """Queue one job for ``rows`` rows (its timeout is the attempt's times rows); False, logged, when the queue
        is down: the rows are safe in the database."""
        app = app or current_app._get_current_object()
        try:
            enqueue(func, arg, queue=self.queue, job_id=job_id, delay=delay,
                    timeout=int(_seconds(self.timeout, app)) * rows, app=app)
            return True
        except Exception as exc:  # the rows are safe in the database
            log.warning("could not queue %s: %s", described, exc)
            return False

    def resume_pending(self, model, statuses: Iterable[str], older_than_seconds: int = 60,
                       limit: int | None = None) -> int:
        """Queue again the rows of ``model`` in ``statuses`` that are due but whose job was lost; returns how many.

        A row is due when it has not changed for ``older_than_seconds`` and its next attempt (if set) is as old;
        one whose job for its last or next attempt is still queued, running or scheduled is left alone.
        """
        now = utcnow()
        older = now - timedelta(seconds=older_than_seconds)
        query = db.select(model.id, model.attempts).where(
            model.status.in_(list(statuses)), db.or_(model.next_attempt_at.is_(None), model.next_attempt_at <= older),
            model.updated_at <= older)
        due = db.session.execute(query if limit is None else query.limit(limit)).all()
        db.session.commit()
        try:
            active = active_jobs(self.job_id(i, n) for i, a in due for n in (a, a + 1))
        except Exception as exc:  # the queue down: schedule() fails too and the next run tries again
            log.warning("could not look up the %s jobs: %s", self.kind, exc)
            active = set()
        return sum(self.schedule(i, 0, attempt=a + 1) for i, a in due
                   if self.job_id(i, a) not in active and self.job_id(i, a + 1) not in active)

    def resume_job(self, model, statuses: Iterable[str], limit: int | None = None) -> int:
        """The periodic hand-over (``resume_pending``) as a job: its session released, a log line when it did any."""
        try:
            resumed = self.resume_pending(model, statuses, limit=limit)
        finally:
            db.session.remove()
        if resumed:
            log.info("re-queued %s %s jobs", resumed, self.kind)
        return resumed

    def send_after_commit(self, pending_key: str) -> None:
        """Queue the rows a transaction listed in ``session.info[pending_key]`` once it commits; on a rollback they
        are forgotten (never sent)."""

        @sa_event.listens_for(Session, "after_commit")
        def _send_after_commit(session) -> None:
            ids = [row.id for row in session.info.pop(pending_key, None) or () if row.id is not None]
            if len(ids) > 1 and self.first_attempts is not None:
                self.schedule_first(ids)
            else:
                for row_id in ids:
                    self.schedule(row_id, 0)

        @sa_event.listens_for(Session, "after_rollback")
        def _forget_after_rollback(session) -> None:
            session.info.pop(pending_key, None)
