"""Render one synthetic hazard report in a given style from the phrase bank."""

import json
import re
from functools import lru_cache
from pathlib import Path

STYLES = ("app", "app", "app", "voice", "voice", "hotline", "patrol", "short", "traditional", "follow")
_PUNCT = re.compile(r"[，。！？、,.!?：:]+")


@lru_cache(maxsize=1)
def bank() -> dict:
    """Return the phrase bank shipped next to this module."""
    return json.loads((Path(__file__).with_name("phrases.json")).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _to_traditional():
    """Return a simplified-to-traditional converter."""
    from opencc import OpenCC

    return OpenCC("s2t")


def fill(rng, template: str, road2: str = "") -> str:
    """Fill the {b} {u} {n} {d} {road2} slots of a phrase."""
    return template.format(b=rng.randint(1, 30), u=rng.randint(1, 4), n=rng.randint(1, 399),
                           d=rng.choice((20, 30, 40, 50, 60, 80)), road2=road2)


def _typo(rng, text: str, rate: float) -> str:
    """Swap words for homophones, as speech recognition and hasty typing do."""
    for right, wrong in bank()["homophones"]:
        if right in text and rng.random() < rate:
            text = text.replace(right, wrong, 1)
    return text


def _where(rng, inc: dict) -> str:
    """Return how this reporter names the place: full, alias, sub-location only, or nothing."""
    roll = rng.random()
    name = inc["name"] if roll < 0.45 else rng.choice(inc["aliases"]) if roll < 0.7 else ""
    if name and rng.random() < 0.15:
        name = inc["district"] + name
    return name + (inc["sub"] if rng.random() < 0.6 or not name else "")


def render(rng, haz: dict, inc: dict, style: str) -> str:
    """Return one report text about incident inc (hazard haz) in style."""
    b = bank()
    core = fill(rng, rng.choice(haz["core"]))
    extra = rng.choice(haz["extra"]) if rng.random() < 0.6 else ""
    ask = rng.choice(haz["ask"]) if rng.random() < 0.5 else ""
    if style in ("hotline", "patrol"):
        formal = fill(rng, rng.choice(haz["formal"]))
        place = (inc["district"] if rng.random() < 0.5 else "") + inc["name"] + inc["sub"]
        opener = rng.choice(b[f"{style}_openers"])
        tail = f"，{extra}" if extra and style == "hotline" else ""
        text = f"{opener}{place}{formal}{tail}，{ask or '请相关部门尽快处理'}。"
        if style == "hotline" and rng.random() < 0.3:
            text += f"联系电话1{rng.randint(3, 9)}{rng.randint(100000000, 999999999)}。"
        return _typo(rng, text, 0.05)
    if style == "voice":
        words = [rng.choice(b["voice_openers"]), _where(rng, inc), rng.choice(b["fillers"]),
                 _PUNCT.sub(" ", core), rng.choice(b["fillers"]) if rng.random() < 0.4 else "",
                 _PUNCT.sub(" ", extra), rng.choice(b["voice_closers"])]
        return _typo(rng, " ".join(w for w in words if w).strip(), 0.35)
    if style == "short":
        return _typo(rng, (_where(rng, inc) if rng.random() < 0.5 else "") + core + rng.choice(b["endings"]), 0.15)
    if style == "follow":
        lead = inc["sub"] if rng.random() < 0.4 else rng.choice(inc["aliases"]) if rng.random() < 0.3 else ""
        return _typo(rng, lead + rng.choice(haz["follow"]) + rng.choice(b["endings"]), 0.1)
    parts = [_where(rng, inc) + core, extra, ask]
    text = "，".join(p for p in parts if p) + rng.choice(b["endings"])
    if style == "traditional":
        return _to_traditional().convert(text)
    return _typo(rng, text, 0.15)


def render_unrelated(rng, where: str, deck: list) -> str:
    """Return an unrelated one-off complaint drawn from deck (refilled when empty), maybe with a place."""
    if not deck:
        deck.extend(rng.sample(bank()["unrelated"], len(bank()["unrelated"])))
    text = deck.pop()
    return _typo(rng, (where + "，" if where else "") + text, 0.1)
