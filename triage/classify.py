"""Keyword classifier over the taxonomy's subcategories."""

import re

from nlp.text import normalise
from triage.taxonomy import Taxonomy

# Pseudo-score of "none of these": one weak hit gives 0.5, more evidence approaches 1.
NONE_SCORE = 1.0


def keyword_weight(keyword: str) -> float:
    """Return the weight of one keyword hit: longer keywords are stronger evidence."""
    return max(1.0, len(keyword) - 1.0)


class KeywordClassifier:
    """Score subcategories by the keywords found in a text, longest match first."""

    def __init__(self, taxonomy: Taxonomy):
        """Index every keyword to the subcategories listing it."""
        self.taxonomy = taxonomy
        self._owners: dict[str, list[str]] = {}
        for sub in taxonomy.subcategories:
            for kw in sub.keywords:
                kw = normalise(kw)
                if kw and sub.code not in self._owners.setdefault(kw, []):
                    self._owners[kw].append(sub.code)
        ordered = sorted(self._owners, key=lambda k: (-len(k), k))
        self._pattern = re.compile("|".join(map(re.escape, ordered))) if ordered else None
        self._order = {s.code: i for i, s in enumerate(taxonomy.subcategories)}

    def hits(self, tokens_or_text) -> list[str]:
        """Return the keywords found, scanning left to right and preferring the longest match."""
        if isinstance(tokens_or_text, str):
            text = normalise(tokens_or_text)
        else:
            text = "".join(normalise(t) for t in tokens_or_text)
        if not text or self._pattern is None:
            return []
        # The alternation is ordered longest first, so "煤气味" wins over a shorter "气味".
        return self._pattern.findall(text)

    def evidence(self, tokens_or_text) -> dict[str, list[str]]:
        """Return, per subcategory code, the keywords found in the text that point to it (first seen first)."""
        found: dict[str, list[str]] = {}
        for kw in dict.fromkeys(self.hits(tokens_or_text)):
            for code in self._owners[kw]:
                found.setdefault(code, []).append(kw)
        return found

    def predict(self, tokens_or_text) -> list[tuple[str, float]]:
        """Return (subcategory code, score) best first; scores are in [0, 1] and sum to less than 1."""
        raw: dict[str, float] = {}
        for kw in set(self.hits(tokens_or_text)):
            for code in self._owners[kw]:
                raw[code] = raw.get(code, 0.0) + keyword_weight(kw)
        if not raw:
            return []
        total = sum(raw.values()) + NONE_SCORE
        ranked = sorted(raw.items(), key=lambda p: (-p[1], self._order[p[0]]))
        return [(code, score / total) for code, score in ranked]
