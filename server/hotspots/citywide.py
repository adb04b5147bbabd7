"""Re-clustering at city scale: a coordinator, one job per partition on the maintenance queue, then one merge job.

The coordinator reads only light columns of the window (id, position, time, place, grid, the text's head), cuts it
with nlp.hotspots.partition.plan and enqueues one partition job per box; each job reads its own reports from the
database, clusters them and leaves its clusters in Redis; the merge job (RQ ``depends_on`` every partition job)
reads them back, merges across borders and writes the hotspots with bulk updates. Without Redis the same functions
run one after another in this process, their results kept in a dict.
"""
import logging
import pickle
import uuid
from datetime import timedelta

from flask import current_app

from nlp.hotspots import match_ids
from nlp.hotspots.partition import MAX_SIZE, cluster_partition, merge, plan
from server.extensions import db
from server.hotspots.service import SUGGESTED, _describe, invalidate, recount_hotspot_people, report_doc
from server.models import Category, Hotspot, Report, utcnow
from server.pipeline.grading import regrade_hotspot_cases
from server.pipeline.places import area_index
from server.tasks.queue import MAINTENANCE_QUEUE, backend

log = logging.getLogger(__name__)
PREFIX = "gridwatch:recluster:"
RESULT_TTL = 86400
CHUNK = 1000
_local: dict = {}  # results of the embedded backend, by key


def _reviewed() -> list[int]:
    """The ids of hotspots a supervisor has reviewed (their reports are not re-clustered)."""
    return list(db.session.execute(db.select(Hotspot.id).where(Hotspot.status != SUGGESTED)).scalars())


def window_size(window_days: int) -> int:
    """How many analysed reports the re-clustering window holds."""
    since = utcnow() - timedelta(days=window_days)
    return db.session.execute(db.select(db.func.count(Report.id))
                              .where(Report.created_at >= since, Report.tokens.is_not(None))).scalar_one()


def light_docs(since) -> list[dict]:
    """The window's analysed reports as the planner reads them: position, time, place, grid and the text's head."""
    codes = area_index().code_of
    reviewed = _reviewed()
    head = db.func.substr(db.func.coalesce(Report.text_masked, Report.text), 1, 80)
    query = db.select(Report.id, Report.lat, Report.lon, Report.created_at, Report.place_code, Report.grid_id, head) \
        .where(Report.created_at >= since, Report.tokens.is_not(None)).order_by(Report.id)
    if reviewed:
        query = query.where(db.or_(Report.hotspot_id.is_(None), Report.hotspot_id.not_in(reviewed)))
    return [{"id": i, "lat": lat, "lon": lon, "created_at": at, "place": place, "grid": codes.get(grid), "text": text}
            for i, lat, lon, at, place, grid, text in db.session.execute(query)]


def load_docs(ids) -> list[dict]:
    """The documents of some reports, read in chunks (nothing kept in the session)."""
    codes, out, ids = area_index().code_of, [], list(ids)
    for s in range(0, len(ids), CHUNK):
        rows = db.session.execute(db.select(Report, Category.code).outerjoin(Category, Report.category_id == Category.id)
                                  .where(Report.id.in_(ids[s:s + CHUNK]))).all()
        out += [report_doc(r, codes.get(r.grid_id), c) for r, c in rows]
        db.session.expunge_all()
    return sorted(out, key=lambda d: d["id"])  # the same order whatever order the database answers in


def _put(run: str, key: str, value) -> None:
    """Keep a partition's clusters (in Redis with RQ, else in this process)."""
    queue = backend()
    if queue.name == "rq":
        queue.connection.set(f"{PREFIX}{run}:{key}", pickle.dumps(value, protocol=5), ex=RESULT_TTL)
    else:
        _local[f"{run}:{key}"] = value


def _take(run: str, key: str):
    """Read a partition's clusters back, and drop them."""
    queue = backend()
    if queue.name != "rq":
        return _local.pop(f"{run}:{key}")
    name = f"{PREFIX}{run}:{key}"
    value = queue.connection.get(name)
    if value is None:
        raise RuntimeError(f"partition {key} of re-clustering {run} left no result")
    queue.connection.delete(name)
    return pickle.loads(value)


