"""Severity (1 = I 特别重大 ... 4 = IV 一般) as a judgement of consequence × likelihood × exposure, with reasons.

- consequence: casualties the report states (numbers read: "三名工人被送往医院" is 3 people taken to
  hospital) and the potential of the hazard it names (an explosion or a gas leak against a pothole);
- likelihood: whether the hazard is happening now, imminent, a standing condition, hypothetical, past
  or resolved, or only named by a drill, a notice or a sign, or negated; judged clause by clause;
- exposure: who is exposed (children, the elderly, a hospital, a crowd, a whole building, a main road).

Level I needs stated deaths or many casualties (or casualties in a major hazard where the vulnerable are
exposed); level II needs casualties or a major hazard happening. How many people report the hazard
raises the level by one (two from 20 people) but never to I, and to II only beside a real hazard.
Every level comes with reasons: short Chinese phrases naming the evidence ("3人送医", "火灾：正在发生").

Beside the clause rules (``assess``), two learned detectors (triage.severity_detector, trained by
triage.severity_learn) read the text for the ways of saying "people are hurt" or "it is happening" that no word
list holds; ``judge`` lets them raise a level (IV to III, III or IV to II, never to I) when the rules have not
dismissed the report as a drill, a sign, a negation or history (nor to II over a pure worry), and names the
words that drove them.
See docs/severity.md.
"""

from dataclasses import dataclass, field, replace
from functools import lru_cache

from nlp.text import normalise
from triage import severity_detector
from triage import severity_lexicon as lex
from triage.severity_text import (Casualty, Clause, casualties, clauses, exposure, hazard_mentions,
                                  may_state_casualties, word_edges)
from triage.taxonomy import Subcategory

ROMAN = {1: "Ⅰ", 2: "Ⅱ", 3: "Ⅲ", 4: "Ⅳ"}  # the numerals of 特别重大 … 一般 as Chinese text writes them
LEVEL_NAMES = {1: "特别重大", 2: "重大", 3: "较大", 4: "一般"}
# How likely a named hazard is to do harm, by the frame it is named in; and the phrase people read.
LIKELIHOOD = {
    "now": (1.0, "正在发生"), "imminent": (0.8, "随时可能发生"), "occurring": (0.85, "已发生"),
    "near_miss": (0.6, "险些发生"), "rumour": (0.0, "误报或传言，非真实险情"),
    "condition": (0.6, "存在隐患"), "past_recent": (0.6, "近期发生"), "hypothetical": (0.35, "假设情形，非实际发生"),
    "past": (0.25, "过去发生"), "resolved": (0.2, "已处置"), "drill": (0.0, "演练通知，非真实险情"),
    "notice": (0.0, "通知宣传，非真实险情"), "sign": (0.0, "警示标识，非真实险情"), "negated": (0.0, "已否认"),
}
LEVEL_II_RISK = 4.5  # (potential + exposure) × likelihood at or above which a hazard alone is level II
LEVEL_III_RISK = 1.85  # a present hazard of potential 3 (3 × 0.6 = 1.8) with anyone exposed or intense words (docs/severity.md)
# Hazards that put lives at stake as soon as they happen: an explosion, a building falling (level II whenever they
# are named as happening, with no one yet counted), a person about to take their life, an armed attack (level II
# when a short report names them as happening, or any report as happening now: a long letter that names a suicide
# mostly argues about one, "有牵挂也不至于高考后自杀").
LIFE_AT_STAKE = ("explosion", "collapse_major")
LIFE_AT_STAKE_NOW = ("jumper", "attack")
MAJOR = 4  # hazards of this potential or more (fire, gas, toxic, collapse, explosion, ...) are major
SHORT = 120  # characters: a short report's urgent words ("救命", "快来") tell that what it names is happening now
NO_EVIDENCE = "未见险情或伤亡证据"
TRAPPING = ("jumper", "fire", "collapse", "collapse_major", "flood", "flood_major", "landslide", "drowning", "explosion", "gas", "toxic")


@dataclass(frozen=True)
class Hazard:
    """A named hazard as judged: its potential, the frame it is named in and the resulting risk."""

    key: str
    name: str
    potential: float
    frame: str
    likelihood: float
    risk: float


@dataclass
class Judgement:
    """The level and the evidence behind it."""

    level: int
    reasons: list[str]
    hazards: list[Hazard] = field(default_factory=list)
    casualties: list[Casualty] = field(default_factory=list)
    exposure: float = 0.0


