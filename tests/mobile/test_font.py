"""The bundled font covers every character the app can show, and the app makes it Kivy's default."""
import re
from pathlib import Path

from fontTools.ttLib import TTFont

from mobile.gridwatch_mobile.core.i18n import MESSAGES
from mobile.gridwatch_mobile.ui.fonts import FONT_DIR, FONT_FILE

PACKAGE = Path(FONT_FILE).resolve().parents[1]
ROOT = PACKAGE.parents[1]


def _covered() -> set[int]:
    return set(TTFont(str(FONT_FILE)).getBestCmap())


def _missing(text: str, covered: set[int]) -> set[str]:
    return {c for c in text if not re.match(r"\s", c) and ord(c) not in covered}


def test_font_is_small_and_licensed():
    assert FONT_FILE.stat().st_size < 5_000_000
    assert "SIL OPEN FONT LICENSE Version 1.1" in (FONT_DIR / "OFL.txt").read_text(encoding="utf-8")


def test_every_message_and_kv_text_has_a_glyph():
    covered = _covered()
    text = "".join(m for lang in MESSAGES.values() for m in lang.values())
    text += "".join(p.read_text(encoding="utf-8") for p in (PACKAGE / "ui" / "kv").glob("*.kv"))
    assert _missing(text, covered) == set()


def test_server_names_the_app_shows_have_glyphs():
    covered = _covered()
    data = "".join((ROOT / p).read_text(encoding="utf-8") for p in (
        "server/patrols/checklists.json", "triage/data/taxonomy.json", "server/demo/data/areas.json"))
    assert _missing(data, covered) == set()
    common = "".join(bytes([0xB0 + i // 94, 0xA1 + i % 94]).decode("gb2312") for i in range(94 * 39))  # GB2312 level 1
    assert _missing(common, covered) == set()
