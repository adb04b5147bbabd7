"""Running RQ workers and the scheduler with the app context, through Redis outages.

A worker that loses Redis in the middle of a job (or while starting) is torn down and a new one is made in the same
process as soon as Redis answers again, with backoff; its scheduler runs in a thread (see ``scheduling``)."""
import logging
import threading
from contextvars import ContextVar
from typing import Callable

from flask import Flask
from rq import SimpleWorker, worker_registration

from server.tasks.queue import DEFAULT_QUEUE, QUEUES, REPORTS_QUEUE, backend
from server.tasks.scheduling import REDIS_DOWN, Backoff, ThreadScheduler, run_cron, stop_on_signals

log = logging.getLogger(__name__)

# The stop event of the worker running the current job (None outside a worker's job).
_STOPPING: ContextVar[threading.Event | None] = ContextVar("gridwatch_worker_stopping", default=None)


def stop_requested() -> bool:
    """Whether the worker running the current job was asked to stop (SIGTERM or SIGINT: a deploy, a scale-down).

    RQ lets the current job finish before the worker stops; a job that loops over work that keeps coming (a drain)
    asks this between steps, hands the rest over to a new job and returns, so that the worker stops within a step
    rather than at the end of the job's time budget. False outside a worker's job (the embedded queue, a test)."""
    event = _STOPPING.get()
    return event is not None and event.is_set()


class AppWorker(SimpleWorker):
    """A worker that runs jobs in its own process (so Whisper loads once) with the app context.

    A SimpleWorker sends no heartbeats while a job runs, so RQ keeps a job "started" for its whole timeout (30 min)
    after the worker dies; here a thread renews short heartbeats during the job instead, so that a job whose worker
    was killed expires from the started registry within a few heartbeats and is retried (by the next worker's
    maintenance or the sweeper)."""

    def __init__(self, *args, app: Flask, stop: threading.Event | None = None, **kwargs):
        kwargs.setdefault("job_monitoring_interval", app.config["WORKER_HEARTBEAT_SECONDS"])
        super().__init__(*args, **kwargs)
        self.app = app
        self.stop_event = stop or threading.Event()
        self.max_connection_wait_time = float(app.config["WORKER_RECONNECT_MAX_SECONDS"])
        self.thread_scheduler: ThreadScheduler | None = None

    def request_stop(self, signum, frame):
        """SIGTERM/SIGINT: stop for good after the current job (the supervisor does not make a new worker)."""
        self.stop_event.set()
        super().request_stop(signum, frame)

    def _start_scheduler(self, burst=False, logging_level="INFO", date_format=None, log_format=None):
        """Run RQ's scheduler for our queues in a thread of this process (burst: once, as RQ does)."""
        if burst:
            return super()._start_scheduler(burst, logging_level, date_format, log_format)
        cfg = self.app.config
        self.thread_scheduler = ThreadScheduler(self.queues, self.connection, name=self.name,
                                                lock_seconds=cfg["SCHEDULER_LOCK_SECONDS"],
                                                reconnect_max=cfg["WORKER_RECONNECT_MAX_SECONDS"])
        self.thread_scheduler.start()

    def heartbeat(self, timeout=None, pipeline=None):
        """RQ's heartbeat; and when Redis lost our registration (restarted without its data), register again."""
        super().heartbeat(timeout, pipeline)
        if pipeline is None and self.birth_date is not None and not self.connection.hexists(self.key, "birth"):
            log.warning("worker %s: registering again (Redis lost its data)", self.name)
            with self.connection.pipeline() as pipe:
                pipe.hset(self.key, mapping=self.serialize())
                worker_registration.register(self, pipe)
                pipe.expire(self.key, timeout or self.worker_ttl + 60)
                pipe.execute()

    def teardown(self):
        """Stop the scheduler thread; record our death if Redis is there, and always stop listening for commands."""
        if self.thread_scheduler is not None:
            self.thread_scheduler.halt()
        try:
            super().teardown()
        except REDIS_DOWN as exc:
            log.warning("worker %s: Redis unavailable at teardown: %s", self.name, exc)
            try:
                self.unsubscribe()
            except Exception:
                pass

    def get_heartbeat_ttl(self, job) -> int:
        """Three heartbeats: long enough for a busy worker, short enough to notice a dead one."""
        return max(3, 3 * int(self.job_monitoring_interval))

    def perform_job(self, job, queue):
        """Run the job inside the app context, renewing heartbeats meanwhile."""
        done = threading.Event()

        def beat():
            while not done.wait(self.job_monitoring_interval):
                try:
                    self.maintain_heartbeats(job)
                except Exception as exc:  # Redis away for a moment: the next beat tries again
                    log.warning("heartbeat failed: %s", exc)

        beater = threading.Thread(target=beat, name="rq-heartbeat", daemon=True)
        beater.start()
        stopping = _STOPPING.set(self.stop_event)
        try:
            with self.app.app_context():
                return super().perform_job(job, queue)
        finally:
            _STOPPING.reset(stopping)
            done.set()
            beater.join(timeout=5)


