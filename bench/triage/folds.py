"""Folds of a training file for cross-validation: near-copies grouped, every text segmented once."""
import hashlib
import os
import pickle
import tempfile

import numpy as np
from scipy.sparse import hstack
from scipy.sparse.csgraph import connected_components
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import StratifiedGroupKFold
from sklearn.pipeline import Pipeline

from nlp.text import normalise
from triage import learn
from triage.features import Tokens, join_segmented

from .baseline import Baseline, jieba_tokens

NEAR_COPY = 0.8  # cosine of two messages' word TF-IDF above which they count as one complaint


def near_copy_groups(texts: list[str], threshold: float = NEAR_COPY) -> np.ndarray:
    """Return a group number per text; texts linked by a cosine >= threshold share one."""
    x = TfidfVectorizer(analyzer=str.split).fit_transform(texts)
    sim = (x @ x.T).tocsr()
    return connected_components(sim.multiply(sim >= threshold), directed=False)[1]


def _cache_path(texts: list[str]) -> str:
    """The temporary file holding the segmentation of these texts (named by their digest)."""
    digest = hashlib.sha1("\n".join(texts).encode("utf-8")).hexdigest()[:16]
    return os.path.join(tempfile.gettempdir(), f"gridwatch-bench-triage-{digest}.pickle")


def _load(texts: list[str]) -> dict:
    """Return the saved segmentation of these texts, or an empty dict (the file is this bench's own)."""
    try:
        with open(_cache_path(texts), "rb") as f:
            return pickle.load(f)
    except (OSError, pickle.UnpicklingError, EOFError):
        return {}


def _save(texts: list[str], data: dict) -> None:
    """Keep the segmentation for the next run of the bench."""
    with open(_cache_path(texts), "wb") as f:
        pickle.dump(data, f, protocol=pickle.HIGHEST_PROTOCOL)


class CachedTokens(Tokens):
    """triage.features.Tokens reading each text's normalised form and tokens from a shared cache."""

    def __init__(self, cache: dict | None = None, min_expected: float = 5.0, max_ratio: float = 0.01):
        """cache: text -> (normalised text, tokens), filled on first sight."""
        super().__init__(min_expected, max_ratio)
        self.cache = cache if cache is not None else {}

    def _prepare(self, X):
        """Return the normalised texts and tokens, segmenting only texts not seen before."""
        missing = [t for t in dict.fromkeys(str(t) for t in X) if t not in self.cache]
        if missing:
            texts, cuts = super()._prepare(missing)
            self.cache.update(zip(missing, zip(texts, cuts)))
        pairs = [self.cache[str(t)] for t in X]
        return [p[0] for p in pairs], [p[1] for p in pairs]


class Fold:
    """One split: the router's token strings and feature matrices, and the baseline's prediction."""

    def __init__(self, folds: "Folds", train_idx, test_idx):
        """Learn the fold's stop words from its training rows only."""
        self.folds, self.train_idx, self.test_idx = folds, train_idx, test_idx
        texts = folds.texts
        self.tokens = CachedTokens(folds.cache)
        self.train_docs = self.tokens.fit_transform([texts[i] for i in train_idx])
        self.test_docs = self.tokens.transform([texts[i] for i in test_idx])
        self._matrices = {}

    def train_y(self, extra=None) -> list[str]:
        """Return the training labels (with the extra rows' labels appended)."""
        y = [self.folds.labels[i] for i in self.train_idx]
        return y + list(extra[1]) if extra else y

    def test_y(self) -> list[str]:
        """Return the held-out labels."""
        return [self.folds.labels[i] for i in self.test_idx]

    def matrices(self, names: tuple[str, ...], extra=None):
        """Return the (train, test) matrices of a union of named feature sets, fitted on this fold."""
        key = (names, extra is not None)
        if key not in self._matrices:
            docs = self.train_docs + (self.tokens.transform(extra[0]) if extra else [])
            parts = []
            for name in names:
                vec = learn.make_vectoriser(name)
                parts.append((vec.fit_transform(docs), vec.transform(self.test_docs)))
            self._matrices[key] = (hstack([a for a, _ in parts]).tocsr(), hstack([b for _, b in parts]).tocsr())
        return self._matrices[key]

    def router(self, params: dict) -> list[str]:
        """Fit learn.train's pipeline (with params) on the training rows and predict the held-out rows."""
        steps = learn.build_pipeline(**params).steps[1:]
        pipeline = Pipeline([("tokens", CachedTokens(self.folds.cache)), *steps])
        texts = self.folds.texts
        pipeline.fit([texts[i] for i in self.train_idx], self.train_y())
        return [str(p) for p in pipeline.predict([texts[i] for i in self.test_idx])]

    def baseline(self) -> list[str]:
        """Fit the baseline on the training rows as given; predict the held-out rows without spaces."""
        f = self.folds
        vec = TfidfVectorizer(analyzer=lambda i: f.jieba[i])
        model = Baseline().pipeline.named_steps["svm"]
        model.fit(vec.fit_transform([("given", i) for i in self.train_idx]), self.train_y())
        return [str(p) for p in model.predict(vec.transform([("joined", i) for i in self.test_idx]))]


class Folds:
    """A labelled training file prepared for repeated, stratified, grouped k-fold cross-validation."""

    def __init__(self, texts: list[str], labels: list[str]):
        """Group near-copies and segment every text once (router tokens, baseline jieba words)."""
        self.texts, self.labels = texts, labels
        self.groups = near_copy_groups(texts)
        self.n_groups = len(set(self.groups))
        stored = _load(texts)
        self.cache: dict = stored.get("router", {})
        CachedTokens(self.cache).fit(texts)
        self.jieba = stored.get("baseline", {})
        for i, t in enumerate(texts):
            if ("given", i) not in self.jieba:
                self.jieba[("given", i)] = jieba_tokens(t.lower())  # as the baseline's TF-IDF lowercases first
                self.jieba[("joined", i)] = jieba_tokens(join_segmented(normalise(t)).lower())
        _save(texts, {"router": self.cache, "baseline": self.jieba})

    def split(self, n_folds: int = 5, repeats: int = 3):
        """Yield the folds of each repeat (a different shuffle per repeat)."""
        y = np.array(self.labels)
        for r in range(repeats):
            cv = StratifiedGroupKFold(n_folds, shuffle=True, random_state=r)
            for train_idx, test_idx in cv.split(self.texts, y, self.groups):
                yield Fold(self, train_idx, test_idx)
