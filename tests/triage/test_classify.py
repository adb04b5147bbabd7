"""Tests for triage.classify.KeywordClassifier."""

import pytest

from triage.classify import KeywordClassifier, keyword_weight
from triage.taxonomy import load_default


@pytest.fixture(scope="module")
def clf():
    return KeywordClassifier(load_default())


@pytest.mark.parametrize("text, expected", [
    ("小区楼下闻到很浓的煤气味", "accident.gas_leak"),
    ("楼道里有人飞线充电，电动车堵住消防通道", "accident.fire_hazard"),
    ("路口井盖缺失，晚上很危险", "accident.road_facility"),
    ("电梯困人已经半小时了", "accident.special_equipment"),
    ("暴雨后隧道积水很深", "natural_disaster.flood_waterlogging"),
    ("学校食堂多人食物中毒昏迷", "public_health.food_safety"),
    ("自来水发黄还有异味", "public_health.drinking_water"),
    ("小区里流浪狗咬人", "public_health.animal_hazard"),
    ("樓下煤氣洩漏", "accident.gas_leak"),  # traditional script
])
def test_top_prediction(clf, text, expected):
    assert clf.predict(text)[0][0] == expected


def test_every_shipped_example_lands_in_its_own_subcategory(clf):
    for sub in load_default().subcategories:
        for example in sub.examples:
            assert clf.predict(example)[0][0] == sub.code, (sub.code, example)


def test_scores_are_sorted_and_sum_below_one(clf):
    scores = clf.predict("燃气管道泄漏后起火，消防通道被堵")
    assert len(scores) >= 2
    values = [s for _, s in scores]
    assert values == sorted(values, reverse=True)
    assert all(0 < s <= 1 for s in values) and sum(values) < 1


def test_more_evidence_gives_more_confidence(clf):
    weak = dict(clf.predict("有点煤气"))["accident.gas_leak"]
    strong = dict(clf.predict("燃气泄漏，煤气味很重，燃气管道在漏气"))["accident.gas_leak"]
    assert strong > weak


def test_longest_match_wins_over_contained_keyword(clf):
    # "水有异味" (drinking water) contains "异味" (pollution) and must not count it.
    assert clf.hits("家里水有异味") == ["水有异味"]
    assert "public_health.environmental_pollution" not in dict(clf.predict("家里水有异味"))


def test_tokens_work_like_text(clf):
    assert clf.predict(["小区", "煤气味"])[0][0] == "accident.gas_leak"


def test_empty_or_unknown_text(clf):
    assert clf.predict("") == []
    assert clf.predict([]) == []
    assert clf.predict("今天天气不错，心情很好") == []


def test_keyword_weight_grows_with_length():
    assert keyword_weight("燃气泄漏") > keyword_weight("煤气味") > keyword_weight("燃气") == 1.0


def test_evidence_names_the_keywords_behind_each_category(clf):
    found = clf.evidence("楼道里一股煤气味，燃气可能泄漏了")
    assert "煤气味" in found["accident.gas_leak"]
    assert set(found) == {code for code, _ in clf.predict("楼道里一股煤气味，燃气可能泄漏了")}
    assert clf.evidence("今天天气不错") == {}
