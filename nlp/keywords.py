"""TF-IDF keyword extraction over segmented tokens."""

import json
import math
import os
import re
import statistics
from collections import Counter
from functools import lru_cache
from typing import Iterable, Mapping

# What nlp.pii puts in place of personal data: a fragment of a masked number or plate is never a keyword.
MASK_CHAR = "*"
# Fillers: words that say nothing about a hazard. The rule: a word made only of function characters
# (有个, 全是, 人来, 都是), a demonstrative or numeral with a classifier (这种, 一块), a hedge or degree word
# opening a fragment (差点, 好像, 特别), or a word of FILLER_WORDS (存在, 出现 ...).
FUNCTION_CHARS = frozenset("的了着过地得是在有个这那些都全就还也又很太好把被给从往向对与跟说没不几去来要让请吗啊呢吧"
                           "人们我你他她它其每各某一两点种样么啥怎咋哪谁此该老才再更最挺蛮真")
FILLER_WORDS = frozenset("存在 出现 发生 进行 导致 造成 感觉 觉得 好像 似乎 可能 应该 已经 一直 经常 总是 差点 差不多 几乎 "
                         "到处 整个 特别 非常 十分 严重 根本 实在 简直 居然 竟然 还是 就是 然后 那个 这个 一下 一些 有点 "
                         "东西 事情 地方 时候 情况 问题 现象 反映 希望 麻烦 赶紧 马上 怎么 为什么 什么 没人 有人 不敢".split())
_FILLER_PATTERN = re.compile(r"^(?:[一二两三几这那哪每某各][个些种样块次下点条处位件天]|[差好特真太挺超巨][点像别是的大]"
                             r"|[全都净尽][是部]|[很太挺超巨好真特][大小多少高重]|.{0,2}[了着过吧呢啊吗嘛]|[有没][个些点人])$")


def is_filler(word: str) -> bool:
    """Tell whether a word says nothing a reader could act on (see FUNCTION_CHARS and FILLER_WORDS)."""
    word = word.strip()
    if not word or word in FILLER_WORDS or all(ch in FUNCTION_CHARS for ch in word):
        return True
    return bool(_FILLER_PATTERN.match(word))


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
    become a keyword. Fillers (is_filler) are skipped too.

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
    counts = Counter(t for t in tokens if MASK_CHAR not in t and not is_filler(t))  # in order of first occurrence
    total = len(tokens)
    scored = [(w, c / total * table.get(w, default)) for w, c in counts.items()]
    scored.sort(key=_by_weight)  # stable: ties stay in order of first occurrence
    return scored[:top_k]


def _by_weight(pair: tuple[str, float]) -> float:
    """Sort key: highest weight first."""
    return -pair[1]
