"""Tests for nlp.places.PlaceResolver."""

import pytest

from nlp.places import PlaceResolver

AREAS = [
    {"code": "D1", "name": "岳麓区", "level": "district", "parent": None, "aliases": ["岳麓"]},
    {"code": "D2", "name": "雨花区", "level": "district", "parent": None, "aliases": []},
    {"code": "S1", "name": "西湖街道", "level": "street", "parent": "D1", "aliases": []},
    {"code": "S2", "name": "东塘街道", "level": "street", "parent": "D2", "aliases": ["东塘"]},
    {"code": "C1", "name": "桃子湖社区", "level": "community", "parent": "S1", "aliases": ["桃子湖"]},
    {"code": "C2", "name": "新村社区", "level": "community", "parent": "S1", "aliases": []},
    {"code": "C3", "name": "新村社区", "level": "community", "parent": "S2", "aliases": []},
    {"code": "C4", "name": "东塘社区", "level": "community", "parent": "S2", "aliases": []},
    {"code": "G1", "name": "第一网格", "level": "grid", "parent": "C1", "aliases": []},
    {"code": "G2", "name": "第一网格", "level": "grid", "parent": "C4", "aliases": []},
]


@pytest.fixture
def resolver():
    return PlaceResolver(AREAS)


def test_most_specific_level_wins(resolver):
    assert resolver.resolve("岳麓区桃子湖社区3栋井盖缺失") == {"code": "C1", "level": "community", "name": "桃子湖社区"}
    assert resolver.resolve("西湖街道路面塌陷")["code"] == "S1"
    assert resolver.resolve("岳麓有内涝")["code"] == "D1"


def test_alias_and_traditional_script(resolver):
    assert resolver.resolve("桃子湖那边有積水")["code"] == "C1"


def test_parent_disambiguates_duplicate_names(resolver):
    assert resolver.resolve("雨花区新村社区燃气泄漏")["code"] == "C3"
    assert resolver.resolve("西湖街道新村社区燃气泄漏")["code"] == "C2"
    assert resolver.resolve("桃子湖社区第一网格")["code"] == "G1"
    assert resolver.resolve("东塘社区第一网格")["code"] == "G2"


def test_ambiguous_name_falls_back_to_next_candidate(resolver):
    assert resolver.resolve("第一网格") is None
    # Two communities share the name and no parent is given: fall back to the mentioned street.
    assert resolver.resolve("新村社区燃气泄漏") is None
    assert resolver.resolve("东塘 新村社区 北门")["code"] == "C3"


def test_parent_mentioned_after_the_child_also_counts(resolver):
    assert resolver.resolve("第一网格，岳麓区")["code"] == "G1"


def test_name_inside_longer_name_is_not_a_mention(resolver):
    # "东塘" (alias of the street) inside "东塘社区" must not count as the street.
    assert resolver.resolve("东塘社区")["code"] == "C4"


def test_no_match(resolver):
    assert resolver.resolve("楼下燃气泄漏") is None
    assert resolver.resolve("") is None


def test_names_for_segmenter(resolver):
    names = resolver.names()
    assert {"岳麓区", "岳麓", "桃子湖社区", "桃子湖", "新村社区", "第一网格"} <= set(names)
    assert len(names) == len(set(names))


def test_unknown_level_rejected():
    with pytest.raises(ValueError):
        PlaceResolver([{"code": "X", "name": "某地", "level": "province", "parent": None}])
