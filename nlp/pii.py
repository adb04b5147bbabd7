"""Masking of personal data: phone, ID card, bank card numbers and licence plates."""

import re

# Digits are matched with \d so that full-width digits are caught before normalisation too.
_ID_CARD = re.compile(
    r"(?<![\dA-Za-z])(\d{6})((?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3})([\dXx])(?![\dA-Za-z])"
)
_MOBILE = re.compile(
    r"(?<![\dA-Za-z])((?:\+?86[\s-]?)?)(1[3-9]\d)[\s-]?(\d{4})[\s-]?(\d{4})(?![\dA-Za-z])"
)
# 16-19 digits, plain or in groups of four separated by one space or dash.
_BANK_CARD = re.compile(
    r"(?<![\dA-Za-z])(?:\d{16,19}|\d{4}(?:[\s-]\d{4}){3}(?:[\s-]?\d{1,3})?)(?![\dA-Za-z])"
)
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
    if not text:
        return text
    text = _ID_CARD.sub(_mask_id, text)
    text = _BANK_CARD.sub(_mask_bank, text)
    text = _MOBILE.sub(_mask_mobile, text)
    return _PLATE.sub(_mask_plate, text)
