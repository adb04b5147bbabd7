"""Tests for nlp.keywords."""

import math

import pytest

from nlp.keywords import IdfTable, extract, fit_idf, load_idf, save_idf


def test_fit_idf_is_smoothed_and_rare_words_weigh_more():
    idf = fit_idf([["井盖", "缺失"], ["井盖", "积水"], ["井盖", "积水", "积水"]])
    assert idf["井盖"] == pytest.approx(math.log(4 / 4) + 1)
    assert idf["缺失"] == pytest.approx(math.log(4 / 2) + 1)
    assert idf["缺失"] > idf["积水"] > idf["井盖"]


def test_extract_with_fitted_idf():
    idf = {"井盖": 1.0, "缺失": 3.0, "路口": 2.5}
    result = extract(["井盖", "井盖", "缺失", "路口"], top_k=2, idf=idf)
    assert [w for w, _ in result] == ["缺失", "路口"]
    assert result[0][1] == pytest.approx(0.25 * 3.0)
    # Unknown words get the median idf (2.5 here).
    assert dict(extract(["陌生词", "井盖"], idf=idf))["陌生词"] == pytest.approx(0.5 * 2.5)
    # Equal scores keep the order of first occurrence.
    assert [w for w, _ in extract(["路口", "井盖", "井盖"], idf={"路口": 2.0, "井盖": 1.0})] == ["路口", "井盖"]


def test_extract_with_jieba_default_idf():
    result = extract(["燃气", "泄漏", "燃气", "小区", "楼下"], top_k=3)
    assert len(result) == 3
    assert result[0][0] == "燃气"
    scores = [s for _, s in result]
    assert scores == sorted(scores, reverse=True)


def test_extract_empty():
    assert extract([]) == []
    assert extract(["井盖"], top_k=0) == []


def test_idf_round_trips_through_json(tmp_path):
    idf = fit_idf([["井盖", "缺失"], ["井盖", "积水"], ["燃气泄漏"]])
    path = tmp_path / "idf.json"
    save_idf(idf, path)
    loaded = load_idf(path)
    assert isinstance(loaded, IdfTable) and loaded == pytest.approx(idf)
    assert loaded.median == pytest.approx(idf.median)
    (tmp_path / "bad.json").write_text('["井盖"]', encoding="utf-8")
    with pytest.raises(ValueError):
        load_idf(tmp_path / "bad.json")


def test_extract_uses_the_platform_idf_over_jieba_default():
    tokens = ["井盖", "缺失", "井盖"]
    # A corpus where 井盖 is everywhere and 缺失 is rare turns jieba's ranking around.
    idf = fit_idf([["井盖"]] * 50 + [["井盖", "缺失"]])
    assert extract(tokens, top_k=1)[0][0] == "井盖"
    assert extract(tokens, top_k=1, idf=idf)[0][0] == "缺失"
    assert extract(tokens, idf=idf) == extract(tokens, idf=dict(idf))
    assert dict(extract(["陌生词"], idf=idf))["陌生词"] == pytest.approx(idf.median)


def test_idf_table_is_read_only():
    idf = IdfTable({"井盖": 1.0, "缺失": 3.0})
    assert idf.median == pytest.approx(2.0) and IdfTable().median == 1.0
    with pytest.raises(TypeError):
        idf["积水"] = 2.0
    with pytest.raises(TypeError):
        idf.update({"积水": 2.0})
    import pickle
    again = pickle.loads(pickle.dumps(idf))
    assert again == idf and again.median == idf.median


def test_masked_fragments_are_never_keywords():
    tokens = ["车牌", "湘A***45", "***", "消防通道", "138****0001", "消防通道"]
    words = [w for w, _ in extract(tokens, top_k=10, idf={"车牌": 2.0, "消防通道": 3.0})]
    assert words == ["消防通道", "车牌"]


def test_keywords_of_masked_text_hold_no_personal_numbers():
    from nlp.pii import mask
    from nlp.segment import Segmenter
    from nlp.text import normalise
    raw = "车牌湘A12345的车停在消防通道，车主电话138.0000.0001，身份证110101-1990-0307-123X"
    tokens = Segmenter().cut_normalised(normalise(mask(raw)))
    words = [w for w, _ in extract(tokens, top_k=20)]
    assert "消防通道" in words
    for secret in ("A12345", "12345", "0000", "13800000001", "19900307", "110101"):
        assert not any(secret in w for w in words + tokens), (secret, words, tokens)


def test_fillers_are_found_by_rule_not_only_by_list():
    from nlp.keywords import FILLER_WORDS, is_filler

    # none of these is in the list: function characters only, numeral/demonstrative + classifier, degree words
    unseen = ["有些", "那种", "一块", "都是", "好多", "没个", "太多", "这样"]
    assert not set(unseen) & FILLER_WORDS
    assert all(is_filler(w) for w in unseen)
    assert not any(is_filler(w) for w in ["燃气", "井盖", "积水", "渣土车", "电梯", "外墙", "幸福路", "消防通道"])


def test_keywords_of_a_report_are_readable():
    from nlp.segment import default_segmenter

    text = "红旗路那边有个井盖没了，都是水，差点有人掉下去，好多车绕着走"
    words = [w for w, _ in extract(default_segmenter().cut(text), top_k=8)]
    assert "红旗路" in words and "红旗" not in words
    assert "井盖" in words
    assert not {"有个", "都是", "差点", "好多"} & set(words)


def test_place_names_with_a_suffix_stay_whole():
    from nlp.segment import default_segmenter, split_places

    seg = default_segmenter()
    assert "青禾路" in seg.cut("青禾路上积水很深")
    assert "望江苑小区" in seg.cut("望江苑小区3栋燃气泄漏") or "望江苑" in seg.cut("望江苑小区3栋燃气泄漏")
    assert "整个小区" not in seg.cut("整个小区都停电了")
    assert split_places(["青禾路", "井盖"]) == ["青禾", "井盖"]
