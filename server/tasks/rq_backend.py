"""RQ on Redis: the production queue."""
from flask import Flask
from redis import Redis
from rq import Queue, Retry
from rq.job import Job, JobStatus
from rq.registry import StartedJobRegistry

from server.tasks.queue import JOB_FUNC, QUEUES, job_id

ACTIVE = {JobStatus.QUEUED, JobStatus.STARTED, JobStatus.SCHEDULED, JobStatus.DEFERRED}


def redis_connection(url: str) -> Redis:
    """A Redis client that fails fast when the server is down."""
    return Redis.from_url(url, socket_connect_timeout=2, socket_timeout=10, health_check_interval=30)


class RQBackend:
    """Enqueue report processing on named RQ queues with retries and backoff."""

    name = "rq"

    def __init__(self, app: Flask):
        self.connection = redis_connection(app.config["REDIS_URL"])
        self.max_attempts = app.config["PIPELINE_MAX_ATTEMPTS"]
        self.intervals = app.config["PIPELINE_RETRY_INTERVALS"]
        self.queues = {name: Queue(name, connection=self.connection) for name in QUEUES}

    def enqueue(self, report_id: int, queue: str, replace: bool = False) -> None:
        """Put a report's job on a queue under its deterministic id (replacing a failed or finished one)."""
        if replace:
            old = Job.fetch_many([job_id(report_id)], connection=self.connection)[0]
            if old is not None:
                old.delete()
        self.queues[queue].enqueue(
            JOB_FUNC, report_id, job_id=job_id(report_id), job_timeout=1800, result_ttl=3600,
            failure_ttl=7 * 86400, retry=Retry(max=self.max_attempts - 1, interval=self.intervals))

    def active_ids(self, report_ids: list[int]) -> set[int]:
        """Those reports whose job is queued, running or waiting for a retry."""
        for queue in self.queues.values():  # abandoned jobs of dead workers leave 'started'
            StartedJobRegistry(queue=queue).cleanup()
        jobs = Job.fetch_many([job_id(i) for i in report_ids], connection=self.connection)
        return {rid for rid, job in zip(report_ids, jobs) if job is not None and job.get_status() in ACTIVE}

    def counts(self) -> dict:
        """Queue lengths."""
        return {name: q.count for name, q in self.queues.items()}

    def start(self) -> None:
        """Nothing to start in the web process: workers run on their own."""

    def stop(self) -> None:
        """Nothing to stop."""
