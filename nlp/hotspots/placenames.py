"""Place mentions in report text, from a gazetteer learnt on the reports themselves."""

import re
from collections import Counter
from functools import lru_cache
from importlib import resources

import numpy as np
import scipy.sparse as sp

# Words that end a place name; the two to four characters before one are the name's core.
SUFFIXES = sorted(
    "小区 社区 花园 家园 新村 新城 公寓 宿舍 华庭 华府 名都 名居 公馆 名苑 雅苑 花苑 嘉园 雅居 山庄 苑 园 村 湾 "
    "大道 东路 西路 南路 北路 中路 大街 路 街 巷 隧道 大桥 立交 大厦 商厦 广场 农贸市场 菜市场 市场 小学 中学 学校 学院 大学 幼儿园 "
    "医院 公园 化工厂 工厂 厂 工地 车站 酒店 商场 购物中心 风光带 居 府 邸 公馆".split(),
    key=len, reverse=True,
)
_SUFFIX_RE = re.compile("|".join(SUFFIXES))
_SUFFIX_TUPLE = tuple(SUFFIXES)
# What people write right after a place they name without its suffix: 紫汀那边, 紫汀3号楼, 紫汀东门.
_MARKER_RE = re.compile(r"那边|这边|那块|这块|一带|[东南西北]门|\d{1,3}(?:栋|号楼|幢|单元)")
# Suffixes of places larger than one estate or building (a road, a street): less specific in a label.
_WIDE = frozenset("大道 东路 西路 南路 北路 中路 大街 路 街 巷 隧道 大桥 立交 风光带".split())
# Characters that cannot be inside a place name in these texts (function words, verbs, pronouns).
_BREAK = set("在的了是着到这那个我你他她们就也都还又很好把被给从往向对与跟说有没不几去来要让请吗啊呢吧喂嗯呃"
             "条段边外旁前后面门口附近已经送过敢进出往区县市省镇乡")
# Cores that name no particular place.
GENERIC = frozenset("公交 马路 人行 地下 下穿 小区 社区 隧道 附近 周边 对面 路口 大门 楼下 楼上 整个 城市 农村 乡村 "
                    "市区 城区 全市 本市 一条 这条 那条 铁路 道路 公路 高速 马 业主 住宅 安置 配套 学校 医院 公园 "
                    "公司 限公司 有限公司".split())
HEAD = 80  # only the start of a text is searched: that is where reporters name the place
# One-character estate suffixes: one character before such a suffix is a two-character name (翠园, 银苑, 碧居 from
# 碧居那边) unless the two make a common word (邻居, 政府, 校园: SUFFIX_WORDS) or the character is a determiner (该村).
SHORT_SUFFIXES = frozenset("苑园居府邸湾村")
_DETERMINERS = frozenset("该本俺咱同邻全各此每某其整外附")
SUFFIX_WORDS = "suffix_words.txt"  # in nlp/data: jieba's common two-character words ending in a short suffix


@lru_cache(maxsize=1)
def common_suffix_words() -> frozenset[str]:
    """Return the common words that end in a one-character estate suffix (nlp/data/suffix_words.txt)."""
    text = resources.files("nlp").joinpath("data", SUFFIX_WORDS).read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def _short_name(char: str, suffix: str) -> str:
    """Return char + suffix when they name a place of two characters (see SHORT_SUFFIXES), else char."""
    name = char + suffix
    if (suffix in SHORT_SUFFIXES and "\u4e00" <= char <= "\u9fff" and char not in _DETERMINERS
            and name not in common_suffix_words()):
        return name
    return char


def _core(text: str, end: int) -> str:
    """Return up to four name characters ending at end, cut at the last break character."""
    start = max(0, end - 4)
    core = text[start:end]
    for i in range(len(core) - 1, -1, -1):
        if core[i] in _BREAK or not (core[i].isalnum()):
            core = core[i + 1:]
            break
    return core


def suffixed_names(text: str) -> list[str]:
    """Return the cores of names written with a place suffix or marker (桃花岭 from 桃花岭小学, 紫汀 from 紫汀那边)."""
    text = text[:HEAD]
    out = []
    markers = [m for m in _MARKER_RE.finditer(text) if not text[:m.start()].endswith(_SUFFIX_TUPLE)]
    for m in [*_SUFFIX_RE.finditer(text), *markers]:  # a suffixed name before a marker is found by its suffix
        core = _core(text, m.start())
        if len(core) == 1:
            core = _short_name(core, m.group())
        if len(core) >= 2 and core not in GENERIC and sum(ch.isdigit() for ch in core) * 2 < len(core):
            out.append(core)
    return out


def specificity(name: str) -> int:
    """Return 2 for an estate, building or site, 1 for a road or street, 0 for a bare name."""
    suffix = next((s for s in SUFFIXES if name.endswith(s)), None)
    return 0 if suffix is None else 1 if suffix in _WIDE else 2


