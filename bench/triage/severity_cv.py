"""Out-of-fold severity detectors, and the repeated stratified cross-validation that chooses their settings.

The training pool is every labelled part but the held-aside ones (triage.severity_learn.TRAIN_PARTS). It is cut into
stratified folds by band; for each fold, triage.severity_learn.train fits both detectors on the other folds and
chooses their thresholds by an inner cross-validation there. A report of the pool is then graded with the
detectors of its own fold; a held-aside report (holdout4) with the shipped detectors, trained on the whole pool.

python -m bench.triage.severity_cv [--repeats 3] [--folds 5] [--grid C=0.5,2,8 longest=3,4 false_rate=0.02,0.04]
prints, for each setting, the whole judgement's (clause rules + detectors) per-band accuracy out of fold, mean ± spread
(standard deviation over the repeats), and the share of minor, negated and ordinary reports it puts at level I or II.
The clause rules alone are printed first, as the baseline of the same run. The held-aside set is never read.
With --complaints CSV (as the trainer's option) each fold's notable threshold is capped by those complaints too;
grid keys also take complaint_rate.

With --by-writer the folds are the writers instead: each part of triage.severity_learn.BLIND_PARTS (written blind,
one writer each) is graded by detectors trained on every other training part, the in-house parts likewise as one
group. It prints the blind parts pooled and the worst of them per band: a report is then judged by detectors that
never saw its writer's way of saying things, which random folds cannot promise (they ran ten points above the
first looks at fresh sets). The clause rules were mended on every training part's misses, so their share of
these figures stays optimistic; only a held-aside set measures them.
"""
import argparse
import itertools
import statistics
import time

from sklearn.model_selection import StratifiedKFold

from triage import severity, severity_learn
from triage.taxonomy import load_default

FOLDS = 5
BANDS = {"serious": {1, 2}, "moderate": {2, 3}, "minor": {3, 4}, "negated": {3, 4}, "ordinary": {3, 4}}
CALM = ("minor", "negated", "ordinary")  # bands where level I or II is a false alarm


def out_of_fold(pool: list[dict], folds: int = FOLDS, seed: int = 0, **settings) -> dict:
    """Return, for each report id of the pool, the detectors trained without its fold."""
    if len({r["id"] for r in pool}) != len(pool):
        raise ValueError("report ids repeat in the pool: a report would be scored by another's detectors")
    bands = [r["band"] for r in pool]
    by_id = {}
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=seed).split(pool, bands):
        detectors = severity_learn.train([pool[i] for i in train], seed=seed, **settings)
        for i in test:
            by_id[pool[i]["id"]] = detectors
    return by_id


def judged_rules(pool: list[dict]) -> dict:
    """Return the clause rules' judgement of every report (they do not depend on the folds)."""
    taxonomy = load_default()
    out = {}
    for r in pool:
        category = taxonomy.subcategory(r["category"]) if r.get("category") else None
        out[r["id"]] = severity.assess(r["text"], category, int(r.get("reporters") or 1))
    return out


def scores(pool: list[dict], levels: dict) -> dict:
    """Return per-band accuracy and the share of calm reports at level I or II."""
    out = {}
    for band, ok in BANDS.items():
        rows = [r for r in pool if r["band"] == band]
        out[band] = sum(levels[r["id"]] in ok for r in rows) / len(rows)
    calm = [r for r in pool if r["band"] in CALM]
    out["calm at I/II"] = sum(levels[r["id"]] <= 2 for r in calm) / len(calm)
    return out


def cross_validate(pool: list[dict], rules: dict, repeats: int, folds: int, **settings) -> list[dict]:
    """Return the scores of each repeat (a fresh stratified split per repeat)."""
    out = []
    for seed in range(repeats):
        detectors_of = out_of_fold(pool, folds, seed, **settings)
        levels = {r["id"]: severity.learned(rules[r["id"]], r["text"], detectors_of[r["id"]]).level for r in pool}
        out.append(scores(pool, levels))
    return out


def writer_groups() -> dict[str, list[dict]]:
    """Return the training reports by writer: each blind part alone, the in-house parts together."""
    groups: dict[str, list[dict]] = {}
    for name in severity_learn.TRAIN_PARTS:
        writer = name if name in severity_learn.BLIND_PARTS else "in-house"
        groups.setdefault(writer, []).extend(severity_learn.read((name,)))
    return groups


