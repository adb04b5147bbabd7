"""Cross-validation of both models on the training file, also on held-out text without its spaces."""
import numpy as np
from sklearn.model_selection import StratifiedKFold

from nlp.text import normalise
from triage import learn
from triage.evaluation import scores
from triage.features import join_segmented

from .baseline import Baseline


def cross_validate(texts: list[str], labels: list[str], folds: int, seed: int = 0) -> list[str]:
    """Return one line per model: macro-F1 on held-out folds as given and with spaces removed."""
    results = {"gridwatch": ([], []), "baseline": ([], [])}
    y = np.array(labels)
    for train_idx, test_idx in StratifiedKFold(folds, shuffle=True, random_state=seed).split(texts, y):
        train_x = [texts[i] for i in train_idx]
        test_x = [texts[i] for i in test_idx]
        joined = [join_segmented(normalise(t)) for t in test_x]
        truth = list(y[test_idx])
        model = learn.train(train_x, list(y[train_idx]))
        baseline = Baseline().fit(train_x, list(y[train_idx]))
        for name, predict in (("gridwatch", lambda xs: [lab for lab, _ in model.predict(xs)]),
                              ("baseline", baseline.predict)):
            results[name][0].append(scores(truth, predict(test_x))["macro_f1"])
            results[name][1].append(scores(truth, predict(joined))["macro_f1"])
    return [f"  {name:<10} as given {np.mean(a):.4f} (sd {np.std(a):.4f})   spaces removed {np.mean(b):.4f}"
            f" (sd {np.std(b):.4f})" for name, (a, b) in results.items()]
