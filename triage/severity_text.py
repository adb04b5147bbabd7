"""Reading a report for the severity judgement: clauses, their frames, hazard mentions, casualties, numbers.

A report is split into clauses (on 。！？；，、, line breaks and conjunctions such as 但是, 结果, 幸好).
Each clause carries frames: when its events stand in time (now, imminent, recent or distant past,
resolved), whether it is hypothetical, a drill, a notice or a sign, and where a negation begins.
A negation covers what follows it in its own clause only ("没有闻到煤气味" negates the smell;
"电动车起火，无人员伤亡" negates the casualties, not the fire).
"""

import re
from dataclasses import dataclass, field
from functools import lru_cache

from triage import severity_lexicon as lex

_SENTENCE = re.compile(r"[。！？；!?;\n\r]+")
_SPLIT = re.compile(r"[，、,.:：]+|\s+|(?=但是|不过|可是|结果|幸好|好在|幸亏|还好|所以|因为|然后|而且|并且)")
_QUOTED = re.compile(r"[“\"「『‘]([^”\"」』’]{1,40})[”\"」』’]")
_YEAR = re.compile(r"(?:19|20)\d\d年")
# "过去" as a time ("过去这里出过事", "在过去", "过去三年"), not as a verb's direction ("涌过去", "昏过去了").
# Ten floors or more ("28层", "三十几层", "十几层楼"): a tower whose people are exposed (not 层次, 层面).
_HIGH_RISE = re.compile(r"(?:[1-9]\d|[二三四五六七八九几]?十[一二三四五六七八九几]?)多?层(?![次面级])")
_PAST_WORD = re.compile(r"(?<![\u4e00-\u9fff])过去|在过去|过去(?=曾|[几一两三四五六七八九十半数多]+[年个月天周])")
_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
           "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
_NUM = r"(\d+|[零〇一二两俩三四五六七八九十百千万几数]+)"
_CLASSIFIER = r"(?:多|余|来)?(?:名|个|位|口|户|家|人|具|例|批)"
# A count before a casualty word: "三名工人", "十几个孩子", "2人"; or after it: "送医3人", "死了一个人".
_COUNT_BEFORE = re.compile(_NUM + _CLASSIFIER + r"(?!小时|钟头|星期|礼拜|月|工作日)")  # "四个小时" counts no one
_COUNT_AFTER = re.compile(r"^了?(?:有)?" + _NUM + r"(?:多|余|来)?(?:名|个|位|人)")
_INTENSIFIER = re.compile(r"[吵烦热气累饿笑急闷臭困冷堵挤忙穷坑怕吓愁馋憋疼痛丑懒恨枯渴晒]死|死了?[一二三四五六七八九十几多\d]+年")
_SHORT_TOLL = re.compile(_NUM + r"人?(死|伤)(?![亡者员害])")


def cn_number(token: str) -> tuple[int | None, str]:
    """Return the number a numeral stands for and how to show it: "三" 3, "十几" 10+ ("十余"), "几十" 20+."""
    if token.isdigit():
        return int(token), token
    approx = "几" in token or "数" in token
    if token in ("几", "数"):
        return 3, "数"
    if token in ("几十", "数十"):
        return 20, "数十"
    if token in ("几百", "数百"):
        return 200, "数百"
    total, current = 0, 0
    for ch in token.replace("几", "").replace("数", ""):
        if ch in _DIGITS:
            current = _DIGITS[ch]
        elif ch in _UNITS:
            total += (current or 1) * _UNITS[ch]
            current = 0
        else:
            return None, token
    value = total + current
    if not value:
        return None, token
    return value, (f"{value}余" if approx else str(value))


@dataclass
class Clause:
    """One clause of a report and its frames."""

    text: str
    frames: set = field(default_factory=set)
    negation_at: int = -1  # index of the first negation cue, or -1
    sentence: int = 0
    start: int = 0  # where the clause starts in the normalised text

    def negated_at(self, pos: int) -> bool:
        """Tell whether a negation in this clause precedes position pos."""
        return 0 <= self.negation_at < pos


