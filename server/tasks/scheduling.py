"""Schedulers that ride out a Redis restart: the workers' delayed-job scheduler and ``gridwatch scheduler``.

- ``ThreadScheduler`` is RQ's scheduler (it moves due retries and delayed jobs onto their queues) run in a thread of
  the worker instead of a forked child: a child that dies with Redis is only restarted by RQ every ten minutes, and a
  child whose worker is SIGKILLed lives on holding the locks. Its locks last ``SCHEDULER_LOCK_SECONDS`` (RQ: 61 s) and
  are renewed every second, so a killed worker's queues pass to another worker's scheduler within that time.
- ``run_cron`` enqueues ``schedule.PERIODIC`` on RQ's cron scheduler and keeps its timing through Redis outages."""
import logging
import signal
import threading

import redis
from flask import Flask
from rq.cron import CronScheduler
from rq.scheduler import RQScheduler
from rq.utils import now

from server.tasks.schedule import PERIODIC

log = logging.getLogger(__name__)
REDIS_DOWN = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


class Backoff:
    """Waits that double from one second up to a ceiling; ``reset`` after a success."""

    def __init__(self, ceiling: float):
        self.ceiling, self.current = max(1.0, float(ceiling)), 1.0

    def next(self) -> float:
        wait = self.current
        self.current = min(self.current * 2, self.ceiling)
        return wait

    def reset(self) -> None:
        self.current = 1.0


class ThreadScheduler(RQScheduler):
    """RQ's scheduler for a worker's queues, in a thread that keeps going while Redis is away."""

    def __init__(self, queues, connection, name: str, lock_seconds: int, reconnect_max: float):
        super().__init__(queues, connection=connection, name=name, interval=1)
        self.lock_seconds = max(2, int(lock_seconds))
        self.backoff = Backoff(reconnect_max)
        self._halt = threading.Event()
        self._thread: threading.Thread | None = None

    def _shorten_locks(self) -> None:
        """RQ takes or renews its locks for interval + 60 s; ours last ``lock_seconds``."""
        if self._acquired_locks:
            with self.connection.pipeline() as pipe:
                for queue_name in self._acquired_locks:
                    pipe.expire(self.get_locking_key(queue_name), self.lock_seconds)
                pipe.execute()

    def acquire_locks(self, auto_start=False):
        """Take the free locks of our queues (never forks a scheduler process)."""
        acquired = super().acquire_locks(auto_start=False)
        self._shorten_locks()
        return acquired

    def heartbeat(self):
        """Renew our locks (RQ drops those another scheduler took meanwhile)."""
        super().heartbeat()
        self._shorten_locks()

    def poll(self) -> None:
        """One round: take free locks of our queues, renew ours, move due jobs onto their queues."""
        if self._acquired_locks != self._queue_names:
            self.acquire_locks()
        self.heartbeat()
        self.enqueue_scheduled_jobs()

    def run(self) -> None:
        """Poll every second until halted; while Redis is away, retry with backoff."""
        registered = False
        while not self._halt.is_set():
            try:
                if not registered:
                    self.register_birth()
                    registered = True
                self.poll()
                self.backoff.reset()
                wait = self.interval
            except REDIS_DOWN as exc:
                registered = False
                self._acquired_locks, self._scheduled_job_registries = set(), []
                wait = self.backoff.next()
                log.warning("scheduler %s: Redis unavailable (%s); retrying in %ss", self.name, exc, wait)
            except Exception:  # a bad job must not stop the scheduling of the others
                log.exception("scheduler %s: round failed", self.name)
                wait = self.interval
            self._halt.wait(wait)
        try:
            self.stop()
        except REDIS_DOWN:
            pass

    def start(self):
        """Run in a daemon thread of this process."""
        self._status = self.Status.STARTED
        self._thread = threading.Thread(target=self.run, name="rq-scheduler", daemon=True)
        self._thread.start()
        return self._thread

    def halt(self, timeout: float = 10) -> None:
        """Stop polling and release our locks."""
        self._halt.set()
        if self._thread is not None:
            self._thread.join(timeout)


def stop_on_signals(stop: threading.Event) -> None:
    def handler(signum, frame):
        stop.set()
    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)


def run_cron(app: Flask, connection, stop: threading.Event | None = None) -> None:
    """Enqueue each job of ``schedule.PERIODIC`` on its queue at its interval until SIGTERM/SIGINT (or ``stop``)."""
    if stop is None:
        stop = threading.Event()
        stop_on_signals(stop)
    cron = CronScheduler(connection=connection, name=f"gridwatch-scheduler-{threading.get_native_id()}")
    started = now()
    for job in PERIODIC:
        entry = cron.register(job.load(), queue_name=job.queue, interval=job.interval(app.config),
                              job_timeout=job.timeout, name=job.name)
        if not job.at_start:
            entry.set_enqueue_time(started)
    backoff = Backoff(app.config["WORKER_RECONNECT_MAX_SECONDS"])
    registered = False
    while not stop.is_set():
        try:
            if not registered:
                cron.register_birth()
                registered = True
            if cron.enqueue_jobs():
                cron.save()
            cron.heartbeat()
            backoff.reset()
            wait = max(0.5, cron.calculate_sleep_interval())
        except REDIS_DOWN as exc:  # jobs not enqueued keep their due time and go out once Redis is back
            registered = False
            wait = backoff.next()
            log.warning("scheduler: Redis unavailable (%s); retrying in %ss", exc, wait)
        stop.wait(wait)
    try:
        cron.register_death()
    except REDIS_DOWN:
        pass
