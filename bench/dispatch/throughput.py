"""python -m bench.dispatch.throughput: how many text reports per second the pipeline routes, by batch size.

No HTTP and no Redis: on a private PostgreSQL schema (``BENCH_DATABASE_URL``) ``--reports`` text reports of the
dispatch bench's texts wait at ``received``; ``--workers`` processes take their job ids from one shared queue in
order, as RQ workers would, and run ``jobs.process_report`` on each. Each ``--batch`` size
(``PIPELINE_BATCH_SIZE``) gets its own fresh schema (its first 100 reports routed untimed), and each worker process
routes 50 reports of its own before the clock starts (jieba and the caches load once in a long-lived RQ worker, not
in the timed part); 1 (every report alone) is the baseline of the run.
Prints routed reports per second, CPU milliseconds per report in the workers, and the load average.
"""
import argparse
import json
import multiprocessing as mp
import os
import sys
import tempfile
import time
import uuid

import sqlalchemy as sa

PG_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _app(url: str, tmp: str, batch: int):
    from server import create_app
    return create_app({"GRIDWATCH_ENV": "test", "SQLALCHEMY_DATABASE_URI": url, "REDIS_URL": None, "MEDIA_ROOT": tmp,
                       "INSTANCE_DIR": tmp, "WHISPER_MODEL": "absent-model", "PIPELINE_BATCH_SIZE": batch})


def _worker(url: str, tmp: str, batch: int, warm: list[int], jobs, ready, go, out) -> None:
    """Route this worker's own warm-up reports (jieba, the area index and the taxonomy load here, as they do once in
    a long-lived RQ worker), then time the shared queue's reports."""
    from server.extensions import db
    from server.pipeline.jobs import process_report
    app = _app(url, tmp, batch)
    with app.app_context():
        db.session.execute(sa.text("SELECT 1"))
        db.session.remove()
        for report_id in warm:
            process_report(report_id)
        ready.put(1)
        go.wait()
        cpu, done = time.process_time(), 0
        while (report_id := jobs.get()) is not None:
            process_report(report_id)
            done += 1
        out.put((time.process_time() - cpu, done))


def _add(app, count: int, seed: int) -> list[int]:
    from bench.dispatch import texts
    from server.extensions import db
    from server.models import Report, User, utcnow
    with app.app_context():
        resident = db.session.execute(db.select(User.id).where(User.role == "resident").limit(1)).scalar()
        rows = []
        for client_uuid, body in texts.reports(count, seed):
            data = json.loads(body)
            rows.append(Report(client_uuid=client_uuid, payload_hash="0" * 64, text=data["text"], lat=data.get("lat"),
                               lon=data.get("lon"), address=data.get("address"), reporter_id=resident,
                               created_at=utcnow()))
        db.session.add_all(rows)
        db.session.commit()
        ids = [r.id for r in rows]
        db.session.remove()
        return ids


def _run(url: str, tmp: str, batch: int, count: int, workers: int, seed: int, warm: int = 0
         ) -> tuple[float, float, int]:
    """(routed per second, worker CPU ms per report, routed) for one batch size; each worker process first routes
    warm // workers reports of its own, untimed."""
    app = _app(url, tmp, batch)
    ahead = _add(app, warm, seed + 1000) if warm else []
    ctx = mp.get_context("spawn")
    jobs, ready, out, go = ctx.Queue(), ctx.Queue(), ctx.Queue(), ctx.Event()
    procs = [ctx.Process(target=_worker, args=(url, tmp, batch, ahead[k::workers], jobs, ready, go, out))
             for k in range(workers)]
    for proc in procs:
        proc.start()
    for _ in procs:
        ready.get(timeout=600)
    ids = _add(app, count, seed)  # after the warm-up: no warm-up batch takes a timed report
    for report_id in ids:
        jobs.put(report_id)
    for _ in range(workers):
        jobs.put(None)
    start = time.perf_counter()
    go.set()
    results = [out.get(timeout=3600) for _ in procs]
    wall = time.perf_counter() - start
    for proc in procs:
        proc.join(60)
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        routed = conn.execute(sa.text("SELECT count(*) FROM reports WHERE stage = 'routed' AND id = ANY(:ids)"),
                              {"ids": ids}).scalar()
    engine.dispose()
    return routed / wall, sum(cpu for cpu, _ in results) * 1000 / count, routed


def _measure(size: int, count: int, workers: int) -> tuple[float, float, int]:
    """One batch size on a fresh private schema (migrated, seeded, warmed up with 100 reports), dropped after."""
    from flask_migrate import upgrade

    from server.demo.seed import seed_reference
    schema = f"bench_tp_{uuid.uuid4().hex[:8]}"
    engine = sa.create_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    url = f"{PG_URL}?options=-csearch_path%3D{schema}"
    tmp = tempfile.mkdtemp(prefix="throughput-")
    try:
        app = _app(url, tmp, size)
        with app.app_context():
            upgrade()
            seed_reference()
        _run(url, tmp, size, 100, workers, 1)  # first cases of the schema
        return _run(url, tmp, size, count, workers, 2, warm=50 * workers)  # warm processes, as RQ's are
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.dispatch.throughput", description=__doc__)
    parser.add_argument("--reports", type=int, default=1500, help="reports per batch size")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch", default="1,20", help="batch sizes, comma-separated (1: the baseline)")
    args = parser.parse_args(argv)
    os.environ.setdefault("GRIDWATCH_ENV", "test")
    print(f"throughput bench: {args.reports} text reports per batch size, {args.workers} worker processes, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}", flush=True)
    print(f"{'PIPELINE_BATCH_SIZE':<20} {'routed/s':>9} {'CPU ms/report':>14} {'routed':>7} {'load':>6}")
    failed = False
    for size in (int(s) for s in args.batch.split(",")):
        rate, cpu, routed = _measure(size, args.reports, args.workers)
        failed = failed or routed != args.reports
        label = f"{size}" + (" (baseline)" if size == 1 else "")
        print(f"{label:<20} {rate:>9.1f} {cpu:>14.1f} {routed:>7} {os.getloadavg()[0]:>6.2f}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
