"""One schedule of periodic jobs (``server/tasks/schedule.py``) for both runners: the embedded server's loop and
``gridwatch scheduler`` on RQ, which puts every one of them on the maintenance queue."""
import json
import os
import subprocess
import sys
import time

import pytest

from server.extensions import db
from server.models import Case
from server.tasks.queue import MAINTENANCE_QUEUE, backend
from server.tasks.schedule import PERIODIC

from .test_cases_support import case_in, past


def _until(condition, polls: int = 600, every: float = 0.1) -> bool:
    for _ in range(polls):
        if condition():
            return True
        time.sleep(every)
    return False


def test_the_embedded_server_runs_the_scheduled_jobs(city):
    app = city
    with app.app_context():
        overdue = case_in("dispatched")
        past(overdue, sign_by=2)
    app.config.update(CASE_ESCALATION_INTERVAL_SECONDS=1, SWEEP_INTERVAL_SECONDS=1, RECLUSTER_INTERVAL_SECONDS=3600)
    queue = backend(app)
    queue.start()

    def escalated():
        with app.app_context():
            status = db.session.execute(db.select(Case.status).where(Case.id == overdue)).scalar_one()
            db.session.remove()
            return status == "escalated"
    try:
        assert _until(escalated), "the escalation job of the schedule ran in the embedded loop"
    finally:
        queue.stop()


@pytest.mark.redis
def test_gridwatch_scheduler_registers_the_schedule_on_the_maintenance_queue(redis_app):
    cfg = redis_app.config
    env = {**os.environ, "GRIDWATCH_ENV": "test", "DATABASE_URL": cfg["SQLALCHEMY_DATABASE_URI"],
           "REDIS_URL": cfg["REDIS_URL"], "GRIDWATCH_INSTANCE": cfg["INSTANCE_DIR"]}
    scheduler = subprocess.Popen([sys.executable, "-m", "server.cli", "scheduler"], env=env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    connection = backend(redis_app).connection
    try:
        assert _until(lambda: connection.keys("rq:cron_scheduler:*") or scheduler.poll() is not None)
        assert scheduler.poll() is None
        saved = connection.hget(connection.keys("rq:cron_scheduler:*")[0], "cron_jobs")
    finally:
        scheduler.terminate()
        scheduler.wait(timeout=30)
    jobs = [(job["func_name"], job["queue_name"], job["interval"]) for job in json.loads(saved)]
    assert jobs == [(job.func, MAINTENANCE_QUEUE, job.interval(cfg)) for job in PERIODIC]