def partition_job(run: str, key: str, core: list, halo: list, info: dict) -> int:
    """Cluster one partition (its own reports and its halo) and leave its clusters for the merge job."""
    try:
        clusters = cluster_partition(load_docs(core + halo), core, info, info["min_size"])
        _put(run, key, clusters)
    finally:
        db.session.remove()
    return len(clusters)


def merge_job(run: str, keys: list, info: dict) -> dict:
    """Merge the partitions' clusters across borders, store the hotspots, and raise cases their reporters raise."""
    try:
        results = [(key, _take(run, key)) for key in keys]
        hotspots = merge(results, load_docs, info, info["min_size"], batch=info["max_size"])
        store(hotspots, info["since"])
        raised = regrade_hotspot_cases()
    finally:
        db.session.remove()
    log.info("re-clustered %s partitions: %s hotspots, %s case(s) raised", len(keys), len(hotspots), raised)
    return {"hotspots": len(hotspots), "partitions": len(keys), "raised": raised}


def store(hotspots: list[dict], since) -> None:
    """Write the hotspots: keys kept by member overlap (stable ids), memberships set with bulk updates."""
    existing = {h.key: h for h in db.session.execute(db.select(Hotspot).where(Hotspot.status == SUGGESTED)).scalars()}
    by_id = {h.id: key for key, h in existing.items()}
    previous = {key: set() for key in existing}
    if by_id:
        members = db.select(Report.id, Report.hotspot_id).where(Report.hotspot_id.in_(list(by_id)),
                                                                Report.created_at >= since)
        for report_id, hotspot_id in db.session.execute(members):
            previous[by_id[hotspot_id]].add(report_id)
        db.session.execute(db.update(Report).where(Report.hotspot_id.in_(list(by_id)), Report.created_at >= since)
                           .values(hotspot_id=None).execution_options(synchronize_session=False))
    kept = set()
    for key, found in zip(match_ids(previous, hotspots), hotspots):
        hotspot = existing.get(key) or Hotspot(key=key, status=SUGGESTED)
        _describe(hotspot, found)
        db.session.add(hotspot)
        db.session.flush()
        kept.add(key)
        for s in range(0, len(found["members"]), CHUNK):
            db.session.execute(db.update(Report).where(Report.id.in_(found["members"][s:s + CHUNK]))
                               .values(hotspot_id=hotspot.id).execution_options(synchronize_session=False))
    for key, hotspot in existing.items():
        if key not in kept:
            db.session.execute(db.update(Report).where(Report.hotspot_id == hotspot.id).values(hotspot_id=None)
                               .execution_options(synchronize_session=False))
            db.session.delete(hotspot)
    db.session.flush()
    recount_hotspot_people()
    db.session.commit()
    invalidate()


def recluster_citywide(window_days: int, min_cluster_size: int = 3, max_size: int | None = None) -> dict:
    """Plan the window and run its partitions: RQ jobs on the maintenance queue (merge last), else in-process.

    Returns the run's id, its partitions, and (in-process) the merge's answer; with RQ, the merge job's id.
    """
    since = utcnow() - timedelta(days=window_days)
    max_size = max_size or current_app.config.get("HOTSPOT_PARTITION_SIZE") or MAX_SIZE
    the_plan = plan(light_docs(since), max_size)
    db.session.remove()
    run = uuid.uuid4().hex[:12]
    info = {"mode": the_plan.mode, "now_hours": the_plan.now_hours, "origin": the_plan.origin, "since": since,
            "min_size": min_cluster_size, "max_size": max_size}
    keys = [p.key for p in the_plan.partitions]
    queue = backend()
    if queue.name != "rq":
        for p in the_plan.partitions:
            partition_job(run, p.key, p.core, p.halo, info)
        return {"run": run, "partitions": len(keys), **merge_job(run, keys, info)}
    maintenance = queue.queues[MAINTENANCE_QUEUE]
    jobs = [maintenance.enqueue(partition_job, run, p.key, p.core, p.halo, info, job_id=f"recluster-{run}-{p.key}",
                                job_timeout=1800, result_ttl=RESULT_TTL) for p in the_plan.partitions]
    merged = maintenance.enqueue(merge_job, run, keys, info, job_id=f"recluster-{run}-merge", depends_on=jobs,
                                 job_timeout=1800, result_ttl=RESULT_TTL)
    log.info("re-clustering %s: %s partition jobs enqueued, merge job %s", run, len(jobs), merged.id)
    return {"run": run, "partitions": len(keys), "merge_job": merged.id}
