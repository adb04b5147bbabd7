"""Place mentions in report text, from a gazetteer learnt on the reports themselves."""

import re
from collections import Counter

# Words that end a place name; the two to four characters before one are the name's core.
SUFFIXES = sorted(
    "小区 社区 花园 家园 新村 新城 公寓 宿舍 华庭 华府 名都 名居 公馆 苑 园 村 湾 "
    "大道 路 街 巷 隧道 大桥 立交 大厦 商厦 广场 农贸市场 菜市场 市场 小学 中学 学校 学院 大学 幼儿园 "
    "医院 公园 化工厂 工厂 厂 工地 车站 酒店 商场 购物中心 风光带".split(),
    key=len, reverse=True,
)
_SUFFIX_RE = re.compile("|".join(SUFFIXES))
# Characters that cannot be inside a place name in these texts (function words, verbs, pronouns).
_BREAK = set("在的了是着到这那个我你他她们就也都还又很好把被给从往向对与跟说有没不几去来要让请吗啊呢吧喂嗯呃"
             "条段边里外旁前后面门口附近已经送过敢进出往区县市省镇乡")
# Cores that name no particular place.
GENERIC = frozenset("公交 马路 人行 地下 下穿 小区 社区 隧道 附近 周边 对面 路口 大门 楼下 楼上 整个 城市 农村 乡村 "
                    "市区 城区 全市 本市 一条 这条 那条 铁路 道路 公路 高速 马 业主 住宅 安置 配套 学校 医院 公园".split())
HEAD = 80  # only the start of a text is searched: that is where reporters name the place


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
    """Return the cores of names written with a place suffix (e.g. 桃花岭 from 桃花岭小学)."""
    text = text[:HEAD]
    out = []
    for m in _SUFFIX_RE.finditer(text):
        core = _core(text, m.start())
        if len(core) >= 2 and core not in GENERIC and not core.isdigit():
            out.append(core)
    return out


def gazetteer(texts: list[str], extra=(), min_count: int = 1) -> list[str]:
    """Return name cores found with a suffix in the texts (plus extra names), longest first."""
    counts = Counter(c for t in texts for c in set(suffixed_names(t)))
    names = {c for c, n in counts.items() if n >= min_count} | {e for e in extra if e and len(e) >= 2}
    return sorted(names, key=lambda n: (-len(n), n))


class Matcher:
    """Find gazetteer names in a text, longest first, without overlaps."""

    def __init__(self, names: list[str]):
        """Compile one alternation of all names (longest first)."""
        self.names = list(names)
        self._re = re.compile("|".join(re.escape(n) for n in self.names)) if self.names else None

    def find(self, text: str) -> list[str]:
        """Return the distinct names mentioned near the start of text, in order."""
        if self._re is None:
            return []
        seen = []
        for m in self._re.finditer(text[:HEAD]):
            if m.group() not in seen:
                seen.append(m.group())
        return seen


def bigrams(names: list[str]) -> list[str]:
    """Return the character bigrams of the names (the unit of place similarity)."""
    return [n[i:i + 2] for n in names for i in range(len(n) - 1)]
