"""Severity benchmark: per-band accuracy on the labelled reports and the I/II share on real complaints.

python -m bench.triage.severity [--part dev|final|holdout2|all] [--complaints FILE.csv ...] [--sample N]

Prints the judgement (triage.severity) beside the first rules (triage.severity_rules_v1) in one run.
The labelled reports are triage/data/severity/{dev,final}.jsonl; `final` is the held-aside part,
for the last check only. Real citizen complaints come from CSV files with a text column (the TipDM
message-board files: `routing_dev_raw.csv` has title,text; `hotspot_messages.csv` has 留言主题,留言详情),
given with --complaints or BENCH_SEVERITY_COMPLAINTS (paths separated by the OS path separator);
without them the hotline figure is skipped.
"""
import argparse
import json
import os
import random
from collections import Counter
from pathlib import Path

from triage import severity, severity_rules_v1, table
from triage.taxonomy import load_default

DATA = Path(__file__).resolve().parents[2] / "triage" / "data" / "severity"
# The levels each band accepts (1 = I ... 4 = IV).
BANDS = {
    "serious": ("serious (I–II)", {1, 2}),
    "moderate": ("moderate (II–III)", {2, 3}),
    "minor": ("minor (III–IV)", {3, 4}),
    "negated": ("danger words negated/past/drill/sign (III–IV)", {3, 4}),
    "ordinary": ("ordinary complaints (III–IV)", {3, 4}),
}
GRADERS = {"rules v1": severity_rules_v1.grade, "judgement": severity.grade}
TEXT_COLUMNS = ("title,text", "留言主题,留言详情", "text")


def load(part: str) -> list[dict]:
    """Return the labelled reports of a part: dev, final or all."""
    parts = ("dev", "final") if part == "all" else (part,)
    rows = []
    for name in parts:
        with open(DATA / f"{name}.jsonl", encoding="utf-8") as f:
            rows += [json.loads(line) for line in f if line.strip()]
    return rows


def grade_all(grader, rows: list[dict]) -> list[int]:
    """Return the level grader gives each row (its category looked up in the default taxonomy)."""
    taxonomy = load_default()
    return [grader(r["text"], taxonomy.subcategory(r["category"]) if r.get("category") else None,
                   reporters=int(r.get("reporters") or 1))[0] for r in rows]


def band_scores(rows: list[dict], levels: list[int]) -> dict:
    """Return, per band, (right, total) and the exact-level agreement over all rows."""
    out = {band: [0, 0] for band in BANDS}
    for row, level in zip(rows, levels):
        out[row["band"]][1] += 1
        out[row["band"]][0] += level in BANDS[row["band"]][1]
    exact = sum(level == row["level"] for row, level in zip(rows, levels))
    return {"bands": {b: tuple(v) for b, v in out.items()}, "exact": (exact, len(rows))}


def complaints(paths: list[str], sample: int, seed: int = 17) -> list[str]:
    """Return a random sample of complaint texts from CSV files (title and body joined when both exist)."""
    texts = []
    for path in paths:
        header, rows = table.read_rows(path)
        for spec in TEXT_COLUMNS:
            if all(c in header for c in spec.split(",")):
                texts += table.texts(rows, spec.split(","))
                break
        else:
            raise SystemExit(f"{path}: no text column among {', '.join(TEXT_COLUMNS)}")
    texts = [t for t in texts if t.strip()]
    random.Random(seed).shuffle(texts)
    return texts[:sample] if sample else texts


def distribution(grader, texts: list[str]) -> Counter:
    """Return how many texts grader puts at each level (no category: the text alone)."""
    return Counter(grader(t, None)[0] for t in texts)


def _pct(right: int, total: int) -> str:
    return f"{right}/{total} = {right / total:6.1%}" if total else "—"


def report(part: str, paths: list[str], sample: int) -> list[str]:
    """Return the printed lines: both graders, per band, and the I/II share on real complaints."""
    rows = load(part)
    lines = [f"severity: {len(rows)} labelled reports ({part}); a band counts a level in its range as right"]
    scored = {name: band_scores(rows, grade_all(g, rows)) for name, g in GRADERS.items()}
    lines.append(f"  {'band':48s}" + "".join(f"{name:>20s}" for name in GRADERS))
    for band, (label, _) in BANDS.items():
        lines.append(f"  {label:48s}" + "".join(f"{_pct(*scored[n]['bands'][band]):>20s}" for n in GRADERS))
    lines.append(f"  {'exact level (all bands)':48s}" + "".join(f"{_pct(*scored[n]['exact']):>20s}" for n in GRADERS))
    if paths:
        texts = complaints(paths, sample)
        lines.append(f"  real citizen complaints ({len(texts)} sampled messages), level distribution and I/II share:")
        for name, grader in GRADERS.items():
            dist = distribution(grader, texts)
            share = (dist[1] + dist[2]) / len(texts)
            spread = "  ".join(f"{severity.ROMAN[lv]}:{dist[lv]}" for lv in (1, 2, 3, 4))
            lines.append(f"    {name:12s} {spread}   I or II: {share:6.1%}")
    else:
        lines.append("  real citizen complaints: skipped (pass --complaints FILE.csv or set BENCH_SEVERITY_COMPLAINTS)")
    return lines


def parse(argv):
    """Return the parsed command line."""
    p = argparse.ArgumentParser(prog="python -m bench.triage.severity", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--part", choices=("dev", "final", "holdout2", "all"), default=os.environ.get("BENCH_SEVERITY_PART", "dev"),
                   help="labelled part to score (final is the held-aside check; env BENCH_SEVERITY_PART, default dev)")
    env = os.environ.get("BENCH_SEVERITY_COMPLAINTS", "")
    p.add_argument("--complaints", action="append", default=[p for p in env.split(os.pathsep) if p],
                   help="CSV of real citizen complaints (repeatable; env BENCH_SEVERITY_COMPLAINTS)")
    p.add_argument("--sample", type=int, default=1000, help="complaints sampled (0 = all; default 1000)")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Print the severity figures of both graders."""
    args = parse(argv)
    for line in report(args.part, args.complaints, args.sample):
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
