"""Cross-validation of the router and the baseline on the training file: repeated, stratified, grouped."""
import time

import numpy as np

from triage.evaluation import scores

from .folds import Folds


def cross_validate(texts: list[str], labels: list[str], folds: int = 5, repeats: int = 3,
                   params: dict | None = None) -> dict[str, list[float]]:
    """Return the macro-F1 of every held-out fold for the router (learn.train's pipeline) and the baseline.

    Near-copies stay in one fold. The baseline is trained on the texts as given and scored on held-out
    texts without their word-segmentation spaces, the form new messages arrive in; the router reads
    both forms alike.
    """
    prepared = Folds(texts, labels)
    results = {"router": [], "baseline": []}
    for fold in prepared.split(folds, repeats):
        truth = fold.test_y()
        results["router"].append(scores(truth, fold.router(params or {}))["macro_f1"])
        results["baseline"].append(scores(truth, fold.baseline())["macro_f1"])
    return results


def summary(values: list[float]) -> str:
    """Return 'mean ± sd (min–max, n folds)' of a list of fold scores."""
    return (f"{np.mean(values):.4f} ± {np.std(values):.4f} (range {min(values):.4f}–{max(values):.4f}, "
            f"{len(values)} folds)")


def timed_cv(texts, labels, folds, repeats):
    """Return cross_validate's results and the seconds it took."""
    start = time.perf_counter()
    return cross_validate(texts, labels, folds, repeats), time.perf_counter() - start

