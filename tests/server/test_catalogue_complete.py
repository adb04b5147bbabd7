"""Every message the API raises at a person has its Chinese: a new English message without a catalogue entry fails
here, before a Chinese reader gets the code's generic sentence instead of what is wrong."""
import ast
from pathlib import Path

import pytest

from server.web.i18n import to_chinese

ROOT = Path(__file__).resolve().parents[2] / "server"
# Not read by people through the API: start-up and command-line errors (operators read English logs), internals
# raised only to be logged, and Open311 (an English standard for machines).
SKIP_DIRS = {"open311", "migrations", "demo", "cli"}
SKIP_FILES = {"config.py", "tasks/worker.py", "hotspots/citywide.py", "media/remux.py", "media/storage.py",
              "cases/deadlines.py", "accounts/service.py"}
SKIP_TEXTS = {"PIL.ImageFile.LOAD_TRUNCATED_IMAGES must be False to validate uploads"}


def _text(node) -> str | None:
    """A literal's text; an f-string's with each value as {v0}, {v1}…"""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        parts, n = [], 0
        for value in node.values:
            if isinstance(value, ast.Constant):
                parts.append(value.value)
            else:
                parts.append(f"{{v{n}}}")
                n += 1
        return "".join(parts)
    return None


def _messages(node: ast.Raise):
    """The texts a raise passes: its arguments and the messages in a field-errors dict."""
    call = node.exc
    args = list(call.args) + [k.value for k in call.keywords]
    texts = [_text(a) for a in args]
    for arg in args:
        if isinstance(arg, ast.Dict):
            texts += [_text(e) for v in arg.values if isinstance(v, ast.List) for e in v.elts]
    return [t for t in texts if t]


def _raised():
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if SKIP_DIRS & set(path.relative_to(ROOT).parts) or relative in SKIP_FILES:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                continue
            texts = _messages(node)
            if any(any("\u4e00" <= c <= "\u9fff" for c in t) for t in texts):
                continue  # the raise carries its own Chinese
            for text in texts:
                if " " in text and text not in SKIP_TEXTS:  # a sentence, not a code
                    yield relative, text


MESSAGES = sorted(set(_raised()))


def test_the_scan_finds_the_api_messages():
    texts = {t for _, t in MESSAGES}
    assert "Say what the hazard is: give text, a voice recording or a photo." in texts
    assert len(MESSAGES) > 50


@pytest.mark.parametrize("where, text", MESSAGES)
def test_every_raised_message_has_its_chinese(where, text):
    probe = text.format(**{f"v{i}": "7" for i in range(text.count("{v"))}) if "{v" in text else text
    assert to_chinese(probe) is not None, f"{where}: add {text!r} to server/web/catalogue_zh.py"
