"""Tests for triage.severity.grade."""

from triage.severity import grade
from triage.taxonomy import load_default


def sub(code):
    return load_default().subcategory(code)


def test_school_canteen_mass_poisoning():
    level, reasons = grade("学校食堂多人食物中毒昏迷", sub("public_health.food_safety"))
    assert level <= 2
    assert any(r.startswith("危险词：") and "中毒" in r and "昏迷" in r for r in reasons)
    assert any(r.startswith("敏感场所：") and "学校" in r for r in reasons)


def test_default_level_without_signals():
    assert grade("路口井盖缺失", sub("accident.road_facility")) == (4, ["类别“道路设施（井盖、塌陷、路灯）”默认等级：IV级（一般）"])
    level, reasons = grade("有点问题", None)
    assert level == 4 and reasons[0].startswith("未分类")


def test_danger_words_raise_one_or_two():
    assert grade("电动车起火", sub("accident.fire_hazard"))[0] == 3
    assert grade("楼里发生爆炸", sub("accident.fire_hazard"))[0] == 2
    # Only the strongest danger word counts.
    assert grade("起火后爆炸，有人受伤", sub("accident.fire_hazard"))[0] == 2


def test_negated_danger_words_do_not_count():
    level, reasons = grade("电动车起火，无人员伤亡", sub("accident.fire_hazard"))
    assert level == 3
    danger = next(r for r in reasons if r.startswith("危险词："))
    assert "起火" in danger and "伤亡" not in danger
    assert grade("电梯停了，没有人被困", sub("accident.special_equipment"))[0] == 3


def test_contained_words_are_reported_once():
    _, reasons = grade("多人伤亡", None)
    assert "危险词：多人伤亡（+2）" in reasons


def test_reporters_raise_level():
    gas = sub("accident.gas_leak")  # default III
    assert grade("有煤气味", gas, reporters=4)[0] == 3
    level, reasons = grade("有煤气味", gas, reporters=5)
    assert level == 2 and "多人反映：5人（+1）" in reasons
    assert grade("有煤气味", gas, reporters=20)[0] == 1


def test_never_above_level_one():
    level, reasons = grade("幼儿园燃气爆炸，多人伤亡", sub("accident.gas_leak"), reporters=50)
    assert level == 1
    assert reasons[-1].startswith("已达最高等级")


def test_traditional_text_is_normalised():
    assert grade("學校附近起火", None)[0] == 2