@dataclass
class Mention:
    """A hazard named in a clause."""

    hazard: str
    word: str
    clause: int
    negated: bool
    active: bool = False  # a condition's word that says it is happening ("冒火花")


@dataclass(frozen=True)
class Casualty:
    """People harmed (or trapped) as a clause states it."""

    kind: str  # death, injury, hospital, symptom, trapped
    count: int
    shown: str  # the count as people read it: "3", "多", "10余"
    word: str
    clause: int
    negated: bool
    strong: bool = True

    @property
    def phrase(self) -> str:
        """Return the evidence in a few characters, e.g. "3人送医"."""
        return f"{self.shown}人{lex.CASUALTY_LABELS[self.kind]}"


@lru_cache(maxsize=None)
def _alternation(words: tuple) -> re.Pattern:
    """Return one compiled pattern matching any of the words (the lexicon's word lists are tuples)."""
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


def _first(text: str, words: tuple) -> int:
    """Return the position of the first word of words found in text, or -1."""
    found = _alternation(words).search(text)  # the leftmost position where any of them starts
    return found.start() if found else -1


def _has(text: str, words: tuple) -> bool:
    """Tell whether any of the words occurs in text."""
    return _alternation(words).search(text) is not None


def _negation_at(text: str) -> int:
    """Return where the first real negation cue of a clause starts (look-alikes such as 无法, 淹没 skipped)."""
    masked = text
    for word in lex.NOT_NEGATIONS:
        masked = masked.replace(word, "#" * len(word))
    return _first(masked, lex.NEGATIONS)


def frames_of(text: str) -> set:
    """Return the frames a clause's own words put it in."""
    frames = set()
    if _has(text, lex.REAL):
        frames.add("real")
    if _has(text, lex.DRILL) and "real" not in frames:
        frames.add("drill")
    if _has(text, lex.NOTICE):
        frames.add("notice")
    if _has(text, lex.SIGN):
        frames.add("sign")
    if _has(text, lex.RUMOUR):
        frames.add("rumour")
    if _has(text, lex.IMMINENT):
        frames.add("imminent")
    elif _has(text, lex.HYPOTHETICAL):
        frames.add("hypothetical")
        if not _has(_masked(text, lex.QUESTION), lex.HYPOTHETICAL):
            frames.add("question")  # only asked: the clauses after it are not in doubt
    if _has(text, lex.NOW):
        frames.add("now")
    if _has(text, lex.PAST_DISTANT) or _PAST_WORD.search(text) or (_YEAR.search(text) and "今年" not in text):
        frames.add("past_distant")
        if _has(text, lex.STILL):
            frames.add("still")
    elif _has(text, lex.PAST_RECENT):
        frames.add("past_recent")
    if _has(text, lex.RESOLVED):
        frames.add("resolved")
    if _has(text, lex.NEAR_MISS):
        frames.add("near_miss")
    return frames


def _segments(text: str):
    """Yield (piece, quoted) for the text outside and inside quotation marks (“小心燃气” on a sign)."""
    at = 0
    for match in _QUOTED.finditer(text):
        if match.start() > at:
            yield text[at:match.start()], False
        yield match.group(1), True
        at = match.end()
    if at < len(text):
        yield text[at:], False


def clauses(text: str) -> list[Clause]:
    """Split normalised text into clauses with their frames and negation positions.

    Quoted words are a sign's or a notice's ("写着“小心爆炸”"). Hypotheticals, drills, notices, signs and
    rumours run on to the following clauses of their sentence; a past time ("昨晚", "2018年") runs on
    until a clause speaks of the present again.
    """
    out: list[Clause] = []
    past: set = set()
    at = 0
    for number, sentence in enumerate(_SENTENCE.split(text)):
        carried: set = set()
        for piece, quoted in _segments(sentence):
            for part in (p.strip() for p in _SPLIT.split(piece) if p and p.strip()):
                at = max(text.find(part, at), at)
                own = frames_of(part)
                if quoted:
                    own.add("sign")
                if own & {"past_distant", "past_recent"}:
                    past = own & {"past_distant", "past_recent"}
                elif "now" in own or _has(part, lex.PRESENT):
                    past = set()
                frames = set(own)
                if not own & {"now", "real"}:
                    frames |= carried
                if not own & {"now", "imminent"} and not _has(part, lex.PRESENT):
                    frames |= past
                carried |= own & set(lex.CARRIED) - ({"hypothetical"} if "question" in own else set())
                out.append(Clause(part, frames, _negation_at(part), number, at))
    return out


