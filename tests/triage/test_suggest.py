"""Suggestions for a case: keyword rules alone, blended with a model on categories or on departments."""
import pytest

from triage.learn import train
from triage.reasons import lines
from triage.suggest import Suggester, map_labels
from triage.taxonomy import load_default

from ..data.taxonomy_training import taxonomy_training_set

TAXONOMY = load_default()
GAS = "楼道里一股煤气味，燃气可能泄漏了"


@pytest.fixture(scope="module")
def category_model():
    return train(*taxonomy_training_set(TAXONOMY, lambda sub: sub.code), calibration_folds=2)


@pytest.fixture(scope="module")
def department_model():
    return train(*taxonomy_training_set(TAXONOMY, lambda sub: TAXONOMY.departments[sub.lead]), calibration_folds=2)


def test_keyword_rules_alone_rank_categories_with_their_routes():
    found = Suggester(TAXONOMY).suggest(GAS)
    assert found[0].category == "accident.gas_leak" and found[0].lead == "GAS"
    assert found[0].sources == ("keywords",)
    assert len(found) <= 3 and all(0 < s.confidence <= 1 for s in found)
    assert [s.confidence for s in found] == sorted((s.confidence for s in found), reverse=True)


def test_text_without_any_keyword_has_no_suggestion_without_a_model():
    assert Suggester(TAXONOMY).suggest("今天天气不错") == []


def test_the_reporters_category_comes_first_and_only_once():
    found = Suggester(TAXONOMY).suggest(GAS, hint="accident.fire_hazard")
    assert found[0].category == "accident.fire_hazard" and found[0].sources == ("hint",)
    assert [s.category for s in found].count("accident.fire_hazard") == 1
    assert Suggester(TAXONOMY).suggest(GAS, hint="no.such")[0].category == "accident.gas_leak"


def test_labels_map_to_categories_by_code_short_code_or_name_and_to_departments():
    gas = TAXONOMY.subcategory("accident.gas_leak")
    mapped = map_labels(["accident.gas_leak", "fire_hazard", gas.name_zh, "GAS", TAXONOMY.departments["FIRE"],
                         "城乡建设"], TAXONOMY)
    assert mapped.categories == {"accident.gas_leak": "accident.gas_leak", "fire_hazard": "accident.fire_hazard",
                                 gas.name_zh: "accident.gas_leak"}
    assert mapped.departments == {"GAS": "GAS", TAXONOMY.departments["FIRE"]: "FIRE"}
    assert mapped.unknown == ["城乡建设"]


def test_a_category_model_is_blended_with_the_keyword_rules(category_model):
    suggester = Suggester(TAXONOMY, model=category_model)
    assert suggester.source == "model+keywords"
    found = suggester.suggest(GAS)
    assert found[0].category == "accident.gas_leak"
    assert set(found[0].sources) == {"keywords", "model"}
    # The model also speaks where no keyword is found, so the case still gets suggestions.
    assert Suggester(TAXONOMY).suggest("这里请尽快处理") == []
    assert len(suggester.suggest("这里请尽快处理")) == 3


def test_a_department_model_routes_to_the_department_it_names(department_model):
    suggester = Suggester(TAXONOMY, model=department_model)
    found = suggester.suggest(GAS)
    assert found[0].lead == "GAS" and found[0].category == "accident.gas_leak"
    assert "model" in found[0].sources


def test_a_model_whose_labels_mean_nothing_here_is_not_used():
    texts = ["小区煤气泄漏了", "燃气味很大的小区", "路灯坏了很久", "路面塌陷了很久"] * 3
    model = train(texts, ["城乡建设", "城乡建设", "交通运输", "交通运输"] * 3, calibration_folds=2)
    suggester = Suggester(TAXONOMY, model=model)
    assert suggester.source == "keywords" and suggester.labels.unknown == ["交通运输", "城乡建设"]
    assert suggester.suggest(GAS) == Suggester(TAXONOMY).suggest(GAS)


def test_district_overrides_change_the_suggested_lead():
    import json
    from importlib import resources

    from triage.taxonomy import from_dict

    data = json.loads(resources.files("triage").joinpath("data", "taxonomy.json").read_text(encoding="utf-8"))
    gas = next(s for c in data["classes"] for s in c["subcategories"] if s["code"] == "gas_leak")
    gas["overrides"] = {"D02": {"lead": "STREET", "assist": ["GAS"]}}
    taxonomy = from_dict(data)
    assert Suggester(taxonomy).suggest(GAS, district="D01")[0].lead == "GAS"
    here = Suggester(taxonomy).suggest(GAS, district="D02")[0]
    assert (here.lead, here.assist) == ("STREET", ("GAS",))


def test_every_suggestion_says_why(category_model):
    found = Suggester(TAXONOMY, model=category_model).suggest(GAS)
    reason = found[0].reason
    assert "煤气味" in reason["keywords"] and reason["confidence"] == round(found[0].confidence, 3)
    assert reason["rule"] == {"rule": "category", "category": "accident.gas_leak", "district": None,
                              "lead": "GAS", "assist": list(found[0].assist)}
    assert reason["model"]["label"] == "accident.gas_leak" and 0 < reason["model"]["probability"] <= 1
    assert reason["model"]["terms"] and all(term in GAS for term, _ in reason["model"]["terms"])
    assert found[0].as_dict()["reason"] == reason
    text = " ".join(lines(reason, TAXONOMY))
    assert "“煤气味”" in text and "燃气泄漏" in text and TAXONOMY.departments["GAS"] in text
    assert "accident." not in text and "GAS" not in text
    hinted = Suggester(TAXONOMY).suggest(GAS, hint="accident.fire_hazard")[0].reason
    assert hinted["hint"] and "上报人选择了类别" in "".join(lines(hinted, TAXONOMY))


def test_a_district_rule_and_a_department_model_are_named_in_the_reason(department_model):
    import json
    from importlib import resources

    from triage.taxonomy import from_dict

    data = json.loads(resources.files("triage").joinpath("data", "taxonomy.json").read_text(encoding="utf-8"))
    gas = next(s for c in data["classes"] for s in c["subcategories"] if s["code"] == "gas_leak")
    gas["overrides"] = {"D02": {"lead": "STREET", "assist": ["GAS"]}}
    here = Suggester(from_dict(data)).suggest(GAS, district="D02")[0].reason
    assert here["rule"]["rule"] == "district" and here["rule"]["district"] == "D02"
    assert "区域规则" in "".join(lines(here, TAXONOMY, district_name="天心区"))
    by_department = Suggester(TAXONOMY, model=department_model).suggest(GAS)[0].reason
    assert by_department["rule"]["rule"] == "model" and by_department["model"]["label"] == TAXONOMY.departments["GAS"]
    assert "历史派单模型" in "".join(lines(by_department, TAXONOMY))
