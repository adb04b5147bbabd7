"""Full hotspot clustering at 1k, 10k and 100k reports: `gridwatch nlp cluster` against plain TF-IDF + HDBSCAN.

Both run as child processes on the same synthetic reports (tests/data/hotspots/synthetic.py: incidents
over a city and two weeks, 70% of reports in incidents, 90% located). Printed per run: wall time,
peak memory (the largest process, from wait4, and the summed process tree, sampled from /proc), the
number of hotspots and the ARI against the true incidents (noise and singletons as clusters of their
own). Targets at 100k: <= 60 s and <= 4 GB.
"""

import json
import sys
import tempfile
from pathlib import Path

from bench.nlp.measure import measure

ROOT = Path(__file__).resolve().parents[2]
SIZES, QUICK_SIZES = (1_000, 10_000, 100_000), (1_000, 10_000)
TIMEOUT = {"gridwatch": 600, "baseline": 240}
BASELINE_MEMORY_GB = 8  # the baseline's n x n matrix is refused beyond this, not allowed to swamp the host


def write_input(path: Path, n: int) -> list:
    """Write n synthetic reports as the CLI's input; return their true incidents."""
    from tests.data.hotspots.synthetic import synthetic

    reports = synthetic(n, seed=1)
    with open(path, "w", encoding="utf-8") as f:
        for r in reports:
            f.write(json.dumps({k: v for k, v in r.items() if k != "incident"}, ensure_ascii=False) + "\n")
    return [r["incident"] for r in reports]


def quality(path: Path, truth: list) -> tuple[int, float]:
    """Return (hotspots, ARI) of an output file against the true incidents."""
    from sklearn.metrics import adjusted_rand_score

    with open(path, encoding="utf-8") as f:
        found = [json.loads(line)["hotspot"] for line in f]
    labels = [h if h is not None else f"noise-{i}" for i, h in enumerate(found)]
    true = [t if t is not None else f"single-{i}" for i, t in enumerate(truth)]
    return len({h for h in found if h is not None}), adjusted_rand_score(true, labels)


def commands(src: Path, tmp: Path) -> dict:
    """Return the two commands to compare; each writes its output as the last argument."""
    stem = src.stem
    return {
        "gridwatch": [sys.executable, "-m", "nlp.cli", "cluster", str(src), "-o", str(tmp / f"{stem}-gw.jsonl")],
        "baseline": [sys.executable, "-m", "bench.nlp.cluster_baseline", str(src), str(tmp / f"{stem}-base.jsonl")],
    }


def main(quick: bool = False) -> None:
    """Print the clustering table."""
    print("== hotspot clustering: gridwatch nlp cluster vs plain jieba + TF-IDF + HDBSCAN (cosine) ==")
    print(f"{'reports':>8}  {'method':<10} {'status':<8} {'wall s':>7} {'max RSS MB':>11} {'tree MB':>8}"
          f" {'hotspots':>9} {'ARI':>6}")
    results = {}
    with tempfile.TemporaryDirectory(prefix="bench-cluster-") as tmp:
        for n in QUICK_SIZES if quick else SIZES:
            src = Path(tmp) / f"reports-{n}.jsonl"
            truth = write_input(src, n)
            for name, cmd in commands(src, Path(tmp)).items():
                dst = Path(cmd[-1])
                run = measure(cmd, TIMEOUT[name], cwd=ROOT,
                              memory_limit_gb=BASELINE_MEMORY_GB if name == "baseline" else None)
                status = run.status
                if status.startswith("failed") and "MemoryError" in run.stderr:
                    status = "no memory"
                hotspots, ari = quality(dst, truth) if run.status == "ok" else (None, None)
                results[(n, name)] = run
                print(f"{n:>8}  {name:<10} {status:<8} {run.seconds:>7.1f} {run.max_rss_mb:>11.0f}"
                      f" {run.tree_rss_mb:>8.0f} {hotspots if hotspots is not None else '-':>9}"
                      f" {f'{ari:.3f}' if ari is not None else '-':>6}", flush=True)
    big = results.get((100_000, "gridwatch"))
    if big is not None:
        ok = big.status == "ok" and big.seconds <= 60 and max(big.max_rss_mb, big.tree_rss_mb) <= 4096
        print(f"target at 100k (<= 60 s, <= 4 GB): {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
