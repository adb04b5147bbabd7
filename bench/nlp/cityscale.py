"""Re-clustering at city scale: python -m bench.nlp.cityscale [--sizes 100000,300000,1000000] [--workers 2].

For each size: generated reports of a megacity's month (bench/nlp/cityscale_data.py) in an SQLite store; the
plan (partition), one job per partition run by --workers worker processes, each job a fresh process reading
its reports from the store (cluster), and the merge across borders (merge). Printed: wall time per stage, the
peak RSS of every job (the largest), the time's growth from size to size and a fitted exponent. Beside it, in
the same run, the unpartitioned single-process clustering (nlp.hotspots.cluster) up to --baseline-max reports,
and the ARI of partitioned against unpartitioned and of both against the true incidents.
"""

import argparse
import json
import math
import multiprocessing as mp
import os
import pickle
import tempfile
import time
from pathlib import Path

import numpy as np

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # one thread per job: the workers are the parallelism

from bench.nlp.cityscale_data import located, truth  # noqa: E402


def _context():
    """Return a forkserver context whose processes start with the libraries loaded and nothing else in memory."""
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(["bench.nlp.cityscale_jobs", "hdbscan", "sklearn.feature_extraction.text", "nlp.text",
                                "nlp.keywords", "nlp.segment", "sklearn.utils.extmath", "scipy.optimize",
                                "scipy.spatial"])
    return ctx


def _one(ctx, name: str, *args, timeout: float | None = None) -> dict:
    """Run one job in a fresh process and return its answer (or a status when it failed)."""
    from bench.nlp import cityscale_jobs

    with ctx.Pool(1, maxtasksperchild=1) as pool:
        try:
            return pool.apply_async(getattr(cityscale_jobs, name), args).get(timeout)
        except mp.TimeoutError:
            pool.terminate()
            return {"status": "timeout", "seconds": timeout, "rss_mb": math.nan}
        except MemoryError:
            return {"status": "no memory", "seconds": math.nan, "rss_mb": math.nan}


def partitioned(ctx, store: str, work: str, workers: int, max_size: int) -> dict:
    """Run plan, partition jobs and merge; return the stage times and peaks."""
    from bench.nlp import cityscale_jobs

    start = time.perf_counter()
    planned = _one(ctx, "plan_job", store, work, max_size)
    with open(Path(work) / "plan.pkl", "rb") as f:
        the_plan = pickle.load(f)
    info = {"mode": the_plan.mode, "now_hours": the_plan.now_hours, "origin": the_plan.origin}
    middle = time.perf_counter()
    with ctx.Pool(workers, maxtasksperchild=1) as pool:
        jobs = [pool.apply_async(cityscale_jobs.partition_job, (store, work, p.key, p.core, p.halo, info))
                for p in sorted(the_plan.partitions, key=lambda p: -len(p.ids))]
        parts = [j.get() for j in jobs]
    clustered = time.perf_counter()
    merged = _one(ctx, "merge_job", store, work, info, max_size)
    end = time.perf_counter()
    return {"plan": planned, "parts": parts, "merge": merged, "total": end - start,
            "stages": (middle - start, clustered - middle, end - clustered)}


def _ari(store: str, work: Path) -> dict:
    """Return the ARI of partitioned vs unpartitioned labels and of each against the true incidents."""
    from sklearn.metrics import adjusted_rand_score

    true = truth(Path(store))
    ids = sorted(true)
    found = {}
    for name in ("partitioned", "single"):
        path = work / f"{name}.json"
        if path.exists():
            labels = json.loads(path.read_text())
            found[name] = [labels.get(str(i), f"noise-{i}") for i in ids]
    gold = [true[i] or f"one-{i}" for i in ids]
    out = {f"{k} vs truth": adjusted_rand_score(gold, v) for k, v in found.items()}
    # Where the loss is: reports with a position, and those without (placed by name, grid or time only).
    with_position = located(Path(store))
    where = np.array([i in with_position for i in ids])
    for k, v in found.items():
        for name, keep in (("located", where), ("without position", ~where)):
            rows = np.flatnonzero(keep)
            out[f"{k} vs truth, {name}"] = adjusted_rand_score([gold[r] for r in rows], [v[r] for r in rows])
        sizes = np.unique([x for x in v if not str(x).startswith("noise-")], return_counts=True)[1]
        out[f"{k} largest hotspot"] = int(sizes.max()) if len(sizes) else 0
    if len(found) == 2:
        out["partitioned vs single"] = adjusted_rand_score(found["single"], found["partitioned"])
    return out