def gazetteer(texts: list[str], extra=(), min_count: int = 1) -> list[str]:
    """Return name cores found with a suffix in the texts (plus extra names), longest first.

    A core that is another name plus one character (松峰名 beside 松峰, from 松峰名苑 and 松峰那边), a more
    often written name with words before it (投诉伊景 beside 伊景), or one that
    mostly follows or overlaps another name as often written (旧改工程 in 松峰旧改工程东门, 峰回迁楼 in
    松峰回迁楼工地) is a descriptor cut by the four-character window, not a name: it is left out, so the
    other name is found in those texts.
    """
    heads = [t[:HEAD] for t in texts]
    found = [set(suffixed_names(t)) for t in heads]
    counts = Counter(c for f in found for c in f)
    names = {c for c, n in counts.items() if n >= min_count}
    names -= _descriptors(heads, found, names, counts)
    names |= {e for e in extra if e and len(e) >= 2}
    return sorted(names, key=lambda n: (-len(n), n))


def _descriptors(heads: list[str], found: list[set], names: set, counts: Counter) -> set:
    """Return the cores that are another name's descriptor (see gazetteer)."""
    out = {n for n in names if len(n) >= 3 and n[:-1] in names}
    out |= {n for n in names if any(n[k:] in names and counts[n[k:]] >= counts[n] for k in range(1, len(n) - 1))}
    after = Counter()
    for head, cores in zip(heads, found):
        for n in cores:
            start = head.find(n)
            for p in range(max(0, start - 4), start):
                if any(head[p:p + size] in names and 2 * counts[head[p:p + size]] >= counts[n]
                       for size in range(max(2, start - p), min(5, start + len(n) - p))):
                    after[n] += 1
                    break
    return out | {n for n, k in after.items() if 2 * k >= counts[n]}


class Matcher:
    """Find gazetteer names in a text, longest first, without overlaps."""

    def __init__(self, names: list[str]):
        """Index the names by length."""
        self.names = set(names)
        self.lengths = sorted({len(n) for n in self.names}, reverse=True)

    def find(self, text: str) -> list[str]:
        """Return the distinct names mentioned near the start of text, in order of appearance."""
        head = text[:HEAD]
        taken = [False] * len(head)
        found = []
        for size in self.lengths:
            for start in range(len(head) - size + 1):
                if head[start:start + size] in self.names and not any(taken[start:start + size]):
                    taken[start:start + size] = [True] * size
                    found.append((start, head[start:start + size]))
        out = []
        for _, name in sorted(found):
            if name not in out:
                out.append(name)
        return out


def mentions(matcher: Matcher, text: str) -> list[tuple[str, str]]:
    """Return (core, name as written with its suffix) for the places named near the start of text."""
    head = text[:HEAD]
    out = []
    for name in matcher.find(head):
        start = head.find(name)
        suffix = _SUFFIX_RE.match(head, start + len(name))
        out.append((name, name + (suffix.group() if suffix else "")))
    return out


def bigrams(names: list[str]) -> list[str]:
    """Return the character bigrams of the names (the unit of place similarity)."""
    return [n[i:i + 2] for n in names for i in range(len(n) - 1)]


def _same(tokens):
    """Return tokens unchanged (picklable analyzer)."""
    return tokens


def _tokens(names: list[str], key) -> list[str]:
    """Return the place tokens of one report: name bigrams plus its resolved area, if any."""
    return bigrams(names) + ([f"@{key}"] if key else [])


class PlaceModel:
    """Unit vectors of the places a report names (bigram TF-IDF); zero rows for reports naming none."""

    def __init__(self, soft_texts: list[str], keys: list, extra_names=()):
        """Learn the gazetteer and the bigram weights from the reports (see fit_rows for their rows)."""
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.matcher = Matcher(gazetteer(soft_texts, extra_names))
        docs = [_tokens(self.matcher.find(t), k) for t, k in zip(soft_texts, keys)]
        self.vectorizer = TfidfVectorizer(analyzer=_same, binary=True, dtype=np.float32)
        self._fitted = self.vectorizer.fit_transform([d or ["\x00"] for d in docs])
        self._fitted_empty = np.array([not d for d in docs])

    def fit_rows(self):
        """Return (unit rows, has-place flags) of the reports the model was fitted on (once)."""
        from sklearn.preprocessing import normalize

        rows = sp.diags((~self._fitted_empty).astype(np.float32)) @ self._fitted
        self._fitted = None
        rows = normalize(rows).tocsr()
        return rows, np.diff(rows.indptr) > 0

    def names(self, soft_text: str) -> list[str]:
        """Return the known and newly suffixed names a text mentions."""
        found = self.matcher.find(soft_text)
        return found + [n for n in suffixed_names(soft_text) if n not in found]

    def display_names(self, soft_text: str) -> list[tuple[str, str]]:
        """Return (core, name as written) for the places a text names (for labels)."""
        return mentions(self.matcher, soft_text)

    def transform(self, soft_texts: list[str], keys: list):
        """Return (unit rows, has-place flags) for the reports."""
        from sklearn.preprocessing import normalize

        docs = [_tokens(self.names(t), k) for t, k in zip(soft_texts, keys)]
        rows = normalize(self.vectorizer.transform(docs)).tocsr()
        return rows, np.diff(rows.indptr) > 0
