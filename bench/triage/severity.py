"""Severity benchmark: per-band accuracy on the labelled reports and the I/II share on real complaints.

python -m bench.triage.severity [--part PART|all|every] [--complaints FILE.csv ...]
                                [--sample N]

Prints, in one run, three graders side by side: the first rules (triage.severity_rules_v1), the clause rules alone
(triage.severity.rules_grade) and the clause rules with the learned detectors (triage.severity.grade). The labelled
reports are triage/data/severity/PART.jsonl, every part that triage.severity_learn names (its TRAIN_PARTS, then the
HELD_ASIDE ones, holdout4, holdout8, holdout9 and holdout10). A report of a training part is graded by detectors trained without it
(out-of-fold, bench.triage.severity_cv, without the trainer's complaint cap), a report of a held-aside part, never
trained on, by the shipped ones.
`every` prints each part. Real citizen complaints come from CSV files with a text column (the TipDM
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

from triage import severity, severity_detector, severity_learn, severity_rules_v1, table
from triage.taxonomy import load_default

from .severity_cv import out_of_fold

DATA = Path(__file__).resolve().parents[2] / "triage" / "data" / "severity"
# The levels each band accepts (1 = I ... 4 = IV).
BANDS = {
    "serious": ("serious (I–II)", {1, 2}),
    "moderate": ("moderate (II–III)", {2, 3}),
    "minor": ("minor (III–IV)", {3, 4}),
    "negated": ("danger words negated/past/drill/sign (III–IV)", {3, 4}),
    "ordinary": ("ordinary complaints (III–IV)", {3, 4}),
}
GRADERS = ("rules v1", "clause rules", "rules+learned")
PARTS = severity_learn.TRAIN_PARTS + severity_learn.HELD_ASIDE  # the trainer's list of parts, not a copy of it


def load(part: str) -> list[dict]:
    """Return the labelled reports of a part (see ``PARTS``), or all (dev and final)."""
    parts = ("dev", "final") if part == "all" else (part,)
    rows = []
    for name in parts:
        with open(DATA / f"{name}.jsonl", encoding="utf-8") as f:
            rows += [json.loads(line) for line in f if line.strip()]
    return rows


def grade_all(rows: list[dict], detectors_of=None) -> dict[str, list[int]]:
    """Return the level each grader gives each row (its category looked up in the default taxonomy).

    detectors_of maps a row id to the detectors that never saw it; rows it lacks get the shipped detectors.
    """
    taxonomy = load_default()
    shipped = severity_detector.default()
    out = {name: [] for name in GRADERS}
    for r in rows:
        category = taxonomy.subcategory(r["category"]) if r.get("category") else None
        reporters = int(r.get("reporters") or 1)
        out["rules v1"].append(severity_rules_v1.grade(r["text"], category, reporters=reporters)[0])
        judged = severity.assess(r["text"], category, reporters)
        out["clause rules"].append(judged.level)
        detectors = (detectors_of or {}).get(r["id"], shipped)
        out["rules+learned"].append(severity.learned(judged, r["text"], detectors).level)
    return out


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
    try:
        texts = [t for t in severity_learn.complaint_texts(paths) if t.strip()]
    except table.TableError as exc:
        raise SystemExit(str(exc)) from None
    random.Random(seed).shuffle(texts)
    return texts[:sample] if sample else texts


def distribution(texts: list[str]) -> dict[str, Counter]:
    """Return how many texts each grader puts at each level (no category: the text alone)."""
    shipped = severity_detector.default()
    out = {name: Counter() for name in GRADERS}
    for t in texts:
        out["rules v1"][severity_rules_v1.grade(t, None)[0]] += 1
        judged = severity.assess(t, None)
        out["clause rules"][judged.level] += 1
        out["rules+learned"][severity.learned(judged, t, shipped).level] += 1
    return out


def _pct(right: int, total: int) -> str:
    return f"{right}/{total} = {right / total:6.1%}" if total else "—"


def part_lines(part: str, rows: list[dict], levels: dict[str, list[int]]) -> list[str]:
    """Return the printed lines of one part: per band and exact level, for every grader."""
    how = "out-of-fold detectors" if part in severity_learn.TRAIN_PARTS else "shipped detectors, never trained on"
    lines = [f"severity: {len(rows)} labelled reports ({part}; {how}); a band counts a level in its range as right"]
    scored = {name: band_scores(rows, levels[name]) for name in GRADERS}
    lines.append(f"  {'band':48s}" + "".join(f"{name:>20s}" for name in GRADERS))
    for band, (label, _) in BANDS.items():
        lines.append(f"  {label:48s}" + "".join(f"{_pct(*scored[n]['bands'][band]):>20s}" for n in GRADERS))
    lines.append(f"  {'exact level (all bands)':48s}" + "".join(f"{_pct(*scored[n]['exact']):>20s}" for n in GRADERS))
    return lines


def report(part: str, paths: list[str], sample: int) -> list[str]:
    """Return the printed lines: every grader, per band, and the I/II share on real complaints."""
    names = PARTS if part == "every" else (part,)
    needs_cv = any(n in severity_learn.TRAIN_PARTS or n == "all" for n in names)
    detectors_of = out_of_fold(severity_learn.read(severity_learn.TRAIN_PARTS)) if needs_cv else {}
    lines = []
    for name in names:
        rows = load(name)
        lines += part_lines(name, rows, grade_all(rows, detectors_of))
    if paths:
        texts = complaints(paths, sample)
        lines.append(f"  real citizen complaints ({len(texts)} sampled messages), level distribution and I/II share:")
        for name, dist in distribution(texts).items():
            share = (dist[1] + dist[2]) / len(texts)
            spread = "  ".join(f"{severity.ROMAN[lv]}:{dist[lv]}" for lv in (1, 2, 3, 4))
            lines.append(f"    {name:14s} {spread}   I or II: {share:6.1%}")
    else:
        lines.append("  real citizen complaints: skipped (pass --complaints FILE.csv or set BENCH_SEVERITY_COMPLAINTS)")
    return lines


def parse(argv):
    """Return the parsed command line."""
    p = argparse.ArgumentParser(prog="python -m bench.triage.severity", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--part", choices=(*PARTS, "all", "every"), default=os.environ.get("BENCH_SEVERITY_PART", "every"),
                   help="labelled part to score (holdout4, holdout8 to holdout10 are the held-aside checks; env BENCH_SEVERITY_PART, "
                        "default every part)")
    env = os.environ.get("BENCH_SEVERITY_COMPLAINTS", "")
    p.add_argument("--complaints", action="append", default=[p for p in env.split(os.pathsep) if p],
                   help="CSV of real citizen complaints (repeatable; env BENCH_SEVERITY_COMPLAINTS)")
    p.add_argument("--sample", type=int, default=1000, help="complaints sampled (0 = all; default 1000)")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Print the severity figures of every grader."""
    args = parse(argv)
    for line in report(args.part, args.complaints, args.sample):
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
