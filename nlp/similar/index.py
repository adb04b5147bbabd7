"""An index of closed cases answering "which are most like this one" from their stored vectors, without refitting."""

import math
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from nlp.similar.vectors import N_FEATURES, stack, term_rows

KM_PER_DEGREE_LAT = 110.57
KM_PER_DEGREE_LON = 111.32  # at the equator; times cos(latitude)
PRESELECT = 512  # the best texts scored first, to bound which other cases can still rank


@dataclass(frozen=True)
class Weights:
    """How the parts of the combined score count, and the floors a match must pass."""

    text: float = 0.6  # text cosine (TF-IDF over hashed n-grams)
    category: float = 0.2  # same category
    place: float = 0.2  # nearness: exp(-distance / place_scale_km)
    place_scale_km: float = 1.0
    min_text: float = 0.05  # below this text cosine a case is not similar, however near or alike in category
    model_floor: float = 0.35  # a model case at or above this score ranks before every ordinary match ...
    model_first: int = 3  # ... up to this many of them


@dataclass(frozen=True)
class Match:
    """One similar case: its id, combined score and the parts it came from."""

    id: int
    score: float
    text: float
    same_category: bool
    distance_km: float | None
    model: bool


@dataclass(frozen=True)
class CaseRow:
    """What the index holds of one closed case (vector as stored; category and place may be unknown)."""

    id: int
    vector: bytes | None
    category: str | None = None
    lat: float | None = None
    lon: float | None = None
    model: bool = False


