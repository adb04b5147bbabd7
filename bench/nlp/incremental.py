"""Incremental assignment of one new report to a hotspot state built from 10k reports, against re-clustering.

The state is built (cluster + build_state) from the first 10k synthetic reports; the next reports in
time are then assigned one by one, each from its raw text (segmentation included). The baseline is
what the server would do without incremental assignment: re-cluster the window with the new report.
Target: p50 <= 20 ms per report.
"""

import statistics
import time

SIZE, QUICK_SIZE = 10_000, 2_000
NEW, QUICK_NEW = 300, 60
TARGET_MS = 20.0


def _percentile(values: list[float], q: float) -> float:
    """Return the q-th percentile (0-100) of values."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def main(quick: bool = False) -> None:
    """Print assignment latency and the re-clustering time it replaces."""
    from nlp.hotspots import assign, build_state, cluster
    from nlp.segment import default_segmenter
    from tests.data.hotspots.synthetic import synthetic

    size, new = (QUICK_SIZE, QUICK_NEW) if quick else (SIZE, NEW)
    reports = synthetic(size + new, seed=2)
    window = [{k: v for k, v in r.items() if k != "incident"} for r in reports[:size]]
    incoming = [{k: v for k, v in r.items() if k != "incident"} for r in reports[size:]]
    default_segmenter().cut("预热")  # load the dictionary outside the timings
    print(f"== incremental assignment: one new report against a state of {size} reports ==")
    start = time.perf_counter()
    hotspots = cluster(window)
    clustered = time.perf_counter() - start
    start = time.perf_counter()
    state = build_state(window, hotspots)
    built = time.perf_counter() - start
    latencies, assigned = [], 0
    for doc in incoming:
        start = time.perf_counter()
        found = assign(doc, state)
        latencies.append((time.perf_counter() - start) * 1000)
        assigned += found is not None
    start = time.perf_counter()
    cluster(window + incoming[:1])
    recluster = time.perf_counter() - start
    p50, p99 = statistics.median(latencies), _percentile(latencies, 99)
    print(f"state: {len(hotspots)} hotspots from {size} reports; "
          f"clustering {clustered:.1f} s, build_state {built:.1f} s")
    print(f"{'method':<34} {'p50 ms':>8} {'p99 ms':>8}")
    print(f"{'assign() one report (incl. jieba)':<34} {p50:>8.1f} {p99:>8.1f}")
    print(f"{'full re-cluster with the report':<34} {recluster * 1000:>8.0f} {recluster * 1000:>8.0f}")
    print(f"{assigned} of {len(incoming)} new reports joined a hotspot; "
          f"speed-up x{recluster * 1000 / p50:.0f}; target p50 <= {TARGET_MS:.0f} ms: "
          f"{'met' if p50 <= TARGET_MS else 'NOT met'}")


if __name__ == "__main__":
    import sys

    main(quick="--quick" in sys.argv)
