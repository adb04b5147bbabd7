"""python -m bench.caselib [--cases 100000] [--queries 1000] [--k 10]: similar-case lookups beside a baseline."""

import argparse
import time
from pathlib import Path

import numpy as np

from bench.caselib.corpus import cases
from bench.caselib.baseline import BruteBaseline
from nlp.similar import CaseIndex, CaseRow, Weights
from nlp.similar.vectors import encode_row, term_rows

TARGET_P95_MS = 50.0


def _pct(values_ms: list[float]) -> str:
    """p50/p95/p99 of timings in ms."""
    p50, p95, p99 = np.percentile(values_ms, [50, 95, 99])
    return f"p50 {p50:6.2f}  p95 {p95:6.2f}  p99 {p99:6.2f} ms"


def _precision(results: list[list[int]], queries, by_id: dict) -> tuple[float, float]:
    """Share of returned cases naming the query's hazard, and share within 1 km of it."""
    same = near = total = 0
    for ids, q in zip(results, queries):
        for i in ids:
            c = by_id[i]
            total += 1
            same += c.category == q.category
            near += _km(c, q) <= 1.0
    return same / max(total, 1), near / max(total, 1)


def _km(a, b) -> float:
    """Rough distance in km between two cases."""
    return float(np.hypot((a.lat - b.lat) * 110.57, (a.lon - b.lon) * 111.32 * np.cos(np.radians(a.lat))))


def _run(index, queries, k: int) -> tuple[list[float], list[list[int]]]:
    """Time index.search over the queries (one untimed first); return the timings in ms and the ids found."""
    q = queries[0]
    index.search(q.text, category=q.category, lat=q.lat, lon=q.lon, k=k)
    ms, ids = [], []
    for q in queries:
        t = time.perf_counter()
        found = index.search(q.text, category=q.category, lat=q.lat, lon=q.lon, k=k)
        ms.append(1000 * (time.perf_counter() - t))
        ids.append([m.id for m in found])
    return ms, ids


def main(argv=None) -> int:
    """Generate, store, load, build, query; print the figures of both contenders."""
    parser = argparse.ArgumentParser(prog="python -m bench.caselib", description=__doc__)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--baseline-queries", type=int, default=None,
                        help="time the baseline on the first N queries only (default: all; it is slow)")
    args = parser.parse_args(argv)
    print("loadavg:", Path("/proc/loadavg").read_text().strip(), flush=True)
    closed = cases(args.cases, seed=2026)
    queries = cases(args.queries, seed=4242, first_id=10 ** 9, model_share=0)
    by_id = {c.id: c for c in closed}
    print(f"{len(closed):,} closed cases, {len(queries):,} queries, top {args.k}", flush=True)

    t0 = time.perf_counter()
    tf = term_rows([c.text for c in closed])
    blobs = [encode_row(tf, i) for i in range(len(closed))]
    vec_s = time.perf_counter() - t0
    print(f"vectors (what closing a case stores): {vec_s:.1f} s in all, {1e6 * vec_s / len(closed):.0f} us per case, "
          f"{sum(map(len, blobs)) / len(blobs):.0f} bytes per case", flush=True)

    t0 = time.perf_counter()
    index = CaseIndex([CaseRow(c.id, b, c.category, c.lat, c.lon, c.model) for c, b in zip(closed, blobs)])
    build_s = time.perf_counter() - t0
    print(f"ours: index built from stored vectors in {build_s:.2f} s (a new process loads, nothing is fitted)",
          flush=True)
    ours_ms, ours_ids = _run(index, queries, args.k)
    index.weights = Weights(text=1.0, category=0.0, place=0.0)
    text_ms, text_ids = _run(index, queries, args.k)

    t0 = time.perf_counter()
    base = BruteBaseline([c.text for c in closed], [c.id for c in closed])
    base_build = time.perf_counter() - t0
    base.search(queries[0].text, args.k)
    base_ms, base_ids = [], []
    base_queries = queries[:args.baseline_queries] if args.baseline_queries else queries
    for q in base_queries:
        t = time.perf_counter()
        base_ids.append(base.search(q.text, args.k))
        base_ms.append(1000 * (time.perf_counter() - t))

    print()
    print(f"{'':48} {'query latency (text in, top k out)':40}  same hazard  within 1 km")
    if len(base_queries) < len(queries):
        print(f"(the baseline on the first {len(base_queries):,} queries only)")
    for name, build, ms, ids in [
        ("baseline: TF-IDF fit + NearestNeighbors brute cosine", base_build, base_ms, base_ids),
        ("ours, text cosine only (same index, weights 1/0/0)", build_s, text_ms, text_ids),
        ("ours: stored vectors, inverted index, combined score", build_s, ours_ms, ours_ids),
    ]:
        same, near = _precision(ids, queries, by_id)
        print(f"{name:55} build {build:5.1f} s  {_pct(ms)}   {same:6.1%}   {near:6.1%}")
    p95 = float(np.percentile(ours_ms, 95))
    print(f"\nours p95 {p95:.2f} ms against the target {TARGET_P95_MS:.0f} ms: "
          f"{'met' if p95 <= TARGET_P95_MS else 'NOT met'}")
    print("loadavg:", Path("/proc/loadavg").read_text().strip())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
