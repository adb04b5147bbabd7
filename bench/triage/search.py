"""Model selection for the router by repeated, stratified, duplicate-grouped cross-validation.

python -m bench.triage.search --train TRAIN.csv [--hierarchy HIERARCHY.csv] [--folds 5 --repeats 3]

Only the training file is read. Messages that are near-copies of each other (the same complaint
sent twice with another title) stay in one fold, so a fold never scores a copy of its training text.
Each fold's texts are segmented once and every candidate is fitted on the same folds.
"""
import argparse
import os
import sys
import time

import numpy as np

from triage import learn
from triage.evaluation import scores

from .classify import read
from .folds import Folds

# name -> members (feature sets, classifier); several members average their probabilities.
# Names of feature sets and classifiers: triage.learn.make_vectoriser and make_classifier.
WC = ("words", "chars")
CANDIDATES = {
    "words+chars13 svm C1": [(WC, "svm")],
    "words+chars13 calibrated svm C1 (old default)": [(WC, "cal_svm")],
    "words+chars13 svm C1 balanced": [(WC, "svm_bal")],
    "words+chars13 svm C0.5": [(WC, "svm_c05")],
    "words+chars_wb13 svm C1": [(("words", "chars_wb"), "svm")],
    "words12+chars13 svm C1": [(("words12", "chars"), "svm")],
    "words+chars13 logreg C10 balanced (OvR)": [(WC, "logreg_bal")],
    "avg(cal. svm words, cal. svm chars13)": [(("words",), "cal_svm"), (("chars",), "cal_svm")],
    "avg(complement NB words, cal. svm words+chars13)": [(("words",), "cnb"), (WC, "cal_svm")],
    "words+chars24 svm C1": [(("words", "chars24"), "svm")],
    "words+chars13 sgd modified_huber balanced": [(WC, "sgd_bal")],
}


TREE = "words+chars13 svm C1, category-tree names added"


def parse(argv):
    """Return the parsed command line."""
    p = argparse.ArgumentParser(prog="python -m bench.triage.search", description=__doc__)
    p.add_argument("--train", default=os.environ.get("BENCH_TRIAGE_TRAIN"), help="labelled training CSV")
    p.add_argument("--text-col", default="text")
    p.add_argument("--label-col", default="label")
    p.add_argument("--hierarchy", help="category tree CSV (first column the label): also try its names as text")
    p.add_argument("--folds", type=int, default=5)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--only", action="append", help="run only candidates whose name contains this")
    return p.parse_args(argv)


def hierarchy_docs(path: str, labels: set[str]) -> tuple[list[str], list[str]]:
    """Return one pseudo-message per leaf of a category tree whose root is a training label."""
    from triage import table

    _, rows = table.read_rows(path)
    docs, ys = [], []
    for row in rows:
        values = [v.strip() for v in row.values() if v and v.strip()]
        if values and values[0] in labels and len(values) > 1:
            docs.append(" ".join(values[1:]))
            ys.append(values[0])
    return docs, ys


def predict(members, fold, extra=None) -> list[str]:
    """Fit a candidate on a fold and return the predicted labels of its held-out rows."""
    if len(members) == 1:
        features, name = members[0]
        x_train, x_test = fold.matrices(features, extra)
        clf = learn.make_classifier(name).fit(x_train, fold.train_y(extra))
        return [str(p) for p in clf.predict(x_test)]
    probs = 0
    for features, name in members:
        x_train, x_test = fold.matrices(features, extra)
        clf = learn.make_classifier(name).fit(x_train, fold.train_y(extra))
        probs = probs + clf.predict_proba(x_test)
    return [str(c) for c in clf.classes_[np.argmax(probs, axis=1)]]


def main(argv=None) -> int:
    """Cross-validate every candidate and the baseline; print mean ± sd of macro-F1."""
    args = parse(argv)
    if not args.train:
        print("give --train (or BENCH_TRIAGE_TRAIN)")
        return 2
    texts, labels = read(args.train, args.text_col, args.label_col)
    candidates = {n: c for n, c in CANDIDATES.items() if not args.only or any(o in n for o in args.only)}
    extra = None
    if args.hierarchy:
        extra = hierarchy_docs(args.hierarchy, set(labels))
        candidates[TREE] = [(WC, "svm")]
    folds = Folds(texts, labels)
    print(f"train: {len(texts)} rows, {len(set(labels))} labels, {folds.n_groups} groups of near-copies; "
          f"{args.folds} folds x {args.repeats} repeats", flush=True)
    results = {name: [] for name in ["baseline jieba+tfidf+LinearSVC (raw-form folds)"] + list(candidates)}
    start = time.perf_counter()
    for k, fold in enumerate(folds.split(args.folds, args.repeats)):
        truth = fold.test_y()
        results["baseline jieba+tfidf+LinearSVC (raw-form folds)"].append(scores(truth, fold.baseline())["macro_f1"])
        for name, members in candidates.items():
            pred = predict(members, fold, extra if name == TREE else None)
            results[name].append(scores(truth, pred)["macro_f1"])
        print(f"after fold {k + 1} of {args.folds * args.repeats} ({time.perf_counter() - start:.0f} s):", flush=True)
        print(table(results), flush=True)
    return 0


def table(results: dict[str, list[float]]) -> str:
    """Return one line per candidate: mean and standard deviation of macro-F1 over the folds so far."""
    lines = [f"{'candidate':<58}{'macro-F1 mean':>14}{'sd':>8}{'folds':>7}"]
    for name, vals in results.items():
        lines.append(f"{name:<58}{np.mean(vals):>14.4f}{np.std(vals):>8.4f}{len(vals):>7d}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
