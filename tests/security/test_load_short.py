"""A short run of bench.load in the suite: 300 reports (one in ten with a photo) through gunicorn, PostgreSQL, a
private Redis and two RQ workers; nothing lost, nothing duplicated, every report processed (no timing asserted)."""
import pytest

from . import services

pytestmark = [pytest.mark.postgres, pytest.mark.slow,
              pytest.mark.skipif(services.redis_server() is None, reason="redis-server not found")]


def test_300_reports_without_loss(tmp_path):
    from bench.load import run
    redis = services.PrivateRedis()
    try:
        outcome = run.run(300, 16, photo_every=10, web_workers=2, web_threads=4, rq_count=2, redis_url=redis.url,
                          drain_timeout=300, progress=lambda line: None)
    finally:
        redis.destroy()
    report = "\n".join(outcome.lines())
    assert outcome.loss.acknowledged == 300 and outcome.rows == 300, report
    assert outcome.lost == 0 and outcome.duplicated == 0, report
    assert outcome.routed == 300 and outcome.failed == 0 and outcome.queued_left == 0, report
    assert outcome.photo_reports == 30, report
    assert outcome.ok, report