def _frame(clause: Clause, event: bool, doc: dict, negated: bool) -> str:
    """Return the frame a hazard named in clause stands in."""
    f = clause.frames
    if negated:
        return "negated"
    if "drill" in f or (doc["drill"] and "real" not in f):
        return "drill"
    if doc["debunked"] and "real" not in f:
        return "rumour"
    for frame in ("sign", "notice", "rumour"):
        if frame in f and "now" not in f:
            return frame
    if "resolved" in f:
        return "resolved"
    if "past_distant" in f:
        return "condition" if "still" in f and not event else "past"  # set up then, there still
    if "imminent" in f:
        return "imminent"
    if "hypothetical" in f:
        return "hypothetical"
    if "near_miss" in f:
        return "near_miss"
    if not event:
        return "condition"  # a standing condition, even one said to exist now
    if "now" in f:
        return "now"
    if doc["resolved"]:
        return "resolved"
    if "past_recent" in f:
        return "past_recent"
    return "now" if doc["now"] else "occurring"


def _real(c: Casualty, parts: list[Clause], doc: dict, hazards: set) -> bool:
    """Tell whether a stated casualty is real: not negated, hypothetical, a near miss, a drill or history."""
    f = parts[c.clause].frames
    if c.negated or doc["drill"] or doc["debunked"] or f & {"drill", "sign", "notice", "rumour", "hypothetical", "near_miss",
                                         "past_distant"}:
        return False
    if "imminent" in f or (c.word in lex.MISSING and doc["found"]):
        return False
    if c.strong:
        return True
    if c.kind == "symptom":
        return c.count >= 3 or bool(hazards & set(lex.SYMPTOM_HAZARDS)) or doc["intake"]
    if c.kind == "hospital":  # an inpatient, of a hazard named or of what was eaten
        return bool(hazards) or doc["intake"]
    return bool(hazards - {"road", "food", "animal", "water", "fight"})  # weak trapping needs a hazard


def _casualty_level(real: list[Casualty], active: list[Hazard], exposed: set) -> int:
    """Return the level the stated casualties alone call for (4 when none)."""
    most = {kind: max((c.count for c in real if c.kind == kind), default=0) for kind in lex.CASUALTY_WORDS}
    deaths, trapped, critical = most["death"], most["trapped"], most["critical"]
    injured = max(most["injury"], most["hospital"], critical)
    hurt = max(injured, most["symptom"])
    if deaths >= 3 or injured >= 10 or most["symptom"] >= 30 or trapped >= 10:
        return 1
    major = any(h.potential >= MAJOR and h.likelihood >= 0.85 for h in active)
    trapping = any(h.key in TRAPPING and h.likelihood >= 0.6 for h in active)
    vulnerable = bool(exposed & {"children", "elderly", "hospital", "crowd"})
    if deaths or hurt >= 3 or critical:
        return 1 if major and vulnerable and (deaths or hurt >= 3) else 2
    pinned = max((c.count for c in real if c.kind == "trapped" and c.word in lex.PINNED), default=0)
    only_lift = {h.key for h in active} == {"elevator"}
    missing = any(c.kind == "trapped" and c.word in lex.MISSING for c in real)  # a child or an old person
    if missing or (trapped and trapping) or (pinned and not only_lift) or (injured and major) \
            or (hurt >= 2 and vulnerable):
        return 2
    if hurt or trapped:
        return 3
    return 4


@dataclass(frozen=True)
class _Reading:
    """What the clause rules read in a text alone, before its category and its reporters count."""

    level: int
    reasons: tuple[str, ...]
    hazards: tuple[Hazard, ...]
    real: tuple[Casualty, ...]
    active: bool  # a hazard named as likely (likelihood ≥ 0.6) and of major potential
    dismissed: bool
    drill: bool
    exposure: float


def read_ahead(text: str) -> None:
    """Read a text's clauses now, so that grading it later (with any category and reporters count) skips that part:
    the pipeline reads a batch's texts before it locks the cases they join, and grades them under the locks."""
    _read(text or "")


def assess(text: str, category: Subcategory | None = None, reporters: int = 1) -> Judgement:
    """Judge a report's severity; see the module's docstring."""
    read = _read(text or "")
    level, reasons = read.level, list(read.reasons)
    dismissed = read.dismissed
    if category is not None and not dismissed:
        prior = 3 if category.default_severity <= 3 else 4
        if prior < level:
            level = prior
            reasons.append(f"类别“{category.name_zh}”：不低于{ROMAN[prior]}级")
    if reporters >= 5 and not dismissed:
        floor = 2 if read.real or read.active else 3
        step = 2 if reporters >= 20 else 1
        raised = max(floor, level - step)
        if raised < level:
            reasons.append(f"多人反映：{reporters}人（可信度提高，+{level - raised}级）")
            level = raised
        else:
            reasons.append(f"多人反映：{reporters}人")
    if read.drill and not read.real and LIKELIHOOD["drill"][1] not in " ".join(reasons):
        reasons.insert(0, LIKELIHOOD["drill"][1])
    if not reasons:
        reasons.append(NO_EVIDENCE)
    return Judgement(level, reasons, list(read.hazards), list(read.real), read.exposure)


