"""Tests for nlp.text.normalise."""

import pytest

from nlp.text import normalise


@pytest.mark.parametrize("raw, expected", [
    ("這裡的煤氣洩漏了", "这里的煤气泄漏了"),  # traditional to simplified
    ("ＡＢＣ１２３", "ABC123"),  # full width to half width
    ("３栋　２单元", "3栋 2单元"),  # ideographic space collapses too
    ("  井盖\n\n缺失\t了  ", "井盖 缺失 了"),
    ("着火了🔥快来人👍🏽", "着火了 快来人"),
    ("积水\u200b很深\x07\ufeff", "积水很深"),  # zero-width, bell, BOM
    ("1️⃣号楼", "1号楼"),  # keycap sequence
    ("气温40℃", "气温40°C"),  # symbols that are not emoji stay (in NFKC form)
    ("", ""),
])
def test_normalise(raw, expected):
    assert normalise(raw) == expected


def test_normalise_is_idempotent():
    once = normalise("電梯困人！！　😀 樓道")
    assert normalise(once) == once


def test_fast_conversion_equals_opencc():
    """The table-driven t2s gives what OpenCC's own converter gives, phrases included."""
    from opencc import OpenCC

    from bench.nlp.textgen import report_texts
    from nlp.text import _converter, _fast_t2s, to_simplified

    fast = _fast_t2s()
    assert fast is not None
    phrases = [k for table in _converter()._dict_chain_data[0] for k in table[2] if len(k) > 1]
    s2t = OpenCC("s2t")
    texts = [s2t.convert(t) for t in report_texts(300)] + [f"说{p}了" for p in phrases] + phrases
    assert any(to_simplified(t) != t for t in texts)
    assert [fast(t) for t in texts] == [_converter().convert(t) for t in texts]


def test_full_width_fold_matches_nfkc():
    import unicodedata

    text = "".join(chr(cp) for cp in range(0xFF01, 0xFF5F)) + "\u3000"
    assert normalise("井盖" + text + "缺失") == unicodedata.normalize("NFKC", "井盖" + text + "缺失").strip()
