"""Running RQ workers and the scheduler with the app context."""
import logging
import threading

from flask import Flask
from rq import SimpleWorker
from rq.cron import CronScheduler

from .queue import DEFAULT_QUEUE, backend

log = logging.getLogger(__name__)


class AppWorker(SimpleWorker):
    """A worker that runs jobs in its own process (so Whisper loads once) with the app context.

    A SimpleWorker sends no heartbeats while a job runs, so RQ keeps a job "started" for its whole timeout (30 min)
    after the worker dies; here a thread renews short heartbeats during the job instead, so that a job whose worker
    was killed expires from the started registry within a few heartbeats and is retried (by the next worker's
    maintenance or the sweeper)."""

    def __init__(self, *args, app: Flask, **kwargs):
        kwargs.setdefault("job_monitoring_interval", app.config.get("WORKER_HEARTBEAT_SECONDS", 15))
        super().__init__(*args, **kwargs)
        self.app = app

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
        try:
            with self.app.app_context():
                return super().perform_job(job, queue)
        finally:
            done.set()
            beater.join(timeout=5)


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
