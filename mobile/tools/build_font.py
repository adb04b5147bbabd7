"""Build the app's font: Noto Sans SC cut down to GB2312, ASCII, punctuation and every character the app and
the demo data use. Run from the repository root: ``python mobile/tools/build_font.py [SOURCE.ttc|.otf]``.
Needs fontTools (``pip install fonttools``) and the Noto CJK font (Debian: ``fonts-noto-cjk``)."""
import argparse
import json
import re
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "mobile" / "gridwatch_mobile" / "fonts" / "NotoSansSC-Regular-subset.otf"
SOURCES = [Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
           Path("/usr/share/fonts/opentype/noto-cjk/NotoSansCJK-Regular.ttc")]
TEXT_FILES = ["mobile/gridwatch_mobile/**/*.py", "mobile/gridwatch_mobile/**/*.kv", "server/demo/data/*.json",
              "server/patrols/*.json", "triage/data/*.json", "triage/lifecycle.py", "server/cases/presenters.py"]


def gb2312() -> set[str]:
    """Every character of GB2312 (6,763 hanzi and its symbols)."""
    chars = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return chars


def used_characters() -> set[str]:
    """Characters in the app's sources and the data it shows."""
    chars = set()
    for pattern in TEXT_FILES:
        for path in ROOT.glob(pattern):
            text = path.read_text(encoding="utf-8")
            if path.suffix == ".json":
                text = json.dumps(json.loads(text), ensure_ascii=False)
            chars |= set(text)
    return {c for c in chars if not re.match(r"\s", c)}


def wanted() -> set[str]:
    punctuation = set("　、。〈〉《》「」『』【】〔〕！＂＃＄％＆＇（）＊＋，－．／：；＜＝＞？＠［＼］＾＿｀｛｜｝～·—–‘’“”…‹›•℃")
    ascii_chars = {chr(c) for c in range(0x20, 0x7F)}
    digits_full = {chr(c) for c in range(0xFF10, 0xFF1A)}
    return gb2312() | ascii_chars | punctuation | digits_full | used_characters()


def load_sc(source: Path) -> TTFont:
    """The Simplified Chinese face of a Noto CJK collection (or the font itself)."""
    if source.suffix.lower() == ".ttc":
        for font in TTCollection(str(source)).fonts:
            if font["name"].getDebugName(4) == "Noto Sans CJK SC":
                return font
        raise SystemExit(f"no 'Noto Sans CJK SC' in {source}")
    return TTFont(str(source))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("source", nargs="?", type=Path)
    args = parser.parse_args()
    source = args.source or next((p for p in SOURCES if p.exists()), None)
    if source is None:
        raise SystemExit("Noto Sans CJK not found: apt-get install fonts-noto-cjk, or pass the .ttc/.otf path")
    font = load_sc(source)
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False
    options.desubroutinize = False
    subsetter = subset.Subsetter(options)
    cmap = font.getBestCmap()
    chars = sorted(c for c in wanted() if ord(c) in cmap)
    subsetter.populate(unicodes=[ord(c) for c in chars])
    subsetter.subset(font)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(OUT))
    print(f"{OUT.relative_to(ROOT)}: {len(chars)} characters, {OUT.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