@lru_cache(maxsize=1024)
def _read(text: str) -> _Reading:
    """The clause rules' reading of a text (kept for the last texts read: a batch reads them before it grades)."""
    text = normalise(text)
    parts = clauses(text)
    frames = [c.frames for c in parts]
    doc = {"drill": any("drill" in f for f in frames) and not any("real" in f for f in frames),
           "resolved": any("resolved" in f and not {"hypothetical", "now"} & f for f in frames),
           "debunked": any(w in text for w in lex.DEBUNKED) and not any("real" in f for f in frames),
           "now": len(text) <= SHORT and any(w in text for w in lex.URGENT),
           "intake": any(w in text for w in lex.FOOD_INTAKE),
           "found": any(w in text for w in lex.FOUND)}
    groups, exposed_count = exposure(text)
    sentences: dict[int, str] = {}
    for clause in parts:
        sentences[clause.sentence] = sentences.get(clause.sentence, "") + "，" + clause.text
    scoped = {n: _exposure_weight(*exposure(t if len(text) > SHORT else text), t) for n, t in sentences.items()}

    hazards: list[Hazard] = []
    for m in hazard_mentions(parts, word_edges(text)):
        name, potential, event, _ = lex.HAZARDS[m.hazard]
        clause = parts[m.clause]
        frame = _frame(clause, event or m.active, doc, m.negated)
        likelihood = LIKELIHOOD[frame][0]
        if likelihood and any(w in clause.text for w in lex.INTENSE):
            potential += 0.5
        expo = scoped[clause.sentence]
        hazards.append(Hazard(m.hazard, name, potential, frame, likelihood, (potential + expo) * likelihood))
    active = [h for h in hazards if h.likelihood >= 0.6]
    named = {h.key for h in hazards if h.likelihood > 0}
    stated = casualties(parts)
    real = [c for c in stated if _real(c, parts, doc, named)]
    feared = [c for c in stated if not c.negated and not doc["drill"] and not doc["debunked"]
              and parts[c.clause].frames & {"hypothetical", "imminent"}]
    exposed = {key for key, _, _ in (groups if len(text) <= SHORT else
                                     [g for c in real for g in exposure(sentences[parts[c.clause].sentence])[0]])}

    best = max(hazards, key=lambda h: h.risk, default=None)
    risk = (best.risk if best else 0.0) + (0.3 if feared else 0.0)
    level = 2 if risk >= LEVEL_II_RISK else 3 if risk >= LEVEL_III_RISK else 4
    if level == 2 and best.frame == "imminent":
        level = 3  # imminence alone (a warning, a swaying sign) never makes level II
    if any(h.key in LIFE_AT_STAKE and h.likelihood >= 0.85 for h in hazards) or any(
            h.key in LIFE_AT_STAKE_NOW and (h.frame == "now" or h.likelihood >= 0.85 and len(text) <= SHORT)
            for h in hazards):
        level = min(level, 2)
    level = min(level, _casualty_level(real, active, exposed))

    reasons = [c.phrase for c in _strongest(real)]
    reasons += _hazard_reasons(hazards)
    if any(c.negated for c in stated) and not real:
        reasons.append("未见人员伤亡")
    if feared and not real:
        reasons.append("可能危及人身安全")
    if level < 4 or active:
        reasons += [reason for _, reason, _ in groups][:3]
        if exposed_count >= 20:
            reasons.append(f"影响约{exposed_count}人（户）")

    dismissed = bool(hazards) and not any(h.likelihood >= 0.35 for h in hazards) and not real
    return _Reading(level, tuple(reasons), tuple(hazards), tuple(real), any(h.potential >= MAJOR for h in active),
                    dismissed, doc["drill"], max(scoped.values(), default=0.0))


def _exposure_weight(groups, count: int, text: str) -> float:
    """Return how much exposure adds to a hazard's consequence: the largest group, a share of the others,
    and more when many people are counted or evacuated."""
    weights = sorted((w for _, _, w in groups), reverse=True)
    expo = (weights[0] + 0.3 * sum(weights[1:])) if weights else 0.0
    expo += 0.5 if count >= 100 else 0.3 if count >= 20 else 0.0
    expo += 0.5 if any(w in text for w in lex.EVACUATION) else 0.0
    return min(expo, 1.8)


