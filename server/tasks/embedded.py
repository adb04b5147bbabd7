"""The embedded default: jobs in worker threads of the server process, when there is no Redis.

Jobs of the queues in ``OWN_THREAD`` run in a thread (a ``Lane``) of their own, every other queue shares the main
one. The database stays the record, so a restart loses nothing: the periodic jobs hand over again what was lost.
"""
import logging
import queue
import threading
import time
from dataclasses import dataclass
from importlib import import_module

from flask import Flask

from server.tasks.names import OWN_THREAD
from server.tasks.schedule import PERIODIC

log = logging.getLogger(__name__)
MAIN = "embedded"


@dataclass
class Job:
    """One queued run of a function."""

    func: object
    args: tuple
    job_id: str | None
    attempts: int
    intervals: tuple
    attempt: int = 1


def _callable(func):
    """A function, or the function at a dotted path."""
    if not isinstance(func, str):
        return func
    module, _, name = func.rpartition(".")
    return getattr(import_module(module), name)


class Lane:
    """A queue of jobs and the thread that runs them; ``drain`` runs them in the caller instead (commands, tests)."""

    def __init__(self, app: Flask, name: str, autostart: bool = False):
        self.app, self.name, self.autostart = app, name, autostart
        self._queue: queue.Queue = queue.Queue()
        self._pending: set[int] = set()  # jobs queued, running or waiting for their delay or retry
        self._ids: set[str] = set()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    def put(self, job: Job, delay: float = 0) -> bool:
        """Queue a job (after ``delay`` seconds); False when a job with its id is already here."""
        with self._lock:
            if job.job_id is not None:
                if job.job_id in self._ids:
                    return False
                self._ids.add(job.job_id)
            self._pending.add(id(job))
        self._later(job, delay)
        if self.autostart:
            self.start()
        return True

    def _later(self, job: Job, delay: float) -> None:
        if delay > 0:
            timer = threading.Timer(delay, self._queue.put, args=(job,))
            timer.daemon = True
            timer.start()
        else:
            self._queue.put(job)

    def active(self, job_ids: set[str]) -> set[str]:
        """Those of the ids queued, running or waiting here."""
        with self._lock:
            return self._ids & job_ids

    def size(self) -> int:
        """Jobs waiting in the queue."""
        return self._queue.qsize()

    def start(self) -> None:
        """Start the thread (once)."""
        with self._lock:
            if self._thread is not None:
                return
            self._stopping.clear()
            self._thread = threading.Thread(target=self._work, name=f"gridwatch-{self.name}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread after the current job."""
        self._stopping.set()
        self._queue.put(None)
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout=10)

    def drain(self, timeout: float = 60.0) -> bool:
        """Run queued jobs (including retries as they fall due) in the calling thread until none is left."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                job = self._queue.get(timeout=0.05)
            except queue.Empty:
                with self._lock:
                    if not self._pending:
                        return True
                continue
            if job is not None:
                self._run(job)
        return False

    def _work(self) -> None:
        while not self._stopping.is_set():
            job = self._queue.get()
            if job is None:
                break
            self._run(job)

    def _run(self, job: Job) -> None:
        try:
            with self.app.app_context():
                _callable(job.func)(*job.args)
        except Exception as exc:
            if job.attempt < job.attempts:
                delay = job.intervals[min(job.attempt - 1, len(job.intervals) - 1)] if job.intervals else 0
                log.warning("job %s failed (attempt %s), retrying in %ss: %s", job.job_id, job.attempt, delay, exc)
                job.attempt += 1
                self._later(job, delay)
                return
            log.exception("job %s failed for good: %s", job.job_id, exc)
        with self._lock:
            self._pending.discard(id(job))
            self._ids.discard(job.job_id)


class EmbeddedBackend:
    """In-process lanes, and the periodic jobs of ``schedule.PERIODIC`` in a thread of their own."""

    name = "embedded"

    def __init__(self, app: Flask):
        self.app = app
        # Lanes of their own start with their first job outside tests (``EMBEDDED_OWN_THREADS``); tests drain them.
        autostart = bool(app.config["WEBHOOK_EMBEDDED_THREAD"])  # Config: unset means outside tests
        self.lanes = {MAIN: Lane(app, "worker"), **{q: Lane(app, q, autostart=autostart) for q in OWN_THREAD}}
        self._periodic: threading.Thread | None = None
        self._stopping = threading.Event()
        self._marks: dict[str, float] = {}  # coalesced jobs queued and not started: mark -> when it lapses
        self._marks_lock = threading.Lock()

    def lane(self, queue_name: str) -> Lane:
        """The lane that runs a queue's jobs."""
        return self.lanes.get(queue_name) or self.lanes[MAIN]

    def submit(self, func, args: tuple, *, queue: str, job_id: str | None, delay: float, timeout: int,
               attempts: int, intervals: tuple, replace: bool) -> None:
        """Queue a job on its queue's lane (not twice under one id)."""
        self.lane(queue).put(Job(func, args, job_id, attempts, intervals), delay)

    def submit_coalesced(self, mark: str, ttl: int, func, args: tuple, *, queue: str, timeout: int, attempts: int,
                         intervals: tuple) -> bool:
        """Queue a job unless ``mark`` says one is queued already (for ``ttl`` seconds at most); True when queued."""
        now = time.monotonic()
        with self._marks_lock:
            if self._marks.get(mark, 0.0) > now:
                return False
            self._marks[mark] = now + ttl
        self.lane(queue).put(Job(func, args, None, attempts, intervals))
        return True

    def clear_mark(self, mark: str) -> None:
        """The marked job has started: the next ``submit_coalesced`` queues another."""
        with self._marks_lock:
            self._marks.pop(mark, None)

    def active_jobs(self, job_ids: list[str]) -> set[str]:
        """Those jobs queued, running or waiting for a retry here."""
        wanted = set(job_ids)
        return set().union(*(lane.active(wanted) for lane in self.lanes.values()))

    def discard_queued(self, job_ids: list[str], queue: str) -> set[str]:
        """Nothing is taken back here: a lane's jobs run (and find their work done)."""
        return set()

    def counts(self) -> dict:
        """Queue length of the main lane."""
        return {MAIN: self.lanes[MAIN].size()}

    def start(self, sweep: bool = True) -> None:
        """Start the main lane's thread (and the periodic jobs)."""
        self.lanes[MAIN].start()
        if sweep and self._periodic is None:
            self._stopping.clear()
            self._periodic = threading.Thread(target=self._periodic_loop, name="gridwatch-sweeper", daemon=True)
            self._periodic.start()

    def stop(self) -> None:
        """Stop the threads after their current job."""
        self._stopping.set()
        for lane in self.lanes.values():
            lane.stop()
        if self._periodic is not None:
            self._periodic.join(timeout=10)
            self._periodic = None

    def drain(self, timeout: float = 60.0) -> bool:
        """Run the main lane's jobs in the calling thread until none is left (commands and tests)."""
        return self.lanes[MAIN].drain(timeout)

    def _periodic_loop(self) -> None:
        """The periodic jobs of ``schedule.PERIODIC`` in this process, after each one's ``first`` run."""
        for job in PERIODIC:
            if job.first is None:
                continue
            try:
                with self.app.app_context():
                    job.load(job.first)()
            except Exception:
                log.exception("first run of %s failed", job.name)
        now = time.monotonic()
        due = {job: now if job.at_start else now + job.interval(self.app.config) for job in PERIODIC}
        while not self._stopping.wait(max(0.0, min(due.values()) - time.monotonic())):
            for job in PERIODIC:
                if due[job] > time.monotonic():
                    continue
                due[job] = time.monotonic() + job.interval(self.app.config)
                try:
                    with self.app.app_context():
                        job.load()()
                except Exception:
                    log.exception("periodic job %s failed", job.name)
