"""Similar closed cases: stored vectors, the index's combined score, model cases first, filters."""

import numpy as np
import pytest

from nlp.similar import CaseIndex, CaseRow, Weights, decode, encode, features
from nlp.similar.vectors import N_FEATURES, VERSION

HERE = (28.2000, 112.9700)
NEAR = (28.2010, 112.9710)  # ~0.15 km away
FAR = (28.3000, 113.0800)  # ~15 km away


def _row(case_id, text, category=None, place=(None, None), model=False):
    """A CaseRow from text, as the server builds it from a stored vector."""
    return CaseRow(case_id, encode(text), category, place[0], place[1], model)


@pytest.fixture
def library():
    """A small library: gas leaks near and far, a manhole, a blocked fire exit, a fallen tree."""
    return CaseIndex([
        _row(1, "桂花园小区3栋楼下一股很重的煤气味，闻着头晕", "gas", NEAR),
        _row(2, "桂花园小区3栋楼下一股很重的煤气味，闻着头晕", "gas", FAR),
        _row(3, "枫林公园门口井盖不见了，晚上很容易踩空", "road", NEAR),
        _row(4, "学士路小学消防通道被电动车和杂物堵死了", "fire", NEAR),
        _row(5, "东湖公园那棵大树被风吹歪了，随时可能倒下来", "green", FAR),
        _row(6, "滨江花园地下车库有煤气味，请燃气公司上门检查", "gas", FAR),
    ])


def test_features_are_chinese_bigrams_trigrams_and_words_without_phone_numbers():
    grams = features("你好，煤气味 12号楼 ABC 电话13812345678")
    assert {"煤气", "气味", "煤气味", "号楼", "w:12", "w:abc"} <= set(grams)
    assert not any("13812345678" in g for g in grams)
    assert features("") == [] and features(None) == []


def test_traditional_and_full_width_give_the_same_vector():
    assert decode(encode("煤气泄漏，电线断了")) is not None
    a, b = decode(encode("煤气泄漏，电线断了")), decode(encode("煤氣泄漏，電線斷了"))
    assert np.array_equal(a[0], b[0]) and np.allclose(a[1], b[1])


def test_stored_vector_round_trip_and_unreadable_blobs():
    idx, weights = decode(encode("井盖不见了 井盖不见了"))
    assert idx.dtype == np.int32 and (idx >= 0).all() and (idx < N_FEATURES).all()
    assert weights.max() > 1.0  # repeated grams: sublinear tf 1 + log 2
    assert decode(None) is None and decode(b"") is None
    assert decode(bytes([VERSION + 1]) + b"\0" * 6) is None  # another version is recomputed, not misread
    assert decode(bytes([VERSION]) + b"\0" * 5) is None


def test_same_hazard_nearby_ranks_first(library):
    found = library.search("桂花园小区楼下煤气味很重", category="gas", lat=HERE[0], lon=HERE[1], k=6)
    ids = [m.id for m in found]
    assert ids[:3] == [1, 2, 6]
    assert found[0].same_category and found[0].distance_km < 0.5 and found[0].score > found[1].score
    assert found[1].distance_km > 10
    assert 5 not in ids  # nothing in common with the text: not similar, however the rest scores


def test_place_breaks_ties_between_equal_texts(library):
    far_query = library.search("桂花园小区3栋楼下一股很重的煤气味", category="gas", lat=FAR[0], lon=FAR[1], k=2)
    assert [m.id for m in far_query] == [2, 1]
    assert far_query[0].text == pytest.approx(far_query[1].text)


def test_text_alone_and_unknown_places(library):
    found = library.search("井盖不见了", k=3)
    assert found[0].id == 3 and found[0].distance_km is None and not found[0].same_category
    assert library.search("", k=3) == [] and library.search("井盖", k=0) == []


def test_model_cases_rank_first_when_relevant(library):
    library.set_model(2, True)  # the same text 15 km away
    found = library.search("桂花园小区楼下煤气味很重", category="gas", lat=HERE[0], lon=HERE[1], k=3)
    assert [m.id for m in found] == [2, 1, 6] and found[0].model and not found[1].model
    assert found[0].score < found[1].score  # first because it is a model case, not because it scores more
    # a model case below the floor (little text in common) does not jump the queue
    library.set_model(2, False)
    library.set_model(6, True)
    found = library.search("桂花园小区楼下煤气味很重", category="gas", lat=HERE[0], lon=HERE[1], k=3)
    assert [m.id for m in found] == [1, 2, 6] and found[2].score < Weights().model_floor


def test_model_first_is_capped():
    rows = [_row(i, "井盖不见了，晚上很容易踩空", "road", HERE, model=i > 1) for i in range(1, 7)]
    index = CaseIndex(rows, Weights(model_first=2))
    found = index.search("井盖不见了", category="road", lat=HERE[0], lon=HERE[1], k=6)
    assert [m.model for m in found] == [True, True, False, True, True, True] and found[2].id == 1


def test_filters_exclude_category_and_model_only(library):
    library.set_model(1, True)
    assert 1 not in [m.id for m in library.search("煤气味", exclude=[1, 999], k=6)]
    assert {m.id for m in library.search("煤气味", only_category="gas", k=6)} <= {1, 2, 6}
    assert library.search("井盖", only_category="no-such", k=6) == []
    assert [m.id for m in library.search("煤气味", only_model=True, k=6)] == [1]


def test_a_stored_vector_queries_like_its_text(library):
    by_text = library.search("消防通道被堵死了", k=3)
    by_vector = library.search(vector=encode("消防通道被堵死了"), k=3)
    assert [(m.id, m.score) for m in by_text] == [(m.id, m.score) for m in by_vector]
    assert 4 in library and 99 not in library and len(library) == 6


def test_empty_index_and_cases_without_vectors():
    assert CaseIndex([]).search("煤气味") == []
    index = CaseIndex([CaseRow(1, None, "gas"), _row(2, "煤气味很重", "gas")])
    assert [m.id for m in index.search("煤气味", k=5)] == [2]


def test_a_new_process_gets_the_same_answers_from_the_same_stored_vectors(library):
    rows = [CaseRow(int(i), encode(t), "x") for i, t in [(1, "井盖不见了"), (2, "煤气味"), (3, "井盖松动")]]
    a, b = CaseIndex(rows), CaseIndex(list(rows))
    assert a.search("井盖", k=3) == b.search("井盖", k=3)
