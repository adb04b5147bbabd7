"""Text normalisation: width, script, whitespace and stray symbols."""

import re
import unicodedata
from functools import lru_cache

# Parts of emoji sequences that vanish: variation selectors, joiner, keycap, skin tones, tags.
_EMOJI_JOINERS = re.compile("[\ufe00-\ufe0f\u200d\u20e3\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f]")
# Pictographs, which become a space (they often separate clauses).
_EMOJI = re.compile(
    "["
    "\U0001f000-\U0001faff"  # mahjong .. symbols and pictographs extended-A
    "\u2600-\u27bf"  # miscellaneous symbols, dingbats
    "\u2300-\u23ff"  # miscellaneous technical (watch, hourglass, ...)
    "\u2b00-\u2bff"  # arrows and stars (e.g. U+2B50 star)
    "]+"
)
_EMOJI_ANY = re.compile(f"{_EMOJI_JOINERS.pattern}|{_EMOJI.pattern}")
# Full-width ASCII (U+FF01..U+FF5E) and the ideographic space, as NFKC maps them.
_FULL_WIDTH = {0xFF01 + i: 0x21 + i for i in range(94)} | {0x3000: 0x20}
_WHITESPACE = re.compile(r"\s+")
# Format, private-use and surrogate code points; control characters other than whitespace.
_DROP_CATEGORIES = {"Cf", "Co", "Cs", "Cn"}


@lru_cache(maxsize=1)
def _converter():
    """Return the shared traditional-to-simplified converter."""
    from opencc import OpenCC

    return OpenCC("t2s")


@lru_cache(maxsize=1)
def _t2s_triggers() -> frozenset[str] | None:
    """Return characters without which t2s conversion is the identity, or None if unknown.

    Every character key of the t2s tables is a trigger. A phrase key none of whose
    characters is a character key can only change text when it maps to something else;
    its first character is then a trigger too. A text with no trigger has no dictionary
    match that changes anything, so converting it would return it unchanged.
    """
    try:
        chain = _converter()._dict_chain_data  # [[(max_len, min_len, table), ...], ...]
        tables = [table for group in chain for _max, _min, table in group]
    except (AttributeError, TypeError, ValueError):
        return None
    chars = {key for table in tables for key in table if len(key) == 1}
    triggers = set(chars)
    for table in tables:
        for key, value in table.items():
            if len(key) > 1 and chars.isdisjoint(key) and value.split(" ")[0] != key:
                triggers.add(key[0])
    return frozenset(triggers)


@lru_cache(maxsize=1)
def _fast_t2s():
    """Return a converter equal to OpenCC t2s built from its own tables, or None if they look different.

    OpenCC's t2s is one group of dictionaries: phrases (matched longest first at the leftmost
    position), then single characters. A regular expression over the phrases finds the same
    matches, and str.translate maps the characters between them, some fifteen times faster
    than the pure-Python converter (checked equal on thousands of texts in the tests).
    """
    try:
        chain = _converter()._dict_chain_data
        (group,) = chain
        phrases, chars = {}, {}
        for _max, _min, table in group:
            for key, value in table.items():
                (chars if len(key) == 1 else phrases)[key] = value.split(" ")[0]
    except (AttributeError, TypeError, ValueError):
        return None
    pattern = re.compile("(" + "|".join(map(re.escape, sorted(phrases, key=len, reverse=True))) + ")")
    table = str.maketrans(chars)

    def convert(text: str) -> str:
        parts = pattern.split(text)  # even: plain text, odd: a matched phrase
        for i in range(0, len(parts), 2):
            parts[i] = parts[i].translate(table)
        for i in range(1, len(parts), 2):
            parts[i] = phrases[parts[i]]
        return "".join(parts)

    return convert


def to_simplified(text: str) -> str:
    """Return text converted from traditional to simplified script (OpenCC t2s)."""
    triggers = _t2s_triggers()
    if triggers is not None and triggers.isdisjoint(text):
        return text
    fast = _fast_t2s()
    return fast(text) if fast is not None else _converter().convert(text)


def _drop_char(ch: str) -> bool:
    """Tell whether a character is a control or invisible code point to remove."""
    cat = unicodedata.category(ch)
    if cat == "Cc":
        return not ch.isspace()
    return cat in _DROP_CATEGORIES


def normalise(text: str) -> str:
    """Return text in NFKC form, simplified script, without emoji or controls, whitespace collapsed."""
    if not text:
        return ""
    if _EMOJI_ANY.search(text):
        text = _EMOJI.sub(" ", _EMOJI_JOINERS.sub("", text))
    # Folding full-width ASCII first lets the quick check pass for most Chinese text,
    # which then skips the (slower) full NFKC pass; the result is the same.
    text = text.translate(_FULL_WIDTH)
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    if not text.isprintable():  # every dropped category is non-printable
        text = "".join(ch for ch in text if not _drop_char(ch))
    text = to_simplified(text)
    return _WHITESPACE.sub(" ", text).strip()
