"""City-scale re-clustering with real RQ workers on Redis and PostgreSQL: partition jobs, then the merge job."""
import datetime as dt
import os
import subprocess
import sys
import uuid

import pytest
from sklearn.metrics import adjusted_rand_score

from nlp.hotspots.features import to_hours
from nlp.segment import default_segmenter
from server.extensions import db
from server.hotspots.citywide import recluster_citywide
from server.hotspots.service import recluster
from server.models import Hotspot, Report, utcnow
from tests.data.hotspots.synthetic import synthetic
from tests.nlp.test_partition import GAS, ORIGIN, OTHER, NAMES, _at

pytestmark = [pytest.mark.redis, pytest.mark.postgres]


def _workers(app, count: int = 2):
    """Run count burst workers on the maintenance queue at once (separate processes) until it is empty."""
    cfg = app.config
    env = {**os.environ, "GRIDWATCH_ENV": "test", "DATABASE_URL": cfg["SQLALCHEMY_DATABASE_URI"],
           "REDIS_URL": cfg["REDIS_URL"], "MEDIA_ROOT": cfg["MEDIA_ROOT"], "GRIDWATCH_INSTANCE": cfg["INSTANCE_DIR"],
           "WHISPER_MODEL": cfg["WHISPER_MODEL"], "WHISPER_MODEL_DIR": cfg["WHISPER_MODEL_DIR"]}
    procs = [subprocess.Popen([sys.executable, "-m", "server.cli", "worker", "--burst", "--queues", "maintenance"],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
             for _ in range(count)]
    outputs = [p.communicate(timeout=600)[0] for p in procs]
    assert all(p.returncode == 0 for p in procs), outputs[0][-2000:] + outputs[-1][-2000:]
    return outputs


def _insert(app, docs: list[dict]) -> dict:
    """Store docs as analysed reports, their times moved so the newest is now; return {doc id: report id}."""
    newest = max(to_hours(d["created_at"]) for d in docs)
    now = utcnow()
    ids = {}
    with app.app_context():
        for d in docs:
            report = Report(client_uuid=str(uuid.uuid4()), payload_hash="0" * 64, text=d["text"], tokens=d["tokens"],
                            lat=d.get("lat"), lon=d.get("lon"), stage="analysed",
                            created_at=now - dt.timedelta(hours=newest - to_hours(d["created_at"])))
            db.session.add(report)
            db.session.flush()
            ids[d["id"]] = report.id
        db.session.commit()
    return ids


def _memberships(app) -> dict:
    """Return {report id: hotspot key} of the clustered reports."""
    with app.app_context():
        rows = db.session.execute(db.select(Report.id, Hotspot.key).join(Hotspot, Report.hotspot_id == Hotspot.id))
        return dict(rows.all())


def test_partition_jobs_on_two_workers_match_the_single_job(redis_app):
    seg = default_segmenter()
    docs = synthetic(360, seed=21)
    for d in docs:
        d["tokens"] = seg.cut(d["text"])
    ids = _insert(redis_app, docs)
    with redis_app.app_context():
        started = recluster_citywide(window_days=30, max_size=120)
        assert started["partitions"] >= 3 and started["merge_job"]
        assert redis_app.extensions["gridwatch_queue"].counts()["maintenance"] == started["partitions"]
    _workers(redis_app)
    parted = _memberships(redis_app)
    with redis_app.app_context():
        assert redis_app.extensions["gridwatch_queue"].counts()["maintenance"] == 0
        assert not redis_app.extensions["gridwatch_queue"].connection.keys("gridwatch:recluster:*"), "results read"
        people = db.session.execute(db.select(db.func.sum(Hotspot.reporters))).scalar_one()
        assert people == len(parted), "people counted on the hotspots (anonymous reports count one each)"
        assert recluster(window_days=30) >= 1  # the single job, over the same window
    single = _memberships(redis_app)
    assert len(parted) > 100 and len(single) > 100
    order = sorted(ids.values())
    score = adjusted_rand_score([single.get(i, f"alone-{i}") for i in order], [parted.get(i, f"alone-{i}") for i in order])
    assert score >= 0.85, score


def test_a_hotspot_across_a_partition_border_is_one_hotspot_and_keeps_its_key(redis_app):
    import random

    seg, rng = default_segmenter(), random.Random(5)
    docs = []
    for k in range(80):
        side = -1 if k % 2 else 1
        text = rng.choice(OTHER).format(NAMES[k % len(NAMES)] + NAMES[(k // 3) % len(NAMES)])
        lat, lon = _at(side * rng.uniform(1.0, 5.0), rng.uniform(0, 1.5))
        docs.append({"id": 1000 + k, "text": text, "tokens": seg.cut(text), "lat": lat, "lon": lon,
                     "created_at": 3600.0 * rng.uniform(0, 20)})
    for k, text in enumerate(GAS):
        lat, lon = _at((-1 if k % 2 else 1) * rng.uniform(0.02, 0.08), 0.7)
        docs.append({"id": k + 1, "text": text, "tokens": seg.cut(text), "lat": lat, "lon": lon,
                     "created_at": 3600.0 * (2.0 + k * 0.5)})
    assert abs(ORIGIN[1] - docs[-1]["lon"]) < 0.001
    ids = _insert(redis_app, docs)
    gas = {ids[k + 1] for k in range(len(GAS))}
    keys = set()
    for _ in range(2):
        with redis_app.app_context():
            assert recluster_citywide(window_days=7, max_size=44)["partitions"] == 2
        _workers(redis_app)
        found = _memberships(redis_app)
        assert gas <= set(found) and len({found[i] for i in gas}) == 1, "one hotspot holds the whole leak"
        keys.add(found[min(gas)])
    assert len(keys) == 1, "the hotspot keeps its key at the next re-clustering"


def test_the_periodic_job_coordinates_partition_jobs_when_the_window_is_large(redis_app):
    from server.hotspots.recluster import recluster_job
    seg = default_segmenter()
    docs = synthetic(150, seed=4)
    for d in docs:
        d["tokens"] = seg.cut(d["text"])
    _insert(redis_app, docs)
    redis_app.config["HOTSPOT_PARTITION_SIZE"] = 60
    with redis_app.app_context():
        started = recluster_job()
        assert started["partitions"] >= 2 and started["merge_job"], "large window: partition jobs and a merge job"
        assert not db.session.execute(db.select(db.func.count(Hotspot.id))).scalar_one(), "nothing written yet"
    _workers(redis_app)
    assert len(set(_memberships(redis_app).values())) >= 3
    redis_app.config["HOTSPOT_PARTITION_SIZE"] = 1000
    with redis_app.app_context():
        assert recluster_job()["hotspots"] >= 3, "a window that fits one job is re-clustered in the job itself"
