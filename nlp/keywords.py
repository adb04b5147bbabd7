"""TF-IDF keyword extraction over segmented tokens."""

import math
import statistics
from collections import Counter
from functools import lru_cache
from typing import Iterable


@lru_cache(maxsize=1)
def _jieba_idf() -> tuple[dict[str, float], float]:
    """Return jieba.analyse's default IDF table and its median."""
    from jieba.analyse import default_tfidf

    return default_tfidf.idf_freq, default_tfidf.median_idf


def fit_idf(token_lists: Iterable[list[str]]) -> dict[str, float]:
    """Return smoothed IDF weights, log((1 + n) / (1 + df)) + 1, learnt from documents."""
    df: Counter = Counter()
    n = 0
    for tokens in token_lists:
        n += 1
        df.update(set(tokens))
    return {w: math.log((1 + n) / (1 + c)) + 1.0 for w, c in df.items()}


def extract(
    tokens: list[str], top_k: int = 8, idf: dict[str, float] | None = None
) -> list[tuple[str, float]]:
    """Return up to top_k (word, tf*idf) pairs, best first; unknown words get the median IDF."""
    if not tokens or top_k <= 0:
        return []
    if idf is None:
        table, default = _jieba_idf()
    else:
        table = idf
        default = statistics.median(idf.values()) if idf else 1.0
    counts = Counter(tokens)
    total = len(tokens)
    first = {}
    for i, tok in enumerate(tokens):
        first.setdefault(tok, i)
    scored = [(w, c / total * table.get(w, default)) for w, c in counts.items()]
    scored.sort(key=lambda p: (-p[1], first[p[0]]))
    return scored[:top_k]
