"""The embedded default: the same job function in a worker thread of the server process."""
import logging
import queue
import threading
import time

from flask import Flask

log = logging.getLogger(__name__)


class EmbeddedBackend:
    """An in-process queue; the database stays the record, so a restart loses nothing."""

    name = "embedded"

    def __init__(self, app: Flask):
        self.app = app
        self.intervals = app.config["PIPELINE_RETRY_INTERVALS"]
        self.max_attempts = app.config["PIPELINE_MAX_ATTEMPTS"]
        self._queue: queue.Queue = queue.Queue()
        self._active: set[int] = set()
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._stopping = threading.Event()

    def enqueue(self, report_id: int, queue_name: str, replace: bool = False) -> None:
        """Queue a report unless it is already queued or running."""
        with self._lock:
            if report_id in self._active:
                return
            self._active.add(report_id)
        self._queue.put((report_id, 1))

    def active_ids(self, report_ids: list[int]) -> set[int]:
        """Those reports queued, running or waiting for a retry here."""
        with self._lock:
            return self._active & set(report_ids)

    def counts(self) -> dict:
        """Queue length."""
        return {"embedded": self._queue.qsize()}

    def start(self, sweep: bool = True) -> None:
        """Start the worker thread (and the periodic sweeper)."""
        if self._threads:
            return
        self._stopping.clear()
        self._threads = [threading.Thread(target=self._work, name="gridwatch-worker", daemon=True)]
        if sweep:
            self._threads.append(threading.Thread(target=self._sweep_loop, name="gridwatch-sweeper", daemon=True))
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        """Stop the threads after the current job."""
        self._stopping.set()
        self._queue.put(None)
        for thread in self._threads:
            thread.join(timeout=10)
        self._threads = []

    def drain(self, timeout: float = 60.0) -> bool:
        """Run queued jobs in the calling thread until none is left (commands and tests)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                item = self._queue.get(timeout=0.05)
            except queue.Empty:
                with self._lock:
                    if not self._active:
                        return True
                continue
            if item is not None:
                self._run(*item)
        return False

    def _work(self) -> None:
        while not self._stopping.is_set():
            item = self._queue.get()
            if item is None:
                break
            self._run(*item)

    def _run(self, report_id: int, attempt: int) -> None:
        from server.pipeline.jobs import process_report
        try:
            with self.app.app_context():
                process_report(report_id)
        except Exception as exc:
            if attempt < self.max_attempts:
                delay = self.intervals[min(attempt - 1, len(self.intervals) - 1)]
                log.warning("report %s failed (attempt %s), retrying in %ss: %s", report_id, attempt, delay, exc)
                timer = threading.Timer(delay, self._queue.put, args=((report_id, attempt + 1),))
                timer.daemon = True
                timer.start()
                return
            log.error("report %s failed for good: %s", report_id, exc)
        with self._lock:
            self._active.discard(report_id)

    def _sweep_loop(self) -> None:
        """The periodic jobs of ``schedule.PERIODIC``, in this process (after a first sweep of what waited)."""
        from server.tasks.schedule import PERIODIC
        from server.pipeline.sweeper import sweep
        try:
            with self.app.app_context():
                sweep(grace_seconds=0)  # what was pending when this server (and its in-memory queue) started
        except Exception:
            log.exception("first sweep failed")
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