def by_writer(groups: dict[str, list[dict]], rules: dict, **settings) -> dict[str, dict]:
    """Return the scores of each writer's reports, graded by detectors trained on all the other writers'."""
    out = {}
    for name, rows in groups.items():
        detectors = severity_learn.train([r for other, g in groups.items() if other != name for r in g], **settings)
        out[name] = {r["id"]: severity.learned(rules[r["id"]], r["text"], detectors).level for r in rows}
    return out


def writer_line(label: str, groups: dict[str, list[dict]], levels: dict[str, dict]) -> str:
    """Return one printed row: the blind parts pooled per band, and the worst blind part in brackets."""
    blind = [n for n in groups if n != "in-house"]
    pooled = scores([r for n in blind for r in groups[n]], {i: v for n in blind for i, v in levels[n].items()})
    each = [scores(groups[n], levels[n]) for n in blind]
    cells = []
    for key in (*BANDS, "calm at I/II"):
        worst = (max if key == "calm at I/II" else min)(run[key] for run in each)
        cells.append(f"{pooled[key]:6.1%} ({worst:4.0%})")
    return f"  {label:34s}" + "".join(f"{c:>17s}" for c in cells)


def line(label: str, runs: list[dict]) -> str:
    """Return one printed row: mean ± spread per band."""
    cells = []
    for key in (*BANDS, "calm at I/II"):
        values = [run[key] for run in runs]
        spread = statistics.stdev(values) if len(values) > 1 else 0.0
        cells.append(f"{statistics.mean(values):6.1%} ± {spread:4.1%}")
    return f"  {label:34s}" + "".join(f"{c:>17s}" for c in cells)


def main(argv: list[str] | None = None) -> int:
    """Print the out-of-fold figures of the clause rules and of each setting of the detectors."""
    p = argparse.ArgumentParser(prog="python -m bench.triage.severity_cv", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--folds", type=int, default=FOLDS)
    p.add_argument("--grid", nargs="*", default=["C=0.5,2,8", "longest=3,4", "false_rate=0.02,0.04"])
    p.add_argument("--by-writer", action="store_true", help="leave one writer out instead of random folds")
    p.add_argument("--complaints", action="append", default=[],
                   help="CSV of ordinary citizen complaints that cap the notable threshold, as the trainer's option")
    args = p.parse_args(argv)
    capped = {"complaints": severity_learn.read_complaints(args.complaints)} if args.complaints else {}
    grid = {k: [float(v) if k in ("false_rate", "notable_rate", "complaint_rate") else type(getattr(severity_learn, k.upper()))(v)
                for v in vs.split(",")] for k, vs in (g.split("=") for g in args.grid)}
    groups = writer_groups() if args.by_writer else {}
    pool = [r for g in groups.values() for r in g] or severity_learn.read(severity_learn.TRAIN_PARTS)
    rules = judged_rules(pool)
    if args.by_writer:
        print(f"severity CV by writer: {len(pool)} training reports, {len(groups) - 1} blind writers held out one at "
              f"a time ({', '.join(n for n in groups if n != 'in-house')}) and the in-house parts; band accuracy of "
              "the blind parts pooled (worst part)")
        print(f"  {'setting':34s}" + "".join(f"{k:>17s}" for k in (*BANDS, "calm at I/II")))
        plain = {n: {r["id"]: rules[r["id"]].level for r in g} for n, g in groups.items()}
        print(writer_line("clause rules alone", groups, plain))
        for values in itertools.product(*grid.values()):
            settings = {k.lower(): v for k, v in zip(grid, values)} | capped
            start = time.monotonic()
            label = " ".join(f"{k}={v}" for k, v in zip(grid, values))
            print(writer_line(label, groups, by_writer(groups, rules, **settings))
                  + f"   ({time.monotonic() - start:.0f} s)", flush=True)
        return 0
    print(f"severity CV: {len(pool)} training reports ({', '.join(severity_learn.TRAIN_PARTS)}), "
          f"{args.repeats} × {args.folds} stratified folds; band accuracy out of fold, mean ± spread")
    print(f"  {'setting':34s}" + "".join(f"{k:>17s}" for k in (*BANDS, "calm at I/II")))
    print(line("clause rules alone", [scores(pool, {i: j.level for i, j in rules.items()})]))
    for values in itertools.product(*grid.values()):
        settings = {k.lower(): v for k, v in zip(grid, values)} | capped
        start = time.monotonic()
        runs = cross_validate(pool, rules, args.repeats, args.folds, **settings)
        label = " ".join(f"{k}={v}" for k, v in zip(grid, values))
        print(line(label, runs) + f"   ({time.monotonic() - start:.0f} s)", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
