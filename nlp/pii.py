"""Masking of personal data: phone, ID card, bank card numbers and licence plates.

Numbers are found as *runs*: digit groups (ASCII, full-width or Chinese numerals such as 一三八 / 幺 / 〇, never
mixed within a group) joined by at most one separator (a space, ``-``, ``.``, ``·``, ``_``, a comma). Within a run,
consecutive groups are tried against the shapes people write these numbers in — ``13800000001``,
``138 0000 0001``, ``138.0000.0001``, ``一三八零零零零零零零一``, ``110101 19900307 1234``,
``110101-1990-0307-123X``, ``6222 0212 3456 7890`` — and only those shapes are masked, so dates, amounts, house
numbers, coordinates and lists of numbers are left alone.
"""

import re

# Full-width digits and Latin letters are folded to ASCII first (as NFKC would do).
_FOLD = {cp: cp - 0xFEE0 for r in ((0xFF10, 0xFF1A), (0xFF21, 0xFF3B), (0xFF41, 0xFF5B)) for cp in range(*r)}
# Chinese numerals as read out digit by digit (幺 is how 1 is said in phone numbers; 〇/○ are written zeros).
_CN_DIGITS = {"零": "0", "〇": "0", "○": "0", "一": "1", "幺": "1", "二": "2", "三": "3", "四": "4", "五": "5",
              "六": "6", "七": "7", "八": "8", "九": "9"}
_CN = "".join(_CN_DIGITS)
# Separators between digit groups: "strong" ones (spaces, dashes) and "weak" ones that also occur in decimals and
# amounts (dots, commas), which only count in shapes no decimal or amount has (two or more of them).
_STRONG = "-－—–_·•"
_WEAK = ".．,，、"
_GROUP = rf"(?:[0-9]+(?:[Xx](?![0-9A-Za-z]))?|[{_CN}]+)"
# A separator, or nothing where the script changes (138零零零零0001); never nothing inside one script, so that a
# run splits into groups one way only (no backtracking blow-up on long runs).
_SEP = (rf"(?:[ \t\u3000]{{0,2}}[{re.escape(_STRONG + _WEAK)}][ \t\u3000]{{0,2}}|[ \t\u3000]{{1,2}}"
        rf"|(?<=[0-9Xx])(?=[{_CN}])|(?<=[{_CN}])(?=[0-9]))")
_RUN = re.compile(rf"(?<![0-9A-Za-z{_CN}]){_GROUP}(?:{_SEP}{_GROUP})*(?![0-9A-Za-z])")
_PIECE = re.compile(_GROUP)
# Every pattern below needs an ASCII digit or letter after folding full width, a Chinese numeral, or (for the
# case-insensitive plate pattern) one of the two non-ASCII letters that fold to ASCII: ſ, K.
_ANY_ALNUM = re.compile(rf"[0-9A-Za-z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\u017f\u212a{_CN}]")
_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
# Province, office letter, optional separator, then 5 (ordinary) or 6 (new-energy) characters,
# or 4 characters and a trailer/learner/police suffix.
_PLATE = re.compile(
    rf"([{_PROVINCES}][A-HJ-NP-Z])[·•\s-]?"
    r"([A-HJ-NP-Z0-9]{5,6}(?![A-Za-z0-9])|[A-HJ-NP-Z0-9]{4}[挂学警])",
    re.IGNORECASE,
)
# Group shapes (lengths of the digit groups, in order) a mobile number is written in.
_MOBILE_SHAPES = {(11,), (3, 4, 4), (3, 8), (4, 3, 4), (7, 4), (1,) * 11}
_MOBILE_WEAK_SHAPES = {(3, 4, 4), (4, 3, 4), (1,) * 11}
_MAX_GROUPS = 11


def _mask_plate(m: re.Match) -> str:
    """Keep the province, office letter and last two characters of a plate."""
    body = m.group(2).upper()
    return m.group(1).upper() + "*" * (len(body) - 2) + body[-2:]


def _valid_birth(digits: str) -> bool:
    """Whether an 8-digit YYYYMMDD can be a birth date on an ID card."""
    year, month, day = digits[:4], int(digits[4:6]), int(digits[6:8])
    return year[:2] in ("18", "19", "20") and 1 <= month <= 12 and 1 <= day <= 31


def _kind(digits: str, shape: tuple[int, ...], weak: bool) -> str | None:
    """What a sequence of digit groups is: ``mobile``, ``id``, ``bank`` or None."""
    n = len(digits)
    if "X" in digits[:-1]:
        return None
    if n == 11 and digits[0] == "1" and digits[1] in "3456789" and shape in _MOBILE_SHAPES:
        return "mobile" if not weak or shape in _MOBILE_WEAK_SHAPES else None
    if n in (13, 15) and shape == (n,) and digits.startswith("86" if n == 13 else "0086"):
        rest = digits[n - 11:]
        return "mobile+cc" if rest[0] == "1" and rest[1] in "3456789" else None
    if n == 18 and digits[:17].isdigit() and (shape == (18,) or (shape[0] == 6 and len(shape) <= 5)) \
            and _valid_birth(digits[6:14]):
        return "id" if not weak or len(shape) >= 3 else None
    if 16 <= n <= 19 and digits.isdigit() and not weak:
        fours = shape[:4] == (4, 4, 4, 4) and (len(shape) == 4 or (len(shape) == 5 and shape[4] <= 3))
        if shape == (n,) or fours:
            return "bank"
    return None


def _masked(kind: str, chars: list[str]) -> str:
    """The replacement: the characters kept, in their own script, around the stars."""
    n = len(chars)
    if kind == "mobile":
        return "".join(chars[:3]) + "****" + "".join(chars[-4:])
    if kind == "mobile+cc":
        cc = n - 11
        return "".join(chars[:cc + 3]) + "****" + "".join(chars[-4:])
    if kind == "id":
        return "".join(chars[:6]) + "*" * 8 + "".join(chars[-4:])
    return "*" * (n - 4) + "".join(chars[-4:])


def _mask_run(m: re.Match) -> str:
    """Mask every personal number among a run's digit groups; leave the rest of the run as it is."""
    run = m.group(0)
    pieces = [(p.start(), p.end()) for p in _PIECE.finditer(run)]
    out, done, i = [], 0, 0
    while i < len(pieces):
        found = None
        for j in range(min(len(pieces), i + _MAX_GROUPS), i, -1):  # the longest match first
            chars = [c for start, end in pieces[i:j] for c in run[start:end]]
            digits = "".join(_CN_DIGITS.get(c, c.upper()) for c in chars)
            between = run[pieces[i][1]:pieces[j - 1][0]]
            weak = any(c in _WEAK for c in between)
            kind = _kind(digits, tuple(end - start for start, end in pieces[i:j]), weak)
            if kind:
                found = (j, _masked(kind, chars))
                break
        if found is None:
            i += 1
            continue
        j, replacement = found
        out.append(run[done:pieces[i][0]] + replacement)
        done, i = pieces[j - 1][1], j
    out.append(run[done:])
    return "".join(out)


def mask(text: str) -> str:
    """Return text with mobile, ID card and bank card numbers and licence plates masked."""
    if not text or not _ANY_ALNUM.search(text):
        return text
    text = text.translate(_FOLD)
    text = _RUN.sub(_mask_run, text)
    return _PLATE.sub(_mask_plate, text)
