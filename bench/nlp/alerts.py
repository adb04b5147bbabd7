"""python -m bench.nlp.alerts [--quick]: early warning on generated streams with planted outbreaks.

Thresholds are chosen on training seeds (the lowest whose false alerts stay within the target), then the
detector and a naive baseline (a fixed threshold on a rolling 24-hour grid × category count) are measured on
held-aside seeds: share of outbreaks detected, delay in reports and hours, false alerts per 10,000 ordinary
reports (after the warm-up).
"""

import argparse
import statistics
import sys
import time
from collections import defaultdict, deque
from dataclasses import replace

from bench.nlp.alerts_streams import stream
from nlp.alerts import Params, detect
from nlp.alerts.episodes import Episodes

TRAIN_SEEDS, TEST_SEEDS = (1, 2, 3), (101, 102, 103, 104)
TARGET_FALSE = 5.0  # false alerts per 10,000 ordinary reports allowed on the training seeds
GRID = (4.0, 4.5, 5.0, 5.5, 6.0, 6.5, 7.0, 8.0, 9.0, 10.0, 12.0)  # -log10 p thresholds tried
NAIVE_GRID = tuple(range(3, 21))  # rolling-count thresholds tried
NAIVE_WINDOW = 24.0
SLACK = 24.0  # an alert up to this many hours after an outbreak's last report still counts for it


def naive(reports, threshold: int, params: Params = Params()) -> list[dict]:
    """Alert when an area × category has `threshold` reports in 24 hours (same warm-up and de-duplication)."""
    recent, episodes, alerts = defaultdict(deque), Episodes(params.regrow, NAIVE_WINDOW), []
    start = reports[0].t if reports else 0.0
    for r in reports:
        if r.area is None:
            continue
        key = (r.area, r.category)
        q = recent[key]
        q.append(r.t)
        while q[0] <= r.t - NAIVE_WINDOW:
            q.popleft()
        if r.t - start < params.warmup_hours or len(q) < threshold:
            continue
        if episodes.fresh(key, r.t, lambda w, q=q, now=r.t: sum(1 for t in q if t > now - w)):
            episodes.raised(key, r.t, NAIVE_WINDOW, len(q))
            alerts.append({"kind": "area", "area": r.area, "category": r.category, "t": r.t})
    return alerts


def _alert_time(alert: dict, when: dict) -> float:
    """Return an alert's time in hours (from its trigger report)."""
    return alert["t"] if "t" in alert else when[alert["trigger_report_id"]]


def evaluate(reports, outbreaks, alerts, params: Params = Params()) -> dict:
    """Return detection, delays and false alerts of one run."""
    when = {r.id: r.t for r in reports}
    planted = {i for o in outbreaks for i in o.report_ids}
    start = reports[0].t
    ordinary = sum(1 for r in reports if r.id not in planted and r.t - start >= params.warmup_hours)
    first = {}
    false = 0
    for alert in alerts:
        t = _alert_time(alert, when)
        hits = [n for n, o in enumerate(outbreaks) if o.start <= t <= o.end + SLACK and (
            (alert["kind"] == "area" and (o.area, o.category) == (alert["area"], alert["category"]))
            or (alert["kind"] == "hotspot" and o.hotspot == alert["hotspot"]))]
        if not hits:
            false += 1
        for n in hits:
            first[n] = min(first.get(n, t), t)
    delays, hours, found = [], [], []
    for n, o in enumerate(outbreaks):
        if n in first:
            delays.append(sum(1 for i in o.report_ids if when[i] <= first[n]))
            hours.append(first[n] - o.start)
        found.append((o.size, o.ramp, n in first))
    return {"outbreaks": len(outbreaks), "detected": len(delays), "delays": delays, "hours": hours,
            "false": false, "ordinary": ordinary, "found": found}


def _pool(results: list[dict]) -> dict:
    """Return the figures of several runs together."""
    out = {"outbreaks": 0, "detected": 0, "delays": [], "hours": [], "false": 0, "ordinary": 0, "found": []}
    for r in results:
        for k in out:
            out[k] += r[k]
    return out