@lru_cache(maxsize=1)
def _tokenizer():
    import jieba

    tk = jieba.Tokenizer()
    tk.initialize()
    return tk


def word_edges(text: str) -> tuple[set[int], set[int]]:
    """Return the positions where jieba's words begin and end in text (a hazard word must begin or end at one)."""
    if not text:
        return set(), set()
    tokens = list(_tokenizer().tokenize(text))
    return {start for _, start, _ in tokens}, {end for _, _, end in tokens}


def _masked(text: str, words: tuple) -> str:
    """Return text with each of the words, in order, replaced by as many "#" (most texts hold none of them)."""
    if not _has(text, words):
        return text
    for word in words:
        text = text.replace(word, "#" * len(word))
    return text


def hazard_mentions(parts: list[Clause], edges: tuple[set[int], set[int]] | None = None) -> list[Mention]:
    """Return every hazard named in the clauses (one per hazard and clause, the earliest word).

    With edges (word_edges of the whole text), a word must begin or end where a jieba word does:
    "挑起火头" names no fire, "引起火灾" names one by 火灾, "草烧起来" one by 烧起来.
    """
    found = []
    index = _hazard_index()
    for i, clause in enumerate(parts):
        text = _masked(clause.text, lex.NOT_HAZARD)
        first: dict[str, tuple[int, str]] = {}  # hazard -> its earliest (position, word) in this clause
        for p, ch in enumerate(text):
            for word, keys in index.get(ch, ()):
                if text.startswith(word, p) and (edges is None or clause.start + p in edges[0]
                                                 or clause.start + p + len(word) in edges[1]):
                    for key in keys:
                        if key not in first or (p, word) < first[key]:
                            first[key] = (p, word)
        for key, pattern in _hazard_patterns():
            match = pattern.search(text)
            if match and (key not in first or match.start() < first[key][0]):
                first[key] = (match.start(), match.group())
        for key, (_, _, _, words) in lex.HAZARDS.items():
            if key in first:
                at, word = first[key]
                active = any(w in clause.text for w in lex.ACTIVE_WORDS if w in words)
                found.append(Mention(key, word, i, clause.negated_at(at), active))
    return found


@lru_cache(maxsize=1)
def _hazard_patterns() -> list[tuple[str, re.Pattern]]:
    """Return the lexicon's hazard patterns, compiled (words with other words between their parts)."""
    return [(key, re.compile(pattern)) for key, patterns in lex.HAZARD_PATTERNS.items() for pattern in patterns]


@lru_cache(maxsize=1)
def _hazard_index() -> dict[str, list[tuple[str, tuple[str, ...]]]]:
    """Return the hazard words by their first character, each with the hazards it names: one pass over a
    clause finds every occurrence of every word (overlapping ones too)."""
    keys_of: dict[str, list[str]] = {}
    for key, (_, _, _, words) in lex.HAZARDS.items():
        for word in words:
            keys_of.setdefault(word, []).append(key)
    index: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for word, keys in keys_of.items():
        index.setdefault(word[0], []).append((word, tuple(keys)))
    return index


def _count_near(clause: str, start: int, end: int) -> tuple[int, str]:
    """Return the number of people a casualty word at clause[start:end] concerns, and how to show it."""
    before = clause[:start]
    for match in reversed(list(_COUNT_BEFORE.finditer(before))):
        value, shown = cn_number(match.group(1))
        if value:
            return value, shown
    after = _COUNT_AFTER.match(clause[end:])
    if after:
        value, shown = cn_number(after.group(1))
        if value:
            return value, shown
    for word, value in lex.MANY_PEOPLE:
        if word in before:
            return value, "多"
    return 1, "1"


