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
# A place name is kept whole: a name word followed by one of these (幸福 + 路 -> 幸福路, 金桂 + 小区 -> 金桂小区).
PLACE_SUFFIXES = frozenset("路 街 巷 东路 西路 南路 北路 中路 大道 大街 村 苑 园 湾 坊 里 小区 社区 花园 家园 新村 新城 公寓 华庭 华府 名苑 雅苑 广场 "
                           "大厦 商厦 小学 中学 幼儿园 公园 市场 菜市场 农贸市场".split())
# A suffix glued to a position word by jieba (幸福 路上 -> 幸福路 上).
_SUFFIX_THEN = {"路上": "路", "路口": "路", "路边": "路", "路段": "路", "街上": "街", "街口": "街", "街边": "街"}
# Words that never start a place name even before a suffix (这条路, 整个小区, 附近公园).
NOT_PLACE = frozenset("这条 那条 一条 整个 附近 旁边 周边 对面 我们 你们 他们 这个 那个 隔壁 老 新 大 小 在 到 去 从 "
                      "过 马 公交 这边 那边 门口 楼下 门前 前面 后面 里面 作为 身为 关于 对于 位于 住在 来自 经过 通过 靠近 沿着 "
                      "前往 进入 整条 每个 所有 各个 本 该".split())
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

    def __init__(self, place_names: Iterable[str] = (), join_places: bool = True):
        """Remember the place names; the jieba dictionary is built on first use.

        ``join_places`` keeps a name and its place suffix as one token (幸福路); the router's features turn it off,
        since its model was chosen on text segmented without joining.
        """
        self.join_places = join_places
        self._pending = [n for n in place_names if n]
        self._tokenizer = None
        self._lock = threading.Lock()
        self._memo: dict[str, str | None] = {}

    @property
    def loaded(self) -> bool:
        """Whether jieba's dictionary is built (it is on first use, in a second or more)."""
        return self._tokenizer is not None

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
        raw_tokens = self._ready().cut(text, HMM=True)
        for raw in (_join_places(raw_tokens) if self.join_places else raw_tokens):
            try:
                tok = memo[raw]
            except KeyError:
                tok = memo[raw] = _content_word(raw)
            if tok is not None:
                tokens.append(tok)
        return tokens


def _join_places(raw_tokens) -> list[str]:
    """Return jieba's raw tokens with a name word and the place suffix after it joined (幸福 路 -> 幸福路)."""
    out: list[str] = []
    for raw in raw_tokens:
        prev = out[-1] if out else ""
        suffix = _SUFFIX_THEN.get(raw, raw)
        if suffix not in PLACE_SUFFIXES or prev.endswith(suffix):
            out.append(raw)
            continue
        if _name_like(prev):
            out[-1] = prev + suffix
        elif len(out) >= 2 and len(prev) == 1 and _name_like(out[-2] + prev) and prev not in stopwords():
            out[-2:] = [out[-2] + prev + suffix]  # 桃子 湖 社区 -> 桃子湖社区
        else:
            out.append(raw)
            continue
        if raw != suffix:
            out.append(raw[len(suffix):])
    return out


def split_places(tokens: list[str]) -> list[str]:
    """Return tokens with every joined place cut back into its name and suffix (幸福路 -> 幸福), for similarity.

    Text similarity then treats a place named with and without its suffix alike, as before joining; the
    suffix stays a token when it is a word of two or more characters (之城小区 -> 之城, 小区).
    """
    out = []
    for tok in tokens:
        suffix = next((tok[-n:] for n in (3, 2, 1) if len(tok) > n + 1 and tok[-n:] in PLACE_SUFFIXES), None)
        if suffix is None:
            out.append(tok)
            continue
        out.append(tok[: -len(suffix)])
        if len(suffix) > 1 or suffix in KEEP_SINGLE:
            out.append(suffix)
    return out


def _name_like(word: str) -> bool:
    """Tell whether a raw token may be the name part of a place (2-4 CJK characters, not a function word)."""
    return (2 <= len(word) <= 4 and all("\u4e00" <= ch <= "\u9fff" for ch in word) and word not in NOT_PLACE
            and word not in stopwords() and word not in PLACE_SUFFIXES)


@lru_cache(maxsize=1)
def plain_segmenter() -> Segmenter:
    """Return the process-wide segmenter that leaves place names as jieba cuts them (the router's features)."""
    return Segmenter(join_places=False)


@lru_cache(maxsize=1)
def default_segmenter() -> Segmenter:
    """Return the process-wide segmenter without place names."""
    return Segmenter()
