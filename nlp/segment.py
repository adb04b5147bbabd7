"""Word segmentation with jieba, a public-safety dictionary and place names."""

import threading
import unicodedata
from functools import lru_cache
from importlib import resources
from typing import Iterable

from nlp.text import normalise

# Single characters that carry meaning in hazard reports and are kept as tokens.
KEEP_SINGLE = frozenset("火水电气烟油雨雪冰雷毒蛇狗鼠树桥坑")
PLACE_FREQ = 50000
# Entries in a segmenter's memo of token decisions before it is emptied (bounds memory).
MEMO_SIZE = 200_000


def _data_path(name: str):
    """Return a traversable for a file shipped in nlp/data."""
    return resources.files("nlp").joinpath("data", name)


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """Return the shipped stop-word list."""
    text = _data_path("stopwords.txt").read_text(encoding="utf-8")
    return frozenset(w.strip() for w in text.splitlines() if w.strip())


def _is_noise(token: str) -> bool:
    """Tell whether a token is only punctuation, symbols, spaces or digits."""
    return all(
        ch.isspace() or ch.isdigit() or unicodedata.category(ch)[0] in "PSZ" for ch in token
    )


def _content_word(raw: str) -> str | None:
    """Return a raw jieba token stripped, or None when it is not a content word."""
    tok = raw.strip()
    if not tok or tok in stopwords() or _is_noise(tok):
        return None
    if len(tok) == 1 and tok not in KEEP_SINGLE:
        return None
    return tok


class Segmenter:
    """A private jieba tokenizer loaded with the domain dictionary and extra place names."""

    def __init__(self, place_names: Iterable[str] = ()):
        """Remember the place names; the jieba dictionary is built on first use."""
        self._pending = [n for n in place_names if n]
        self._tokenizer = None
        self._lock = threading.Lock()
        self._memo: dict[str, str | None] = {}

    def _ready(self):
        """Return the initialised tokenizer, building it once."""
        if self._tokenizer is None:
            with self._lock:
                if self._tokenizer is None:
                    import jieba

                    tk = jieba.Tokenizer()
                    tk.initialize()
                    with _data_path("domain_dict.txt").open("rb") as f:
                        tk.load_userdict(f)
                    for name in self._pending:
                        tk.add_word(name, PLACE_FREQ, "ns")
                    self._pending = []
                    self._tokenizer = tk
        return self._tokenizer

    def add_words(self, words: Iterable[str]) -> None:
        """Add words (e.g. place names) to this segmenter's dictionary."""
        words = [normalise(w) for w in words if w and w.strip()]
        with self._lock:
            if self._tokenizer is None:
                self._pending.extend(words)
                return
        for w in words:
            self._tokenizer.add_word(w, PLACE_FREQ, "ns")

    def cut(self, text: str) -> list[str]:
        """Return the content words of text, in order."""
        return self.cut_normalised(normalise(text))

    def cut_normalised(self, text: str) -> list[str]:
        """cut() for text that has already been through nlp.text.normalise (saves a second pass)."""
        if not text:
            return []
        memo = self._memo
        if len(memo) > MEMO_SIZE:
            memo.clear()
        tokens = []
        for raw in self._ready().cut(text, HMM=True):
            try:
                tok = memo[raw]
            except KeyError:
                tok = memo[raw] = _content_word(raw)
            if tok is not None:
                tokens.append(tok)
        return tokens


@lru_cache(maxsize=1)
def default_segmenter() -> Segmenter:
    """Return the process-wide segmenter without place names."""
    return Segmenter()
