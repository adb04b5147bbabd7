"""Text every writer can emit: characters XML 1.0 forbids dropped (one helper for every XML writer).

XML 1.0 allows tab, newline, carriage return and U+0020-U+D7FF, U+E000-U+FFFD, U+10000-U+10FFFF; a single other
character (a vertical tab, a backspace, a NUL, a lone surrogate, U+FFFE) makes a whole document ill-formed for every
reader. Lone surrogates cannot be encoded as UTF-8 either, so JSON writers drop them too.
"""
import re

_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def xml_text(value: str) -> str:
    """``value`` without the characters XML 1.0 forbids."""
    return _NOT_XML.sub("", value)


def utf8_text(value: str) -> str:
    """``value`` without lone surrogates (which UTF-8 cannot encode)."""
    return _SURROGATE.sub("", value)
