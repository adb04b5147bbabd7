"""Running RQ workers and the scheduler with the app context."""
import logging

from flask import Flask
from rq import SimpleWorker
from rq.cron import CronScheduler

from .queue import DEFAULT_QUEUE, backend

log = logging.getLogger(__name__)


class AppWorker(SimpleWorker):
    """A worker that runs jobs in its own process (so Whisper loads once) with the app context."""

    def __init__(self, *args, app: Flask, **kwargs):
        super().__init__(*args, **kwargs)
        self.app = app

    def perform_job(self, job, queue):
        """Run the job inside the app context."""
        with self.app.app_context():
            return super().perform_job(job, queue)


def run_worker(app: Flask, queue_names: list[str], burst: bool = False, name: str | None = None) -> bool:
    """Work the named queues until stopped (or empty with ``burst``)."""
    queue_backend = backend(app)
    if queue_backend.name != "rq":
        raise SystemExit("REDIS_URL is not set: the embedded worker runs inside 'gridwatch serve'.")
    queues = [queue_backend.queues[n] for n in queue_names]
    worker = AppWorker(queues, connection=queue_backend.connection, app=app, name=name)
    return worker.work(burst=burst, with_scheduler=True)


def run_scheduler(app: Flask) -> None:
    """Enqueue the sweeper, the hotspot re-clustering and the overdue escalation at their intervals."""
    queue_backend = backend(app)
    if queue_backend.name != "rq":
        raise SystemExit("REDIS_URL is not set: the embedded server sweeps on its own.")
    cron = CronScheduler(connection=queue_backend.connection, name="gridwatch-scheduler")
    from ..cases.escalation import escalate_overdue_job
    from ..maintenance import recluster_job
    from .sweeper import sweep_job
    cron.register(sweep_job, queue_name=DEFAULT_QUEUE,
                  interval=app.config["SWEEP_INTERVAL_SECONDS"], job_timeout=600)
    cron.register(recluster_job, queue_name=DEFAULT_QUEUE,
                  interval=app.config["RECLUSTER_INTERVAL_SECONDS"], job_timeout=1800)
    cron.register(escalate_overdue_job, queue_name=DEFAULT_QUEUE,
                  interval=app.config["CASE_ESCALATION_INTERVAL_SECONDS"], job_timeout=600)
    cron.start()