class CaseIndex:
    """Closed cases as an inverted TF-IDF matrix (features x cases) with category, position and model flags."""

    def __init__(self, rows: list[CaseRow], weights: Weights | None = None):
        """Build from stored vectors: idf from the cases' own document frequencies, rows of unit length."""
        self.weights = weights or Weights()
        self.ids = np.array([r.id for r in rows], dtype=np.int64)
        self._row_of = {int(i): n for n, i in enumerate(self.ids)}
        tf, _ok = stack([r.vector for r in rows])
        n = len(rows)
        df = np.bincount(tf.indices, minlength=N_FEATURES).astype(np.float32)
        self.idf = (np.log((1.0 + n) / (1.0 + df)) + 1.0).astype(np.float32)
        weighted = _unit_rows(_times_idf(tf, self.idf))
        self._postings = weighted.T.tocsr()  # feature -> (case, weight)
        categories = sorted({r.category for r in rows if r.category})
        self._category_code = {c: k for k, c in enumerate(categories)}
        self.categories = np.array([self._category_code.get(r.category, -1) for r in rows], dtype=np.int32)
        self.lat = np.array([_num(r.lat) for r in rows], dtype=np.float64)
        self.lon = np.array([_num(r.lon) for r in rows], dtype=np.float64)
        self.model = np.array([bool(r.model) for r in rows], dtype=bool)

    def __len__(self) -> int:
        """The number of cases indexed."""
        return len(self.ids)

    def __contains__(self, case_id: int) -> bool:
        """Whether a case is in the index."""
        return int(case_id) in self._row_of

    def query_vector(self, text: str = "", vector: bytes | None = None) -> sp.csr_matrix:
        """A query as a unit TF-IDF row with this index's idf: from a stored vector, else from text (hashed)."""
        tf = stack([vector])[0] if vector else term_rows([text or ""])
        return _unit_rows(_times_idf(tf, self.idf))

    def text_scores(self, query: sp.csr_matrix) -> np.ndarray:
        """Cosine of the query row with every indexed case (only the query's features' postings are read)."""
        if not len(self) or not query.nnz:
            return np.zeros(len(self), dtype=np.float32)
        return np.asarray(self._postings[query.indices].T @ query.data, dtype=np.float32).ravel()

    def search(self, text: str = "", *, vector: bytes | None = None, category: str | None = None,
               lat: float | None = None, lon: float | None = None, k: int = 10, exclude=(),
               only_category: str | None = None, only_model: bool = False) -> list[Match]:
        """The k most similar cases: the best model cases that pass the floor first, then the rest by combined score."""
        w = self.weights
        if not len(self) or k <= 0:
            return []
        text_all = self.text_scores(self.query_vector(text, vector))
        rows = self._candidates(text_all, exclude, only_category, only_model)
        code = self._category_code.get(category, -2) if category else -2
        rows = self._bound(rows, text_all, code, lat, lon, k)
        t = text_all[rows]
        score, same, dist = self._score(rows, t, code, lat, lon)
        model = self.model[rows]
        top = _top(np.where(model & (score >= w.model_floor), score, -np.inf), min(k, w.model_first))
        rest = score.astype(np.float64)
        rest[top] = -np.inf
        top += _top(rest, k - len(top))
        return [Match(int(self.ids[rows[r]]), round(float(score[r]), 4), round(float(t[r]), 4), bool(same[r]),
                      None if math.isnan(dist[r]) else round(float(dist[r]), 3), bool(model[r]))
                for r in top]

    def _score(self, rows, t, code, lat, lon) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Combined scores of rows with text cosines t; also same-category flags and distances."""
        w = self.weights
        same = self.categories[rows] == code
        near, dist = self._nearness(rows, lat, lon)
        return w.text * t + w.category * same + w.place * near, same, dist

    def _bound(self, rows, text_all, code, lat, lon, k: int) -> np.ndarray:
        """Rows that can still reach the top k (exact): the k-th best score among the PRESELECT best texts is a
        floor; a row whose text cannot reach it even with the category and place bonuses is dropped. Model cases
        stay (they may rank first)."""
        w = self.weights
        if len(rows) <= PRESELECT or k > PRESELECT:
            return rows
        t = text_all[rows]
        best = rows[np.argpartition(-t, PRESELECT - 1)[:PRESELECT]]
        floor = np.partition(-self._score(best, text_all[best], code, lat, lon)[0], k - 1)[k - 1] * -1.0
        keep = w.text * t + w.category + w.place >= floor - 1e-6
        return rows[keep | self.model[rows]]

    def _candidates(self, text_all: np.ndarray, exclude, only_category, only_model) -> np.ndarray:
        """Rows whose text is similar enough and that the filters keep (scoring the few, not all)."""
        rows = np.flatnonzero(text_all >= self.weights.min_text)
        if only_category:
            rows = rows[self.categories[rows] == self._category_code.get(only_category, -2)]
        if only_model:
            rows = rows[self.model[rows]]
        gone = [r for r in (self._row_of.get(int(i)) for i in exclude) if r is not None]
        return np.setdiff1d(rows, gone) if gone else rows

    def set_model(self, case_id: int, model: bool) -> None:
        """Mark or unmark a case as a model case in place (no rebuild)."""
        row = self._row_of.get(int(case_id))
        if row is not None:
            self.model[row] = model

    def _nearness(self, rows: np.ndarray, lat, lon) -> tuple[np.ndarray, np.ndarray]:
        """exp(-distance/scale) to the cases of rows (0 where a place is unknown) and the distances in km (NaN)."""
        if lat is None or lon is None:
            return np.zeros(len(rows)), np.full(len(rows), np.nan)
        dy = (self.lat[rows] - lat) * KM_PER_DEGREE_LAT
        dx = (self.lon[rows] - lon) * KM_PER_DEGREE_LON * math.cos(math.radians(lat))
        dist = np.hypot(dx, dy)
        near = np.exp(-dist / self.weights.place_scale_km)
        return np.nan_to_num(near, nan=0.0), dist


def _top(key: np.ndarray, k: int) -> list[int]:
    """Rows of the k largest finite keys, largest first."""
    finite = np.flatnonzero(np.isfinite(key))
    if len(finite) > k:
        finite = finite[np.argpartition(-key[finite], k - 1)[:k]]
    return [int(r) for r in finite[np.argsort(-key[finite], kind="stable")]]


def _times_idf(tf: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    """Term rows with each weight multiplied by its feature's idf (a copy)."""
    out = sp.csr_matrix(tf, dtype=np.float32, copy=True)
    out.data *= idf[out.indices]
    return out


def _unit_rows(matrix: sp.csr_matrix) -> sp.csr_matrix:
    """CSR rows scaled in place to unit length (zero rows stay zero)."""
    lengths = np.diff(matrix.indptr)
    rows = np.repeat(np.arange(matrix.shape[0]), lengths)
    norms = np.sqrt(np.bincount(rows, weights=matrix.data.astype(np.float64) ** 2, minlength=matrix.shape[0]))
    matrix.data /= norms[rows].astype(np.float32)
    return matrix


def _num(value) -> float:
    """A coordinate as float, NaN when unknown."""
    return float("nan") if value is None else float(value)