def main(argv=None) -> None:
    """Print the city-scale table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="100000,300000,1000000")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--max-size", type=int, default=None, help="own reports per partition")
    parser.add_argument("--baseline-max", type=int, default=300000)
    parser.add_argument("--baseline-timeout", type=float, default=1800)
    parser.add_argument("--baseline-memory-gb", type=float, default=12)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    from nlp.hotspots.partition import MAX_SIZE

    max_size = args.max_size or MAX_SIZE
    with open("/proc/loadavg") as f:
        print(f"load average before: {f.read().strip()}  ({os.cpu_count()} cores; {args.workers} workers;"
              f" partitions of at most {max_size} own reports)", flush=True)
    ctx, rows = _context(), []
    print(f"{'reports':>8} {'method':<12} {'wall s':>7} {'plan s':>7} {'cluster s':>9} {'merge s':>8}"
          f" {'jobs':>5} {'peak job MB':>11} {'hotspots':>8}", flush=True)
    for n in [int(x) for x in args.sizes.split(",")]:
        with tempfile.TemporaryDirectory(prefix="bench-cityscale-") as tmp:
            store = str(Path(tmp) / "reports.sqlite")
            made = _one(ctx, "data_job", store, n, args.seed)
            print(f"{n:>8} {'(data)':<12} {made['seconds']:>7.1f}  generated, tokens cut, stored;"
                  f" peak {made['rss_mb']:.0f} MB", flush=True)
            run = partitioned(ctx, store, tmp, args.workers, max_size)
            peak = max([run["plan"]["rss_mb"], run["merge"]["rss_mb"]] + [p["rss_mb"] for p in run["parts"]])
            a, b, c = run["stages"]
            print(f"{n:>8} {'partitioned':<12} {run['total']:>7.1f} {a:>7.1f} {b:>9.1f} {c:>8.1f}"
                  f" {len(run['parts']):>5} {peak:>11.0f} {run['merge'].get('hotspots', '-'):>8}"
                  f"   (largest partition {run['plan']['largest']} incl. halo; halo {run['plan']['halo']};"
                  f" plan {run['plan']['rss_mb']:.0f} MB, merge {run['merge']['rss_mb']:.0f} MB;"
                  f" partition jobs {np.median([p['seconds'] for p in run['parts']]):.1f} s median)", flush=True)
            rows.append((n, run["total"]))
            if n <= args.baseline_max:
                single = _one(ctx, "baseline_job", store, tmp, args.baseline_memory_gb,
                              timeout=args.baseline_timeout)
                print(f"{n:>8} {'single':<12} {single['seconds']:>7.1f} {'':>7} {'':>9} {'':>8} {1:>5}"
                      f" {single['rss_mb']:>11.0f} {single.get('hotspots', '-'):>8}   {single.get('status', '')}",
                      flush=True)
            else:
                print(f"{n:>8} {'single':<12} not run (above --baseline-max {args.baseline_max})", flush=True)
            print(f"{n:>8} ARI: " + ", ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}"
                                              for k, v in _ari(store, Path(tmp)).items()),
                  flush=True)
    _growth(rows)


def _growth(rows: list) -> None:
    """Print the time ratio per size step and the exponent of a power-law fit."""
    for (n0, t0), (n1, t1) in zip(rows, rows[1:]):
        print(f"time x{t1 / t0:.2f} for reports x{n1 / n0:.2f} ({n0} -> {n1})")
    if len(rows) >= 2:
        slope = np.polyfit(np.log([r[0] for r in rows]), np.log([r[1] for r in rows]), 1)[0]
        print(f"fitted: time ~ n^{slope:.2f}")
    with open("/proc/loadavg") as f:
        print(f"load average after: {f.read().strip()}")


if __name__ == "__main__":
    main()
