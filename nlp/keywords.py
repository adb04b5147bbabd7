"""TF-IDF keyword extraction over segmented tokens."""

import json
import math
import os
import statistics
from collections import Counter
from functools import lru_cache
from typing import Iterable, Mapping

# What nlp.pii puts in place of personal data: a fragment of a masked number or plate is never a keyword.
MASK_CHAR = "*"


class IdfTable(dict):
    """A read-only word -> IDF table that knows its median (the weight of unseen words)."""

    def __init__(self, *args, **kwargs):
        """Build the table and compute its median once."""
        super().__init__(*args, **kwargs)
        self.median = statistics.median(self.values()) if self else 1.0

    def _read_only(self, *args, **kwargs):
        """Refuse changes, which would leave the cached median stale."""
        raise TypeError("IdfTable is read-only; build a new one")

    __setitem__ = __delitem__ = __ior__ = _read_only
    clear = pop = popitem = setdefault = update = _read_only

    def __reduce__(self):
        """Pickle as a plain mapping passed to the constructor."""
        return (type(self), (dict(self),))


@lru_cache(maxsize=1)
def _jieba_idf() -> tuple[dict[str, float], float]:
    """Return jieba.analyse's default IDF table and its median."""
    from jieba.analyse import default_tfidf

    return default_tfidf.idf_freq, default_tfidf.median_idf


def fit_idf(token_lists: Iterable[list[str]]) -> IdfTable:
    """Return smoothed IDF weights, log((1 + n) / (1 + df)) + 1, learnt from documents."""
    df: Counter = Counter()
    n = 0
    for tokens in token_lists:
        n += 1
        df.update(set(tokens))
    return IdfTable({w: math.log((1 + n) / (1 + c)) + 1.0 for w, c in df.items()})


def save_idf(idf: Mapping[str, float], path: str | os.PathLike) -> None:
    """Write an IDF table as a JSON object {word: weight}, words sorted."""
    data = {w: float(idf[w]) for w in sorted(idf)}
    with open(path, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, indent=0)
        f.write("\n")


def load_idf(path: str | os.PathLike) -> IdfTable:
    """Read an IDF table written by save_idf."""
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    if not isinstance(data, dict) or not all(isinstance(v, (int, float)) for v in data.values()):
        raise ValueError(f"{os.fspath(path)!r} is not a JSON object of word -> number")
    return IdfTable({str(w): float(v) for w, v in data.items()})


def extract(
    tokens: list[str], top_k: int = 8, idf: Mapping[str, float] | None = None
) -> list[tuple[str, float]]:
    """Return up to top_k (word, tf*idf) pairs, best first; unknown words get the median IDF.

    Tokens holding masked personal data (``*``) are skipped: segment the masked text, and nothing personal can
    become a keyword.

    Pass an IdfTable (from fit_idf or load_idf) to avoid recomputing the median on every call.
    """
    if not tokens or top_k <= 0:
        return []
    if idf is None:
        table, default = _jieba_idf()
    elif isinstance(idf, IdfTable):
        table, default = idf, idf.median
    else:
        table = idf
        default = statistics.median(idf.values()) if idf else 1.0
    counts = Counter(t for t in tokens if MASK_CHAR not in t)  # keys in order of first occurrence
    total = len(tokens)
    scored = [(w, c / total * table.get(w, default)) for w, c in counts.items()]
    scored.sort(key=_by_weight)  # stable: ties stay in order of first occurrence
    return scored[:top_k]


def _by_weight(pair: tuple[str, float]) -> float:
    """Sort key: highest weight first."""
    return -pair[1]
