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