def on_worker_start(app: Flask, queue: str, prepare: Callable[[], object]) -> None:
    """Have every worker that takes ``queue`` call ``prepare`` once before it listens (load models, warm caches), so
    that its first jobs do not wait for them. The feature that owns the jobs registers it; this layer knows none."""
    app.extensions.setdefault("gridwatch_worker_start", {}).setdefault(queue, []).append(prepare)


def preparations(app: Flask, queue_names: list[str]) -> list[Callable[[], object]]:
    """What a worker of these queues calls before it listens, each once, in the order registered."""
    registered = app.extensions.get("gridwatch_worker_start", {})
    found: list = []
    for name in queue_names:
        found += [p for p in registered.get(name, []) if p not in found]
    return found


def worker_queues(names: list[str]) -> list[str]:
    """The queues to work, in priority order; report workers also drain jobs left on the old ``default`` queue."""
    names = [n.strip() for n in names if n.strip()]
    unknown = sorted(set(names) - set(QUEUES))
    if unknown:
        raise SystemExit(f"unknown queue(s) {', '.join(unknown)}; the queues are {', '.join(QUEUES)}")
    if REPORTS_QUEUE in names and DEFAULT_QUEUE not in names:
        names.append(DEFAULT_QUEUE)
    return names


def _wait_for_redis(connection, stop: threading.Event, backoff: Backoff) -> None:
    """Until Redis answers a ping (or we are told to stop)."""
    while not stop.is_set():
        try:
            connection.ping()
            return
        except REDIS_DOWN as exc:
            wait = backoff.next()
            log.warning("worker: Redis unavailable (%s); retrying in %ss", exc, wait)
            stop.wait(wait)


def run_worker(app: Flask, queue_names: list[str], burst: bool = False, name: str | None = None) -> bool:
    """Work the named queues until stopped (or empty with ``burst``); a new worker after each Redis outage."""
    queue_backend = backend(app)
    if queue_backend.name != "rq":
        raise SystemExit("REDIS_URL is not set: the embedded worker runs inside 'gridwatch serve'.")
    names = worker_queues(queue_names)
    queues = [queue_backend.queues[n] for n in names]
    for prepare in preparations(app, names):
        prepare()
    connection, stop, worked = queue_backend.connection, threading.Event(), False
    backoff = Backoff(app.config["WORKER_RECONNECT_MAX_SECONDS"])
    stop_on_signals(stop)  # between two workers; each worker installs RQ's own handlers while it runs
    restarted = False
    while not stop.is_set():
        ran = False
        try:
            worker = AppWorker(queues, connection=connection, app=app, name=name, stop=stop)
            if name and restarted:  # our own earlier incarnation in this process, if it could not record its death
                connection.delete(worker.key)
            ran = worker.work(burst=burst, with_scheduler=True)
        except REDIS_DOWN as exc:  # Redis away while starting or tearing down
            if burst:
                raise
            log.warning("worker: Redis unavailable: %s", exc)
        worked = worked or ran
        if burst or stop.is_set():
            break
        stop_on_signals(stop)
        if ran:
            backoff.reset()
        log.warning("worker: not asked to stop, so starting again once Redis answers")
        stop.wait(backoff.next())
        _wait_for_redis(connection, stop, backoff)
        restarted = True
    return worked


def run_scheduler(app: Flask) -> None:
    """Enqueue the periodic jobs (``schedule.PERIODIC``) on the maintenance queue at their intervals."""
    queue_backend = backend(app)
    if queue_backend.name != "rq":
        raise SystemExit("REDIS_URL is not set: the embedded server runs the periodic jobs on its own.")
    run_cron(app, queue_backend.connection)
