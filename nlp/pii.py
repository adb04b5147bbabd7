"""Masking of personal data: phone, ID card, bank card numbers and licence plates."""

import re

# Full-width digits and Latin letters are folded to ASCII first (as NFKC would do).
_FOLD = {cp: cp - 0xFEE0 for r in ((0xFF10, 0xFF1A), (0xFF21, 0xFF3B), (0xFF41, 0xFF5B)) for cp in range(*r)}
_ID_CARD = re.compile(
    r"(?<![0-9A-Za-z])([0-9]{6})((?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3})([0-9Xx])(?![0-9A-Za-z])"
)
_MOBILE = re.compile(
    r"(?<![0-9A-Za-z])((?:\+?86[\s-]?)?)(1[3-9][0-9])[\s-]?([0-9]{4})[\s-]?([0-9]{4})(?![0-9A-Za-z])"
)
# 16-19 digits, plain or in groups of four separated by one space or dash.
_BANK_CARD = re.compile(
    r"(?<![0-9A-Za-z])(?:[0-9]{16,19}|[0-9]{4}(?:[\s-][0-9]{4}){3}(?:[\s-]?[0-9]{1,3})?)(?![0-9A-Za-z])"
)
# Every pattern below needs an ASCII digit or letter after folding full width (or, for the
# case-insensitive plate pattern, one of the two non-ASCII letters that fold to ASCII: ſ, K).
_ANY_ALNUM = re.compile(r"[0-9A-Za-z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\u017f\u212a]")
_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
# Province, office letter, optional separator, then 5 (ordinary) or 6 (new-energy) characters,
# or 4 characters and a trailer/learner/police suffix.
_PLATE = re.compile(
    rf"([{_PROVINCES}][A-HJ-NP-Z])[·•\s-]?"
    r"([A-HJ-NP-Z0-9]{5,6}(?![A-Za-z0-9])|[A-HJ-NP-Z0-9]{4}[挂学警])",
    re.IGNORECASE,
)


def _digits(s: str) -> str:
    """Return only the digits of s."""
    return "".join(ch for ch in s if ch.isdigit())


def _mask_id(m: re.Match) -> str:
    """Keep the region code and last four characters of an ID card number."""
    return m.group(1) + "*" * 8 + m.group(2)[-3:] + m.group(3)


def _mask_mobile(m: re.Match) -> str:
    """Keep the first three and last four digits of a mobile number."""
    return m.group(1) + m.group(2) + "****" + m.group(4)


def _mask_bank(m: re.Match) -> str:
    """Keep the last four digits of a card number."""
    digits = _digits(m.group(0))
    if not 16 <= len(digits) <= 19:
        return m.group(0)
    return "*" * (len(digits) - 4) + digits[-4:]


def _mask_plate(m: re.Match) -> str:
    """Keep the province, office letter and last two characters of a plate."""
    body = m.group(2).upper()
    return m.group(1).upper() + "*" * (len(body) - 2) + body[-2:]


def mask(text: str) -> str:
    """Return text with mobile, ID card and bank card numbers and licence plates masked."""
    if not text or not _ANY_ALNUM.search(text):
        return text
    text = text.translate(_FOLD)
    text = _ID_CARD.sub(_mask_id, text)
    text = _BANK_CARD.sub(_mask_bank, text)
    text = _MOBILE.sub(_mask_mobile, text)
    return _PLATE.sub(_mask_plate, text)