def _p90(values: list) -> float:
    """Return the 90th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, -(-9 * len(ordered) // 10) - 1))] if ordered else float("nan")


def _row(name: str, r: dict) -> str:
    """Format one line of the table."""
    per10k = 1e4 * r["false"] / max(r["ordinary"], 1)
    med = statistics.median(r["delays"]) if r["delays"] else float("nan")
    hmed = statistics.median(r["hours"]) if r["hours"] else float("nan")
    return (f"{name:<28} {r['detected']:>3}/{r['outbreaks']:<3} {100 * r['detected'] / max(r['outbreaks'], 1):>5.0f}% "
            f"{med:>7.1f} {_p90(r['delays']):>6.0f} {hmed:>8.1f} {_p90(r['hours']):>7.1f} {per10k:>9.2f}")


HEADER = f"{'':<28} {'detected':>9} {'share':>5} {'delay':>7} {'p90':>6} {'hours':>8} {'p90 h':>7} {'false/10k':>9}"


def _choose(runs, score_of, grid) -> tuple:
    """Return (the lowest threshold whose pooled false alerts meet the target, its pooled figures)."""
    chosen = None
    for value in grid:
        pooled = _pool([score_of(value, reps, obs) for reps, obs in runs])
        if 1e4 * pooled["false"] / max(pooled["ordinary"], 1) <= TARGET_FALSE:
            chosen = (value, pooled)
            break
    return chosen or (grid[-1], pooled)


def main(quick: bool = False) -> None:
    """Choose thresholds on the training seeds; print both methods on each held-aside seed and pooled."""
    weeks = 5 if quick else 8
    train = TRAIN_SEEDS[:2] if quick else TRAIN_SEEDS
    test = TEST_SEEDS[:2] if quick else TEST_SEEDS
    base = Params()
    started = time.perf_counter()
    print(f"== early warning: {weeks}-week streams, ~400 reports a day over 120 grids × 10 categories, "
          f"24 planted outbreaks a stream ==")
    train_runs = [stream(s, weeks=weeks) for s in train]

    def ours(value, reps, obs):
        p = replace(base, threshold=value, hotspot_threshold=value)
        return evaluate(reps, obs, detect(reps, p), p)

    def baseline(value, reps, obs):
        return evaluate(reps, obs, naive(reps, value, base), base)

    threshold, fit = _choose(train_runs, ours, GRID)
    naive_threshold, naive_fit = _choose(train_runs, baseline, NAIVE_GRID)
    print(f"training seeds {list(train)}: target <= {TARGET_FALSE:g} false alerts per 10,000 ordinary reports")
    print(HEADER)
    print(_row(f"detector, -log10 p >= {threshold:g}", fit))
    print(_row(f"naive, >= {naive_threshold} in 24 h", naive_fit))
    print(f"\nheld-aside seeds {list(test)}")
    print(HEADER)
    chosen = replace(base, threshold=threshold, hotspot_threshold=threshold)
    ours_all, naive_all = [], []
    for seed in test:
        reps, obs = stream(seed, weeks=weeks)
        ours_all.append(evaluate(reps, obs, detect(reps, chosen), chosen))
        naive_all.append(evaluate(reps, obs, naive(reps, naive_threshold, base), base))
        print(_row(f"seed {seed} detector", ours_all[-1]))
        print(_row(f"seed {seed} naive", naive_all[-1]))
    ours_pooled, naive_pooled = _pool(ours_all), _pool(naive_all)
    print(_row("all held-aside, detector", ours_pooled))
    print(_row("all held-aside, naive", naive_pooled))
    print("\ndetected share by outbreak size and ramp (held-aside; detector / naive)")
    for size in sorted({f[0] for f in ours_pooled["found"]}):
        cells = []
        for ramp in ("burst", "ramp", "slow"):
            a = [d for s, r, d in ours_pooled["found"] if s == size and r == ramp]
            b = [d for s, r, d in naive_pooled["found"] if s == size and r == ramp]
            cells.append(f"{ramp} {sum(a)}/{len(a)} vs {sum(b)}/{len(b)}")
        print(f"  size {size:>2}: " + "; ".join(cells))
    print(f"({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.nlp.alerts", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5-week streams, two training and two held-aside seeds")
    main(parser.parse_args().quick)
    sys.exit(0)
