"""The learned case classifier: train, predict with confidences, save and load."""

import time
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC

from triage import modelfile
from triage.features import Tokens, space_free, split_tokens
from triage.modelfile import FORMAT_VERSION, ModelError, read_header

__all__ = ["FORMAT_VERSION", "Model", "ModelError", "build_pipeline", "load", "read_header", "train"]


def build_pipeline(C: float = 1.0, char_ngrams: tuple[int, int] = (1, 3), char_min_df: int = 3,
                   calibration_folds: int = 5) -> Pipeline:
    """Return the unfitted pipeline: tokens, word and character TF-IDF, calibrated linear SVM."""
    words = TfidfVectorizer(analyzer=split_tokens, sublinear_tf=True, lowercase=False)
    chars = TfidfVectorizer(analyzer="char", preprocessor=space_free, ngram_range=tuple(char_ngrams),
                            min_df=char_min_df, sublinear_tf=True, lowercase=False)
    # One SVM fitted on all rows; the folds only fit the sigmoids that turn scores into probabilities.
    clf = CalibratedClassifierCV(LinearSVC(C=C), method="sigmoid", cv=calibration_folds, ensemble=False)
    return Pipeline([
        ("tokens", Tokens()),
        ("features", FeatureUnion([("words", words), ("chars", chars)])),
        ("clf", clf),
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

    def save(self, path) -> None:
        """Write the model to path (see triage.modelfile for the layout)."""
        modelfile.write(path, self.pipeline, self.meta)


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
    params["calibration_folds"] = min(params.get("calibration_folds", 5), min(counts.values()))
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
