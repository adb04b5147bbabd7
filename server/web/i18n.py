"""The API's language: Simplified Chinese unless ``Accept-Language`` asks for English; messages translated by the
catalogue (``server/web/catalogue_zh.py``, keyed by the English text, ``{name}`` placeholders matching any value).

An error body keeps its stable ``code``; its ``message`` and field messages are translated when the body is written
(``server.web.errors``). A Chinese reader never gets an English sentence: a message the catalogue lacks is replaced
by the generic sentence for its code (field messages: a generic one), and logged so that the catalogue can grow.
"""
import logging
import re
from functools import lru_cache

from flask import has_request_context, request
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from server.web.catalogue_zh import CODE_ZH, STATUS_ZH, ZH

log = logging.getLogger(__name__)
LANGS = ("zh", "en")
_HAN = re.compile(r"[\u3400-\u9fff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
_FIELD_FALLBACK = "取值无效。"


def request_lang() -> str:
    """The caller's language: ``en`` when Accept-Language prefers English to Chinese, else ``zh``."""
    if not has_request_context():
        return "zh"
    return _lang_of(request.headers.get("Accept-Language"))


@lru_cache(maxsize=256)
def _lang_of(header: str | None) -> str:
    """The language an Accept-Language header asks for (a phone sends the same header with every request)."""
    return parse_accept_header(header, LanguageAccept).best_match(LANGS, default="zh") or "zh"


@lru_cache(maxsize=1)
def _patterns() -> list[tuple[re.Pattern, str]]:
    """The catalogue's templates with placeholders, as regular expressions (longest first: most specific)."""
    out = []
    for english, chinese in sorted(ZH.items(), key=lambda kv: -len(kv[0])):
        if "{" not in english:
            continue
        parts = re.split(r"\{(\w+)\}", english)
        regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts))
        out.append((re.compile(regex + r"\Z", re.S), chinese))
    return out


@lru_cache(maxsize=1)
def _reverse() -> dict[str, str]:
    """Chinese text back to its English (for an English reader of a message written in Chinese)."""
    return {chinese: english for english, chinese in ZH.items() if "{" not in english}


def to_chinese(text: str) -> str | None:
    """The Chinese of an English message, or None when the catalogue has none."""
    if text in ZH:
        return ZH[text]
    for regex, chinese in _patterns():
        found = regex.match(text)
        if found:
            values = {k: ZH.get(v, v) for k, v in found.groupdict().items()}
            return chinese.format(**values)
    return None


def shows_english(text: str) -> bool:
    """Whether a message would show a Chinese reader English words (not Chinese, and words of Latin letters)."""
    return not _HAN.search(text) and bool(_LATIN_WORD.search(text))


def translate(text: str, lang: str, fallback: str | None = None) -> str:
    """A message in ``lang``: Chinese from the catalogue (else ``fallback`` when the text is English); English as
    written, or back from the catalogue when it was written in Chinese."""
    if not isinstance(text, str):
        return text
    if lang == "en":
        return _reverse().get(text, text)
    chinese = to_chinese(text)
    if chinese is not None:
        return chinese
    if fallback is not None and shows_english(text):
        log.info("no Chinese for the message %r", text)
        return fallback
    return text


def translate_errors(errors, lang: str):
    """Field messages (nested dicts and lists, as marshmallow gives them) in ``lang``."""
    if isinstance(errors, dict):
        return {key: translate_errors(value, lang) for key, value in errors.items()}
    if isinstance(errors, (list, tuple)):
        return [translate_errors(value, lang) for value in errors]
    return translate(errors, lang, _FIELD_FALLBACK)


def code_message(code: str, status: int) -> str:
    """The generic Chinese sentence for an error code (else for its status)."""
    return CODE_ZH.get(code) or STATUS_ZH.get(status) or STATUS_ZH[400 if status < 500 else 500]


def translate_answer(status: int, code: str, message: str, errors: dict, lang: str) -> tuple[str, dict]:
    """An error's message and field errors in ``lang`` (its code and status stay)."""
    return translate(message, lang, code_message(code, status)), translate_errors(errors or {}, lang)
