"""Tests for triage.taxonomy and the shipped taxonomy.json."""

import copy
import json
from importlib import resources

import pytest

from triage.taxonomy import Subcategory, Taxonomy, from_dict, load_default

DEPARTMENTS = {"FIRE", "EMERGENCY", "POLICE", "HEALTH", "CDC", "HOUSING", "URBAN", "WATER", "GAS", "POWER",
               "MARKET", "EDUCATION", "TRANSPORT", "ECOLOGY", "NATRES", "METEO", "COMMAND", "STREET"}
EXPECTED = {
    "natural_disaster": {"flood_waterlogging", "geological", "extreme_weather", "tree_fall"},
    "accident": {"gas_leak", "fire_hazard", "electrical", "building_safety", "road_facility", "traffic_safety",
                 "special_equipment", "hazardous_chemicals", "construction_site"},
    "public_health": {"food_safety", "infectious_disease", "environmental_pollution", "drinking_water",
                      "animal_hazard"},
    "social_security": {"public_order", "crowd_safety", "school_safety", "dispute"},
}


def raw():
    return json.loads(resources.files("triage").joinpath("data", "taxonomy.json").read_text("utf-8"))


def test_exact_classes_and_subcategory_codes():
    tax = load_default()
    assert isinstance(tax, Taxonomy)
    assert {c.code: {s.split(".")[1] for s in c.subcategories} for c in tax.classes} == EXPECTED
    assert [c.name_zh for c in tax.classes] == ["自然灾害", "事故灾难", "公共卫生", "社会安全"]
    assert tax.subcategory("accident.gas_leak").name_zh == "燃气泄漏"
    assert tax.subcategory("accident.gas_leak").short_code == "gas_leak"
    assert tax.subcategory("gas_leak") is None and tax.subcategory("nope.nope") is None
    assert tax.risk_class("public_health").name_en


def test_departments_and_subcategory_contents():
    tax = load_default()
    assert set(tax.departments) == DEPARTMENTS
    assert tax.departments["STREET"] == "属地街道办事处"
    for sub in tax.subcategories:
        assert isinstance(sub, Subcategory)
        assert 10 <= len(sub.keywords) <= 25, sub.code
        assert 2 <= len(sub.examples) <= 3, sub.code
        assert sub.lead in DEPARTMENTS and set(sub.assist) <= DEPARTMENTS
        assert len(sub.assist) <= 3 and sub.lead not in sub.assist
        assert sub.default_severity in (1, 2, 3, 4)
        assert sub.name_zh and sub.name_en


def test_deadlines_and_levels():
    tax = load_default()
    assert tax.deadlines == {"sign_hours": {1: 1, 2: 4, 3: 4, 4: 4}, "resolve_days": {1: 1, 2: 3, 3: 7, 4: 15}}
    assert tax.levels[1]["code"] == "I" and tax.levels[4]["name_zh"] == "一般"


def test_load_default_is_cached():
    assert load_default() is load_default()


def test_from_dict_rejects_unknown_department():
    data = raw()
    data["classes"][0]["subcategories"][0]["lead"] = "NOBODY"
    with pytest.raises(ValueError, match="NOBODY"):
        from_dict(data)


def test_from_dict_rejects_bad_severity_and_duplicates():
    data = raw()
    data["classes"][0]["subcategories"][0]["default_severity"] = 5
    with pytest.raises(ValueError, match="1..4"):
        from_dict(data)
    data = raw()
    data["classes"][0]["subcategories"].append(copy.deepcopy(data["classes"][0]["subcategories"][0]))
    with pytest.raises(ValueError, match="duplicate"):
        from_dict(data)
    data = raw()
    del data["severity_deadlines"]["resolve_days"]["2"]
    with pytest.raises(ValueError, match="resolve_days"):
        from_dict(data)
