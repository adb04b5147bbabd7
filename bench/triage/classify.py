"""Classifier benchmark: GridWatch's learned model beside plain jieba + TF-IDF + LinearSVC."""
import argparse
import os
import time

from triage import learn, table
from triage.evaluation import scores

from .baseline import Baseline
from .crossval import summary, timed_cv

THRESHOLDS = (0.5, 0.7, 0.9)


def read(path: str, text_col: str, label_col: str) -> tuple[list[str], list[str]]:
    """Return the texts and labels of the labelled rows of a CSV file."""
    header, rows = table.read_rows(path)
    texts = table.texts(rows, table.columns(text_col, header, path, "text column"))
    label = table.columns(label_col, header, path, "label column")[0]
    pairs = [(t, (row.get(label) or "").strip()) for t, row in zip(texts, rows)]
    pairs = [(t, lab) for t, lab in pairs if lab]
    return [t for t, _ in pairs], [lab for _, lab in pairs]


def timed(fn, *args):
    """Return fn(*args) and the seconds it took."""
    start = time.perf_counter()
    result = fn(*args)
    return result, time.perf_counter() - start


def coverage_lines(truth: list[str], ranked: list[tuple[str, float]]) -> list[str]:
    """Return, per confidence threshold, the share routed automatically and its accuracy."""
    lines = []
    for threshold in THRESHOLDS:
        kept = [(lab, t) for (lab, conf), t in zip(ranked, truth) if conf >= threshold]
        acc = sum(lab == t for lab, t in kept) / len(kept) if kept else 0.0
        lines.append(f"  confidence >= {threshold:.1f}: {len(kept) / len(truth):6.1%} of messages routed "
                     f"automatically, accuracy {acc:.4f}; the rest go to manual dispatch")
    return lines


def parse(argv):
    """Return the parsed command line."""
    p = argparse.ArgumentParser(prog="python -m bench.triage", description=__doc__)
    p.add_argument("--train", default=os.environ.get("BENCH_TRIAGE_TRAIN"),
                   help="labelled training CSV (env BENCH_TRIAGE_TRAIN)")
    p.add_argument("--dev", default=os.environ.get("BENCH_TRIAGE_DEV"),
                   help="labelled raw messages to score (env BENCH_TRIAGE_DEV)")
    p.add_argument("--text-col", default="text", help="text column(s) of the training file")
    p.add_argument("--label-col", default="label", help="label column of both files")
    p.add_argument("--dev-text-col", action="append",
                   help="text column(s) of the dev file; repeat to score several (default: title,text and text)")
    p.add_argument("--folds", type=int, default=5,
                   help="cross-validate both models with N stratified folds on the training file (0: skip)")
    p.add_argument("--repeats", type=int, default=3, help="repeat the cross-validation with this many shuffles")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Cross-validate both models on the training file, then train them once and score the dev file."""
    args = parse(argv)
    if not args.train or not args.dev:
        print("give --train and --dev (or BENCH_TRIAGE_TRAIN and BENCH_TRIAGE_DEV)")
        return 2
    try:
        train_x, train_y = read(args.train, args.text_col, args.label_col)
        dev_header, _ = table.read_rows(args.dev)
        specs = args.dev_text_col or [s for s in ("title,text", "text") if set(s.split(",")) <= set(dev_header)]
        devs = {spec: read(args.dev, spec, args.label_col) for spec in specs}
    except table.TableError as exc:
        print(exc)
        return 2
    print(f"train: {len(train_x)} rows, {len(set(train_y))} labels; dev: {len(next(iter(devs.values()))[0])} rows")
    print(f"router: {learn.describe()}")
    if args.folds > 1:
        results, seconds = timed_cv(train_x, train_y, args.folds, max(args.repeats, 1))
        print(f"cross-validation on the training file ({args.folds} folds x {max(args.repeats, 1)} repeats, "
              f"stratified, near-copies kept in one fold; macro-F1 mean ± sd; {seconds:.0f} s):")
        print(f"  {'gridwatch router':<32}{summary(results['router'])}")
        print(f"  {'baseline jieba+tfidf+LinearSVC':<32}{summary(results['baseline'])}"
              "  (held-out folds without their segmentation spaces)")
    model, ours_fit = timed(learn.train, train_x, train_y)
    baseline, base_fit = timed(Baseline().fit, train_x, train_y)
    print("dev file (scored once, after the choice was made on the training file):")
    print(f"{'model':<34}{'dev text':<12}{'macro-F1':>9}{'accuracy':>9}{'train s':>9}{'predict ms/msg':>16}")
    first_ranked = None
    for spec, (dev_x, dev_y) in devs.items():
        ranked, ours_t = timed(model.predict, dev_x)
        base_pred, base_t = timed(baseline.predict, dev_x)
        first_ranked = first_ranked or (dev_y, ranked)
        for name, pred, fit_s, pred_s in (("gridwatch router", [lab for lab, _ in ranked], ours_fit, ours_t),
                                          ("baseline jieba+tfidf+LinearSVC", base_pred, base_fit, base_t)):
            s = scores(dev_y, pred)
            print(f"{name:<34}{spec:<12}{s['macro_f1']:>9.4f}{s['accuracy']:>9.4f}{fit_s:>9.1f}"
                  f"{1000 * pred_s / len(dev_x):>16.2f}")
    print(f"gridwatch confidence on dev ({specs[0]}):")
    print("\n".join(coverage_lines(*first_ranked)))
    return 0
