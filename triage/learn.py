"""The learned case classifier: train, predict with confidences, save and load."""

import time
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.multiclass import OneVsRestClassifier
from sklearn.naive_bayes import ComplementNB
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC

from triage import modelfile
from triage.features import Tokens, space_free, split_tokens
from triage.modelfile import FORMAT_VERSION, ModelError, read_header

__all__ = ["FORMAT_VERSION", "Model", "ModelError", "build_pipeline", "load", "read_header", "train"]


# The vectorisers a pipeline may combine, by name (input: the space-separated tokens of triage.features.Tokens).
def make_vectoriser(name: str) -> TfidfVectorizer:
    """Return an unfitted TF-IDF vectoriser: words, word 1-2-grams or character n-grams."""
    if name == "words":
        return TfidfVectorizer(analyzer=split_tokens, sublinear_tf=True, lowercase=False)
    if name == "words12":
        return TfidfVectorizer(tokenizer=split_tokens, token_pattern=None, ngram_range=(1, 2), min_df=2,
                               sublinear_tf=True, lowercase=False)
    if name == "chars":
        return TfidfVectorizer(analyzer="char", preprocessor=space_free, ngram_range=(1, 3), min_df=3,
                               sublinear_tf=True, lowercase=False)
    if name == "chars24":
        return TfidfVectorizer(analyzer="char", preprocessor=space_free, ngram_range=(2, 4), min_df=3,
                               sublinear_tf=True, lowercase=False)
    if name == "chars_wb":
        return TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), min_df=3, sublinear_tf=True, lowercase=False)
    raise ValueError(f"unknown feature set: {name}")


def make_classifier(name: str, C: float = 1.0, calibration_folds: int = 5):
    """Return an unfitted classifier by name (linear models, optionally calibrated, or complement NB)."""
    if name == "svm":
        return LinearSVC(C=C)
    if name == "svm_c05":
        return LinearSVC(C=0.5 * C)
    if name == "svm_bal":
        return LinearSVC(C=C, class_weight="balanced")
    if name in ("cal_svm", "cal_svm_bal"):
        # One SVM fitted on all rows; the folds only fit the sigmoids that turn scores into probabilities.
        svm = LinearSVC(C=C, class_weight="balanced" if name.endswith("_bal") else None)
        return CalibratedClassifierCV(svm, method="sigmoid", cv=calibration_folds, ensemble=False)
    if name == "logreg_bal":
        return OneVsRestClassifier(LogisticRegression(C=10 * C, class_weight="balanced", solver="liblinear"))
    if name == "sgd_bal":
        return SGDClassifier(loss="modified_huber", alpha=1e-4, class_weight="balanced", max_iter=50, tol=1e-4,
                             random_state=0)
    if name == "cnb":
        return ComplementNB(alpha=0.3)
    raise ValueError(f"unknown classifier: {name}")


# The configuration `gridwatch triage train` uses, chosen by cross-validation (docs/triage-classifier.md).
DEFAULTS = {"C": 1.0, "features": ("words", "chars"), "classifier": "cal_svm", "calibration_folds": 5}


def describe(params: dict | None = None) -> str:
    """Return a one-line description of a configuration (default: DEFAULTS)."""
    p = {**DEFAULTS, **(params or {})}
    return (f"features {' + '.join(p['features'])}, classifier {p['classifier']} (C {p['C']}, "
            f"{p['calibration_folds']} calibration folds)")


def build_pipeline(C: float = DEFAULTS["C"], features: tuple[str, ...] = DEFAULTS["features"],
                   classifier: str = DEFAULTS["classifier"],
                   calibration_folds: int = DEFAULTS["calibration_folds"]) -> Pipeline:
    """Return the unfitted pipeline: tokens, the union of the named TF-IDF features, the classifier."""
    union = FeatureUnion([(name, make_vectoriser(name)) for name in features])
    return Pipeline([
        ("tokens", Tokens()),
        ("features", union),
        ("clf", make_classifier(classifier, C=C, calibration_folds=calibration_folds)),
    ])


