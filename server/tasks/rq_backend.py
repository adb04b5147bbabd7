"""RQ on Redis: the production queue."""
from contextlib import suppress
from datetime import timedelta

from flask import Flask
from redis import Redis
from rq import Queue, Retry
from rq.job import Job, JobStatus
from rq.registry import StartedJobRegistry

from server.tasks.names import QUEUES

ACTIVE = {JobStatus.QUEUED, JobStatus.STARTED, JobStatus.SCHEDULED, JobStatus.DEFERRED}

# KEYS: the queue's list, then each job's hash; ARGV: the job ids. A job still in the list is taken out and deleted
# (one atomic script: a worker that popped it meanwhile keeps it whole); returns the ids deleted.
_DISCARD = """
local gone = {}
for i, id in ipairs(ARGV) do
  if redis.call('LREM', KEYS[1], 1, id) == 1 then
    redis.call('DEL', KEYS[i + 1])
    gone[#gone + 1] = id
  end
end
return gone
"""


def redis_connection(url: str) -> Redis:
    """A Redis client that fails fast when the server is down."""
    return Redis.from_url(url, socket_connect_timeout=2, socket_timeout=10, health_check_interval=30)


def dotted(func) -> str:
    """A module-level function's dotted path (how RQ finds it)."""
    return func if isinstance(func, str) else f"{func.__module__}.{func.__qualname__}"


class RQBackend:
    """Jobs on named RQ queues, with retries and backoff; workers run them (``gridwatch worker``)."""

    name = "rq"

    def __init__(self, app: Flask):
        self.connection = redis_connection(app.config["REDIS_URL"])
        self.queues = {name: Queue(name, connection=self.connection) for name in QUEUES}
        self._discard = self.connection.register_script(_DISCARD)

    def submit(self, func, args: tuple, *, queue: str, job_id: str | None, delay: float, timeout: int,
               attempts: int, intervals: tuple, replace: bool) -> None:
        """Put a job on a queue (``enqueue_in`` when delayed: the workers run RQ's scheduler)."""
        if replace and job_id:
            old = Job.fetch_many([job_id], connection=self.connection)[0]
            if old is not None:
                old.delete()
        options = {"job_id": job_id, "result_ttl": 3600, "failure_ttl": 7 * 86400}
        if attempts > 1:
            options["retry"] = Retry(max=attempts - 1, interval=list(intervals) or 0)
        if delay > 0:
            self.queues[queue].enqueue_in(timedelta(seconds=delay), dotted(func), *args, job_timeout=timeout,
                                         **options)
            return
        # One round trip: RQ queues its commands (queue registration, job hash, status, push) on our pipeline,
        # which runs them as one MULTI/EXEC transaction; without it RQ makes two transactions of its own.
        with self.connection.pipeline() as pipe:
            self.queues[queue].enqueue_call(dotted(func), args=args, timeout=timeout, pipeline=pipe, **options)
            pipe.execute()

    def submit_coalesced(self, mark: str, ttl: int, func, args: tuple, *, queue: str, timeout: int, attempts: int,
                         intervals: tuple) -> bool:
        """Queue a job unless ``mark`` says one is queued already (``SET NX`` with ``ttl`` seconds); True when queued.

        Should the job not reach the queue, the mark goes too (or expires): the next call queues one."""
        if not self.connection.set(mark, 1, nx=True, ex=ttl):
            return False
        try:
            self.submit(func, args, queue=queue, job_id=None, delay=0, timeout=timeout, attempts=attempts,
                        intervals=intervals, replace=False)
        except Exception:
            with suppress(Exception):
                self.connection.delete(mark)
            raise
        return True

    def clear_mark(self, mark: str) -> None:
        """The marked job has started: the next ``submit_coalesced`` queues another."""
        self.connection.delete(mark)

    def active_jobs(self, job_ids: list[str]) -> set[str]:
        """Those jobs queued, running or waiting for a retry."""
        for queue in self.queues.values():  # abandoned jobs of dead workers leave 'started'
            StartedJobRegistry(queue=queue).cleanup()
        jobs = Job.fetch_many(job_ids, connection=self.connection)
        return {job.id for job in jobs if job is not None and job.get_status() in ACTIVE}

    def discard_queued(self, job_ids: list[str], queue: str) -> set[str]:
        """Delete those jobs that still wait on the queue (none started or scheduled); one round trip."""
        if not job_ids:
            return set()
        keys = [self.queues[queue].key, *(Job.key_for(i) for i in job_ids)]
        return {i.decode() if isinstance(i, bytes) else i for i in self._discard(keys=keys, args=list(job_ids))}

    def counts(self) -> dict:
        """Queue lengths."""
        return {name: q.count for name, q in self.queues.items()}

    def start(self) -> None:
        """Nothing to start in the web process: workers run on their own."""

    def stop(self) -> None:
        """Nothing to stop."""
