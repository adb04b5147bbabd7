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