@dataclass
class Model:
    """A fitted pipeline with what is known about how it was trained."""

    pipeline: Pipeline
    meta: dict = field(default_factory=dict)

    @property
    def labels(self) -> list[str]:
        """Return the labels the model can predict."""
        return [str(c) for c in self.pipeline.classes_]

    def proba(self, texts) -> np.ndarray:
        """Return the calibrated probability of every label (columns in `labels` order)."""
        return self.pipeline.predict_proba([_text(t) for t in texts])

    def predict(self, texts) -> list[tuple[str, float]]:
        """Return (label, confidence) for each text; confidence is a probability in [0, 1]."""
        return [ranked[0] for ranked in self.top_k(texts, k=1)]

    def top_k(self, texts, k: int = 3) -> list[list[tuple[str, float]]]:
        """Return the k most probable (label, probability) pairs of each text, best first."""
        if isinstance(texts, str):
            raise TypeError("texts must be a list of strings, not one string")
        texts = list(texts)
        if not texts:
            return []
        probs = self.proba(texts)
        labels = self.labels
        order = np.argsort(-probs, axis=1, kind="stable")[:, :k]
        return [[(labels[j], float(row[j])) for j in idx] for row, idx in zip(probs, order)]

    def explain(self, text: str, label: str | None = None, k: int = 6) -> list[tuple[str, float]]:
        """Return the words and character n-grams of text that most raised label's score (default: the best).

        Each term is a word or a run of characters found in the (normalised) text, with its contribution to
        the linear model's score for the label: TF-IDF value x weight. Only positive contributions count; a
        term contained in a stronger one is folded into it. Empty when the classifier is not linear.
        """
        weights = linear_weights(self.pipeline.named_steps["clf"])
        text = _text(text)
        if weights is None or not text.strip():
            return []
        coef, classes = weights
        label = self.predict([text])[0][0] if label is None else str(label)
        if label not in classes:
            raise ValueError(f"unknown label: {label}")
        docs = self.pipeline.named_steps["tokens"].transform([text])
        x = self.pipeline.named_steps["features"].transform(docs).tocsr()
        row = coef[classes.index(label)]
        names = self._feature_names()
        words = docs[0].split()
        totals: dict[str, float] = {}
        for j, value in zip(x.indices, x.data):
            contribution = float(value * row[j])
            term = _readable(names[j].split("__", 1)[-1].strip(), words)
            if contribution > 0 and term:
                totals[term] = totals.get(term, 0.0) + contribution
        chosen: dict[str, float] = {}
        for term, weight in sorted(totals.items(), key=lambda p: (-p[1], -len(p[0]), p[0])):
            owner = next((c for c in chosen if term in c or c in term), None)
            if owner is None:
                chosen[term] = weight
            else:
                chosen[owner] += weight
        ranked = sorted(chosen.items(), key=lambda p: (-p[1], p[0]))[:k]
        return [(term, round(weight, 4)) for term, weight in ranked]

    def _feature_names(self) -> list[str]:
        """Return the names of the union's features (cached)."""
        if getattr(self, "_names", None) is None:
            self._names = list(self.pipeline.named_steps["features"].get_feature_names_out())
        return self._names

    def save(self, path) -> None:
        """Write the model to path (see triage.modelfile for the layout)."""
        modelfile.write(path, self.pipeline, self.meta)


def _readable(term: str, words: list[str]) -> str | None:
    """Return the word of the text a feature stands for: itself, or the word holding a character n-gram.

    Character n-grams that span two words, and single characters, have no readable word and give None.
    """
    if term in words:
        return term if len(term) > 1 else None
    if len(term) < 2:
        return None
    return next((w for w in words if term in w), None)


def linear_weights(clf) -> tuple[np.ndarray, list[str]] | None:
    """Return (one row of weights per class, the classes) of a fitted linear classifier, or None."""
    classes = [str(c) for c in clf.classes_]
    if isinstance(clf, CalibratedClassifierCV):
        parts = [linear_weights(c.estimator) for c in clf.calibrated_classifiers_]
        if any(p is None for p in parts):
            return None
        return np.mean([p[0] for p in parts], axis=0), classes
    if isinstance(clf, OneVsRestClassifier):
        if len(classes) == 2:
            return linear_weights(clf.estimators_[0])[0], classes
        rows = [linear_weights(e) for e in clf.estimators_]
        return (None if any(r is None for r in rows) else np.vstack([r[0][-1] for r in rows])), classes
    coef = getattr(clf, "coef_", None)
    if coef is None:
        return None
    coef = coef.toarray() if hasattr(coef, "toarray") else np.asarray(coef)
    if coef.shape[0] == 1 and len(classes) == 2:  # a binary model scores the second class
        coef = np.vstack([-coef[0], coef[0]])
    return coef, classes


def _text(value) -> str:
    """Return a text cell as a string (None and NaN become empty)."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value)


def train(texts, labels, **params) -> Model:
    """Fit a model on texts (segmented or raw) and their labels; params go to build_pipeline."""
    texts = [_text(t) for t in texts]
    labels = [str(lab) for lab in labels]
    if len(texts) != len(labels):
        raise ValueError(f"{len(texts)} texts but {len(labels)} labels")
    counts = dict(sorted(Counter(labels).items()))
    if len(counts) < 2:
        raise ValueError("need at least two different labels to train")
    rare = [lab for lab, n in counts.items() if n < 2]
    if rare:
        raise ValueError(f"each label needs at least two examples; only one for: {', '.join(rare)}")
    # Rare labels lower the number of calibration folds (each fold needs every label).
    params = {**DEFAULTS, **params}
    params["calibration_folds"] = min(params["calibration_folds"], min(counts.values()))
    pipeline = build_pipeline(**params)
    start = time.perf_counter()
    pipeline.fit(texts, labels)
    _drop_pruned_terms(pipeline)
    meta = {"n_train": len(texts), "label_counts": counts, "params": params,
            "fit_seconds": round(time.perf_counter() - start, 2),
            "trained_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    return Model(pipeline, meta)


def _drop_pruned_terms(pipeline: Pipeline) -> None:
    """Forget the vectorisers' pruned terms, which are only kept for introspection."""
    for _, vec in pipeline.named_steps["features"].transformer_list:
        if hasattr(vec, "stop_words_"):
            del vec.stop_words_


def load(path) -> Model:
    """Read a model saved by Model.save; raise ModelError on a missing, foreign or mismatched file."""
    pipeline, meta = modelfile.read(path)
    return Model(pipeline, meta)
