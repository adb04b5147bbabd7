"""Outbound notices on real RQ: the first attempts of one transaction's notices go as one job; each is sent once."""
import os
import subprocess
import sys

from redis import Redis
from rq import Queue

from server.accounts.service import create_user
from server.extensions import db
from server.models import NotificationDelivery
from server.notifications.service import notify
from server.tasks.queue import WEBHOOK_QUEUE

from ..conftest import REDIS_URL


def _people(count: int) -> list:
    return [create_user(username=f"duty{i}", role="supervisor", password="Duty-pass-2026!", commit=False)
            for i in range(count)]


def _burst(app) -> None:
    cfg = app.config
    env = {**os.environ, "GRIDWATCH_ENV": "test", "DATABASE_URL": cfg["SQLALCHEMY_DATABASE_URI"],
           "REDIS_URL": cfg["REDIS_URL"], "MEDIA_ROOT": cfg["MEDIA_ROOT"], "GRIDWATCH_INSTANCE": cfg["INSTANCE_DIR"]}
    result = subprocess.run([sys.executable, "-m", "server.cli", "worker", "--burst", "--queues", WEBHOOK_QUEUE],
                            env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]


def test_one_commit_of_several_notices_queues_one_job_that_sends_each_once(redis_app):
    queue = Queue(WEBHOOK_QUEUE, connection=Redis.from_url(REDIS_URL))
    with redis_app.app_context():
        people = _people(3)
        db.session.flush()
        assert notify(people, None, "test_notice", "测试通知", message_en="a test notice") == 3
        db.session.commit()
        rows = db.session.execute(db.select(NotificationDelivery).order_by(NotificationDelivery.id)).scalars().all()
        assert len(rows) == 3 and {r.status for r in rows} == {"pending"}
        assert queue.job_ids == [f"notice-first-{rows[0].id}-3"]
        alone = people[:1]
        notify(alone, None, "test_notice", "单条通知", message_en="one notice")
        db.session.commit()
        last = db.session.execute(db.select(db.func.max(NotificationDelivery.id))).scalar_one()
        assert queue.job_ids[-1] == f"notice-{last}-1"  # one notice: its own job, as a retry would be
    _burst(redis_app)
    with redis_app.app_context():
        rows = db.session.execute(db.select(NotificationDelivery)).scalars().all()
        assert len(rows) == 4 and {(r.status, r.attempts) for r in rows} == {("sent", 1)}
    assert queue.count == 0


def test_notices_of_a_group_job_that_never_ran_are_handed_over_one_by_one(redis_app):
    from server.notifications.outbound import resume_pending
    queue = Queue(WEBHOOK_QUEUE, connection=Redis.from_url(REDIS_URL))
    with redis_app.app_context():
        notify(_people(2), None, "test_notice", "测试通知", message_en="a test notice")
        db.session.commit()
        assert len(queue.job_ids) == 1
        queue.empty()  # the group job is lost (Redis flushed, say)
        assert resume_pending(older_than_seconds=0) == 2
        ids = sorted(r.id for r in db.session.execute(db.select(NotificationDelivery)).scalars())
        assert sorted(queue.job_ids) == sorted(f"notice-{i}-1" for i in ids)
    _burst(redis_app)
    with redis_app.app_context():
        rows = db.session.execute(db.select(NotificationDelivery)).scalars().all()
        assert {(r.status, r.attempts) for r in rows} == {("sent", 1)}
