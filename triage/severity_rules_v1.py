"""The first severity rules (kept for comparison in bench.triage.severity; the product uses triage.severity).

A category default raised by danger words (negation looked for in a 4-character window), sensitive
places and reporter counts. Measured on held-back reports it over-grades drills, signs and past events.
"""

from nlp.text import normalise
from triage.taxonomy import Subcategory

ROMAN = {1: "Ⅰ", 2: "Ⅱ", 3: "Ⅲ", 4: "Ⅳ"}
LEVEL_NAMES = {1: "特别重大", 2: "重大", 3: "较大", 4: "一般"}
# Danger words and how many levels they raise; only the strongest one found counts.
DANGER_WORDS = {
    **{w: 2 for w in ("爆炸", "死亡", "身亡", "遇难", "多人伤亡", "群死群伤", "多人死亡")},
    **{w: 1 for w in (
        "起火", "着火", "失火", "火灾", "明火", "火势", "冒烟", "被困", "伤亡", "受伤", "重伤",
        "流血", "坍塌", "倒塌", "垮塌", "塌方", "中毒", "昏迷", "晕倒", "窒息", "溺水", "触电",
        "泄漏", "泄露", "失踪", "砸伤",
    )},
}
VULNERABLE_PLACES = (
    "学校", "校园", "幼儿园", "托儿所", "小学", "中学", "医院", "卫生院", "养老院", "敬老院",
    "福利院", "地铁站", "火车站", "商场",
)
NEGATIONS = ("无", "没有", "没人", "未", "不是", "并非")
NEGATION_WINDOW = 4  # characters before a danger word searched for a negation


def _negated(text: str, start: int) -> bool:
    """Tell whether a negation shortly precedes position start ("无人员伤亡")."""
    before = text[max(0, start - NEGATION_WINDOW):start]
    return any(n in before for n in NEGATIONS)


def _found(text: str, words) -> list[str]:
    """Return the words occurring in text without a preceding negation, longest first."""
    found = []
    for word in sorted(words, key=len, reverse=True):
        start = text.find(word)
        while start >= 0 and _negated(text, start):
            start = text.find(word, start + 1)
        if start >= 0 and not any(word in longer for longer in found):
            found.append(word)
    return found


def grade(text: str, category: Subcategory | None, reporters: int = 1) -> tuple[int, list[str]]:
    """Return (level 1..4, reasons): the category default raised by danger words, places and reporters."""
    text = normalise(text or "")
    base = category.default_severity if category else 4
    source = f"类别“{category.name_zh}”" if category else "未分类"
    reasons = [f"{source}默认等级：{ROMAN[base]}级（{LEVEL_NAMES[base]}）"]
    raise_by = 0
    danger = _found(text, DANGER_WORDS)
    if danger:
        step = max(DANGER_WORDS[w] for w in danger)
        raise_by += step
        reasons.append(f"危险词：{'、'.join(danger)}（+{step}）")
    places = _found(text, VULNERABLE_PLACES)
    if places:
        raise_by += 1
        reasons.append(f"敏感场所：{'、'.join(places)}（+1）")
    if reporters >= 5:
        step = 2 if reporters >= 20 else 1
        raise_by += step
        reasons.append(f"多人反映：{reporters}人（+{step}）")
    level = max(1, base - raise_by)
    if base - raise_by < 1:
        reasons.append("已达最高等级：I级（特别重大）")
    return level, reasons
