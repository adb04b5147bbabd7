"""Text to tokens for the learned classifier: one representation for segmented and raw text."""

import re
from collections import Counter
from functools import lru_cache

from sklearn.base import BaseEstimator, TransformerMixin

from nlp.segment import plain_segmenter
from nlp.text import normalise

# Whitespace is a word boundary only between two ASCII letters or digits ("www baidu com").
_INNER_SPACE = re.compile(r"(?<![A-Za-z0-9])\s+|\s+(?![A-Za-z0-9])")
# jieba's dictionary words rarer than this are never candidates for learned stop words.
MIN_DICT_FREQ = 100


def join_segmented(text: str) -> str:
    """Return normalised text without the spaces of a word segmentation (kept between ASCII words)."""
    return _INNER_SPACE.sub("", text)


def space_free(doc: str) -> str:
    """Return a token string without its separating spaces (input of the character n-grams)."""
    return doc.replace(" ", "")


def split_tokens(doc: str) -> list[str]:
    """Return the tokens of a space-separated token string (analyzer of the word features)."""
    return doc.split()


@lru_cache(maxsize=1)
def dictionary_frequencies() -> tuple[dict[str, int], int]:
    """Return jieba's frequencies of multi-character words (above MIN_DICT_FREQ) and the total."""
    import jieba

    freq, total = {}, 0
    with jieba.get_dict_file() as f:
        for line in f:
            parts = line.decode("utf-8").split(" ")
            count = int(parts[1])
            total += count
            if count >= MIN_DICT_FREQ and len(parts[0]) > 1:
                freq[normalise(parts[0])] = count
    return freq, total


def learn_stopwords(observed: Counter, n_tokens: int, min_expected: float, max_ratio: float) -> frozenset[str]:
    """Return common dictionary words that the training text lacks (its removed stop words)."""
    freq, total = dictionary_frequencies()
    stop = set()
    for word, count in freq.items():
        expected = count / total * n_tokens
        if expected >= min_expected and observed.get(word, 0) <= max_ratio * expected:
            stop.add(word)
    return frozenset(stop)


class Tokens(BaseEstimator, TransformerMixin):
    """Re-segment any text with nlp's segmenter; drop the words the training text lacks."""

    def __init__(self, min_expected: float = 5.0, max_ratio: float = 0.01):
        """Set how common a word must be, and how rare in training, to count as a stop word."""
        self.min_expected = min_expected
        self.max_ratio = max_ratio

    def _cut(self, texts) -> list[list[str]]:
        """Return the nlp tokens of each normalised text after joining any segmentation."""
        seg = plain_segmenter()
        return [seg.cut(join_segmented(t)) for t in texts]

    def _prepare(self, X) -> tuple[list[str], list[list[str]]]:
        """Return the normalised texts and their tokens."""
        texts = [normalise(str(t)) for t in X]
        return texts, self._cut(texts)

    def _render(self, token_lists) -> list[str]:
        """Return the kept tokens of each text as a space-separated string."""
        stop = self.stopwords_
        return [" ".join(t for t in tokens if t not in stop) for tokens in token_lists]

    def fit_transform(self, X, y=None):
        """Learn the stop words from the training texts and return their token strings."""
        texts, token_lists = self._prepare(X)
        observed = Counter(t for tokens in token_lists for t in tokens)
        # Tokens as the training text was segmented also prove a word was kept.
        observed.update(t for text in texts for t in text.split())
        n_tokens = sum(len(tokens) for tokens in token_lists)
        self.stopwords_ = learn_stopwords(observed, n_tokens, self.min_expected, self.max_ratio)
        return self._render(token_lists)

    def fit(self, X, y=None):
        """Learn the stop words from the training texts."""
        self.fit_transform(X, y)
        return self

    def transform(self, X):
        """Return the token string of each text."""
        return self._render(self._prepare(X)[1])