def _strongest(real: list[Casualty]) -> list[Casualty]:
    """Return one casualty per kind, the largest number, in order of gravity."""
    best = {}
    for c in real:
        if c.kind not in best or c.count > best[c.kind].count:
            best[c.kind] = c
    return [best[k] for k in ("death", "critical", "injury", "hospital", "symptom", "trapped") if k in best]


def _hazard_reasons(hazards: list[Hazard]) -> list[str]:
    """Return "火灾：正在发生" for the riskiest hazards, and why dismissed ones do not count."""
    out, seen = [], set()
    for h in sorted(hazards, key=lambda h: (-h.risk, -h.potential)):
        if h.key in seen or (h.likelihood < 0.35 and h.likelihood and len(out) >= 2):
            continue
        seen.add(h.key)
        out.append(f"{h.name}：{LIKELIHOOD[h.frame][1]}")
        if len(out) == 3:
            break
    return out


def _dismissed(judged: Judgement) -> bool:
    """Tell whether the rules set the report aside: a drill, or every hazard and casualty negated, past or a sign."""
    if judged.casualties:
        return False
    if LIKELIHOOD["drill"][1] in judged.reasons or "未见人员伤亡" in judged.reasons:
        return True
    return bool(judged.hazards) and not any(h.likelihood >= 0.35 for h in judged.hazards)


def _only_feared(judged: Judgement) -> bool:
    """Tell whether every hazard the rules found is supposed ("如果着火了…") or set aside, and no one is hurt: a
    worry, which the serious detector may not raise to level II (the notable one may still raise it to III)."""
    return bool(judged.hazards) and not judged.casualties \
        and all(h.frame == "hypothetical" or h.likelihood < 0.35 for h in judged.hazards)


def judge(text: str, category: Subcategory | None = None, reporters: int = 1,
          detectors: "severity_detector.Detectors | None | str" = "default") -> Judgement:
    """Judge a report by the clause rules, then let the learned detectors raise its level (see the module)."""
    judged = assess(text, category, reporters)
    return learned(judged, text, severity_detector.default() if detectors == "default" else detectors)


def learned(judged: Judgement, text: str, detectors: "severity_detector.Detectors | None") -> Judgement:
    """Return the rules' judgement of text, raised where a detector is sure enough and the rules allow it."""
    if detectors is None or judged.level <= 2 or _dismissed(judged):
        return judged
    plain = normalise(text or "")
    kept = [r for r in judged.reasons if r != NO_EVIDENCE]
    if not _only_feared(judged) and _names_people(plain):
        prob, words = detectors.serious.score(plain)
        if prob >= detectors.serious.threshold:
            return replace(judged, level=2, reasons=[_learned_reason("可能有人员伤亡或重大险情正在发生", prob, words), *kept])
    if judged.level == 4:
        prob, words = detectors.notable.score(plain)
        if prob >= detectors.notable.threshold:
            return replace(judged, level=3, reasons=[_learned_reason("可能存在实际险情", prob, words), *kept])
    return judged


def _names_people(text: str) -> bool:
    """Tell whether a report names anyone, or a place where people are ("电动车起火" names neither): level II is
    about lives, so the serious detector may not raise a report that names no one."""
    return any(w in text for w in lex.HUMAN + lex.PEOPLE_PLACES) or bool(exposure(text)[0])


def _learned_reason(what: str, prob: float, words: list[str]) -> str:
    """Return the reason a detector gives: what it judged, how sure, and the words behind it."""
    said = "".join(f"“{w}”" for w in words)
    return f"模型研判：{what}（{prob:.0%}{'，依据' + said if said else ''}）"


def may_reach_level_one(text: str) -> bool:
    """Tell whether a text could be judged level I at all: only stated casualties reach it, and each is found by a
    casualty word or a toll ("2死5伤") in the text. False means no judgement of this text, with any category and
    reporters, is level I: a case already at level II need not be graded again for it (a cheap scan, not a
    judgement)."""
    return may_state_casualties(normalise(text or ""))


def grade(text: str, category: Subcategory | None, reporters: int = 1,
          detectors: "severity_detector.Detectors | None | str" = "default") -> tuple[int, list[str]]:
    """Return (level 1..4, reasons) for a report's text, its category if known and how many people report it.

    detectors: "default" (the shipped file), None (the clause rules alone) or a triage.severity_detector.Detectors.
    """
    judged = judge(text, category, reporters, detectors)
    return judged.level, judged.reasons


def rules_grade(text: str, category: Subcategory | None, reporters: int = 1) -> tuple[int, list[str]]:
    """Return the clause rules' (level, reasons) alone, without the learned detectors (for comparison)."""
    return grade(text, category, reporters, detectors=None)
