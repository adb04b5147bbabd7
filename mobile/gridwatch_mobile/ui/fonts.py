"""The bundled CJK font (a Noto Sans SC subset) as every widget's default."""
from pathlib import Path

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
FONT_FILE = FONT_DIR / "NotoSansSC-Regular-subset.otf"


def register_default_font() -> str:
    """Make the bundled font Kivy's default (the name ``Roboto`` that every Label uses); returns its path."""
    from kivy.core.text import DEFAULT_FONT, LabelBase
    if not FONT_FILE.exists():
        raise FileNotFoundError(f"bundled font missing: {FONT_FILE.name}")
    path = str(FONT_FILE)
    LabelBase.register(DEFAULT_FONT, fn_regular=path, fn_bold=path, fn_italic=path, fn_bolditalic=path)
    return path
