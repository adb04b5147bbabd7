"""The task layer: ``enqueue`` a function on a named queue, on RQ (Redis) or in a thread of this process.

It imports nothing of the domain: a job is a module-level function and its arguments (RQ stores its dotted path).
The queue names are in ``names`` (re-exported here).
"""
import logging
from collections.abc import Callable, Iterable, Sequence

from flask import Flask, current_app

from server.tasks.embedded import EmbeddedBackend
from server.tasks.names import (DEFAULT_QUEUE, MAINTENANCE_QUEUE, OWN_THREAD, QUEUES, REPORTS_QUEUE, TRANSCRIBE_QUEUE,
                                WEBHOOK_QUEUE)
from server.tasks.rq_backend import RQBackend

__all__ = ["DEFAULT_QUEUE", "MAINTENANCE_QUEUE", "OWN_THREAD", "QUEUES", "REPORTS_QUEUE", "TRANSCRIBE_QUEUE",
           "WEBHOOK_QUEUE", "active_jobs", "backend", "clear_mark", "discard_queued", "enqueue", "enqueue_coalesced",
           "init_queue"]
log = logging.getLogger(__name__)


def init_queue(app: Flask) -> None:
    """Choose the backend: RQ when REDIS_URL is set, else the embedded worker."""
    if app.config.get("REDIS_URL"):
        app.extensions["gridwatch_queue"] = RQBackend(app)
    else:
        app.extensions["gridwatch_queue"] = EmbeddedBackend(app)


def backend(app: Flask | None = None):
    """The app's queue backend."""
    return (app or current_app).extensions["gridwatch_queue"]


def enqueue(func: Callable | str, *args, queue: str, job_id: str | None = None, delay: float = 0, timeout: int = 1800,
            attempts: int = 1, intervals: Sequence[int] = (), replace: bool = False, app: Flask | None = None) -> None:
    """Run ``func(*args)`` (a function, or its dotted path) with the app context on ``queue``, after ``delay`` seconds.

    ``job_id`` names the job (a job with the same id still waiting or running is not queued twice in-process;
    ``replace`` deletes a finished or failed one first on RQ); up to ``attempts`` runs, waiting ``intervals`` seconds
    between them (the last interval repeats); ``timeout`` seconds before RQ stops it. Raises when the queue is down:
    callers keep their work in the database and a periodic job hands it over again.
    """
    backend(app).submit(func, args, queue=queue, job_id=job_id, delay=delay, timeout=timeout, attempts=attempts,
                        intervals=tuple(intervals), replace=replace)


def enqueue_coalesced(func: Callable | str, *args, queue: str, mark: str, ttl: int, timeout: int = 1800,
                      attempts: int = 1, intervals: Sequence[int] = (), app: Flask | None = None) -> bool:
    """Queue ``func(*args)`` unless a job queued under ``mark`` has not started yet; True when this call queued it.

    Many callers, one job: the job calls ``clear_mark(mark)`` before it reads its work, so that whatever a caller
    stored before a ``False`` here is seen by a job that has not started. The mark lapses after ``ttl`` seconds
    should its job be lost. Raises when the queue is down (and leaves no mark behind)."""
    return backend(app).submit_coalesced(mark, ttl, func, args, queue=queue, timeout=timeout, attempts=attempts,
                                         intervals=tuple(intervals))


def clear_mark(mark: str, app: Flask | None = None) -> None:
    """Called by a coalesced job as it starts: the next ``enqueue_coalesced`` under ``mark`` queues another."""
    backend(app).clear_mark(mark)


def active_jobs(job_ids: Iterable[str], app: Flask | None = None) -> set[str]:
    """Those of the jobs that are queued, running, scheduled or waiting for a retry."""
    return backend(app).active_jobs(list(job_ids))


def discard_queued(job_ids: Iterable[str], queue: str, app: Flask | None = None) -> set[str]:
    """Delete those of the jobs that still wait on ``queue``, not started, because their work is done (and
    committed) already; returns the ids deleted. A job already running, scheduled or in another process's hands is
    left alone. The embedded backend deletes none."""
    return backend(app).discard_queued(list(job_ids), queue)