def casualties(parts: list[Clause]) -> list[Casualty]:
    """Return the casualties the clauses state, with their numbers ("三名工人被送往医院" -> 3 hospital).

    Everything found here starts at a toll or a casualty word: ``may_state_casualties`` relies on it (a case at
    level II skips grading texts with neither), so a new way of finding casualties must be added there too."""
    found = []
    for i, clause in enumerate(parts):
        text = _INTENSIFIER.sub("##", clause.text)
        for word in lex.NOT_CASUALTY:
            text = text.replace(word, "#" * len(word))
        for match in _SHORT_TOLL.finditer(text):  # "2死5伤"
            value, shown = cn_number(match.group(1))
            if value:
                kind = "death" if match.group(2) == "死" else "injury"
                found.append(Casualty(kind, value, shown, match.group(0), i, clause.negated_at(match.start())))
        for kind, words in lex.CASUALTY_WORDS.items():
            hits = sorted(((text.find(w), w) for w in words if w in text), key=lambda h: (h[0], -len(h[1])))
            if not hits or any(c.clause == i and c.kind == kind for c in found):
                continue
            at, word = hits[0]
            if _has(text[at + len(word):at + len(word) + 4], lex.UNKNOWN_AFTER) or _not_human(text[:at]) \
                    or (word in lex.MISSING and _has(text[:at], lex.PETS)):  # "我家的狗走丢了"
                continue
            count, shown = _count_near(text, at, at + len(word))
            if count == 1 and i and parts[i - 1].sentence == clause.sentence:  # "几个工人下井，一个接一个晕倒"
                before = _count_near(parts[i - 1].text, len(parts[i - 1].text), len(parts[i - 1].text))
                count, shown = before if before[0] > 1 else (count, shown)
            if kind == "symptom":
                strong = _has(text, lex.STRONG_SYMPTOMS)
            else:
                strong = word not in (lex.WEAK_TRAPPED if kind == "trapped" else
                                      lex.WEAK_HOSPITAL if kind == "hospital" else ())
            found.append(Casualty(kind, count, shown, word, i, clause.negated_at(at), strong))
    return found


def may_state_casualties(text: str) -> bool:
    """Tell whether ``casualties`` could find anything in a normalised text: a toll or a casualty word occurs in it
    (each clause is a part of the text, and what ``casualties`` masks out only removes words)."""
    return bool(_SHORT_TOLL.search(text)) or any(w in text for words in lex.CASUALTY_WORDS.values() for w in words)


def _not_human(before: str) -> bool:
    """Tell whether what a casualty word follows names animals, plants or things and no people ("鱼大量死亡")."""
    return _has(before[-8:], lex.NOT_HUMAN) and not _has(before[-8:], lex.HUMAN)


def exposure(text: str) -> tuple[list[tuple[str, str, float]], int]:
    """Return who is exposed (key, reason, weight) and how many people the text says, if it says."""
    groups = []
    for key, (reason, weight, words) in lex.EXPOSURE.items():
        masked = text.replace("送往医院", "").replace("送到医院", "").replace("送医院", "").replace("去医院", "")
        if _has(masked, words):
            groups.append((key, reason, weight))
    if _HIGH_RISE.search(text) and not any(key == "building" for key, _, _ in groups):
        reason, weight, _ = lex.EXPOSURE["building"]
        groups.append(("building", reason, weight))  # "我们这栋28层", "三十几层的楼": a whole tower above
    count = max((n for w, n in lex.MANY_EXPOSED if w in text), default=0)
    for match in re.finditer(r"(\d+)\s*(?:多|余)?(?:户|名|人|个学生|个孩子)", text):
        count = max(count, int(match.group(1)))
    return groups, count
