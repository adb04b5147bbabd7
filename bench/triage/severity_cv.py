"""Out-of-fold severity detectors for the benchmark: each labelled report judged by detectors not trained on it.

The training pool is every labelled part but the held-aside ones (triage.severity_learn.TRAIN_PARTS). It is cut into
stratified folds by band; for each fold, triage.severity_learn.train fits both detectors on the other folds and
chooses their thresholds by an inner cross-validation there. A report of the pool is then graded with the
detectors of its own fold; a held-aside report (holdout3) with the shipped detectors, trained on the whole pool.
"""
from sklearn.model_selection import StratifiedKFold

from triage import severity_learn

FOLDS = 5


def out_of_fold(pool: list[dict], folds: int = FOLDS, seed: int = 0) -> dict:
    """Return, for each report id of the pool, the detectors trained without its fold."""
    bands = [r["band"] for r in pool]
    by_id = {}
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=seed).split(pool, bands):
        detectors = severity_learn.train([pool[i] for i in train], seed=seed)
        for i in test:
            by_id[pool[i]["id"]] = detectors
    return by_id
