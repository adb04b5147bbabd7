"""Tests for triage.severity.grade: the signature the pipeline uses, levels and reasons on simple reports.

The first rules' tests asserted their reason format ("危险词：…", "敏感场所：…", a category default
line) and that 20 reporters alone make level I; the judgement names evidence instead and never lets
reporter counts alone reach level I (issue 17), so those assertions were changed.
"""

from triage.severity import grade
from triage.taxonomy import load_default


def sub(code):
    return load_default().subcategory(code)


def test_school_canteen_mass_poisoning():
    level, reasons = grade("学校食堂多人食物中毒昏迷", sub("public_health.food_safety"))
    assert level <= 2
    assert "多人出现中毒或不适症状" in reasons
    assert "涉及学校儿童" in reasons


def test_default_level_without_signals():
    level, reasons = grade("小区门口路面坑洼不平", sub("accident.road_facility"))
    assert level == 4 and reasons == ["道路设施隐患：存在隐患"]
    assert grade("有点问题", None) == (4, ["未见险情或伤亡证据"])


def test_a_hazard_that_can_hurt_present_now_is_level_three():
    """A missing manhole cover at a crossing or a leaking light box at a subway entrance is there now and can hurt
    the next passer-by (potential 3, someone exposed): level III; the same kind of hazard with no one named stays at
    IV, and so does an uneven road (potential 2)."""
    from triage.severity import assess
    level, reasons = grade("路口井盖缺失", sub("accident.road_facility"))
    assert level == 3 and "井盖缺失、路面塌陷：存在隐患" in reasons
    assert grade("地铁口的广告灯箱漏电", None)[0] == 3
    assert assess("围墙有裂缝").level == 4 and assess("小区围墙有裂缝，旁边是幼儿园").level == 3


def test_fire_explosion_and_injury():
    assert grade("电动车起火", sub("accident.fire_hazard"))[0] == 3
    assert grade("楼里发生爆炸", sub("accident.fire_hazard"))[0] == 2
    level, reasons = grade("起火后爆炸，有人受伤", sub("accident.fire_hazard"))
    assert level == 2 and "1人受伤" in reasons


def test_negated_casualties_do_not_count():
    level, reasons = grade("电动车起火，无人员伤亡", sub("accident.fire_hazard"))
    assert level == 3
    assert "火灾：已发生" in reasons and "未见人员伤亡" in reasons
    assert not any(r.endswith("受伤") for r in reasons)
    assert grade("电梯停了，没有人被困", sub("accident.special_equipment"))[0] == 3


def test_casualty_words_are_reported_once():
    level, reasons = grade("多人伤亡", None)
    assert level == 2 and reasons == ["多人受伤"]


def test_reporters_raise_level_but_never_alone_to_level_one():
    gas = sub("accident.gas_leak")  # default III
    assert grade("有煤气味", gas, reporters=4)[0] == 3
    level, reasons = grade("有煤气味", gas, reporters=5)
    assert level == 2 and any(r.startswith("多人反映：5人") for r in reasons)
    assert grade("有煤气味", gas, reporters=20)[0] == 2, "reporters alone never make level I"
    # Without a real hazard many reporters raise an ordinary complaint to III at most.
    assert grade("井盖缺失，路面有个大坑", None, reporters=30)[0] == 3


def test_level_one_needs_casualties_where_the_vulnerable_are():
    level, reasons = grade("幼儿园燃气爆炸，多人伤亡", sub("accident.gas_leak"), reporters=50)
    assert level == 1
    assert "多人受伤" in reasons and "涉及学校儿童" in reasons


def test_traditional_text_is_normalised():
    level, reasons = grade("學校附近起火", None)
    assert level == 3 and "涉及学校儿童" in reasons


def test_guo_qu_after_a_verb_is_a_direction_not_the_past():
    from triage.severity import assess
    fainted = assess("树枝断下来砸在长椅上，老人头被砸破了，昏过去了", sub("natural_disaster.tree_fall"))
    assert fainted.level <= 2 and any(c.kind == "critical" for c in fainted.casualties)
    history = assess("过去这里发生过燃气爆炸，有人受伤", sub("accident.gas_leak"))
    assert history.level >= 3 and not history.casualties, "a time word: history, not today"
    assert assess("这条路过去三年出了好几起车祸，有人受伤", None).level >= 3


def test_a_question_doubts_its_own_clause_not_the_call_after_it():
    level, reasons = grade("喂 是119吗 我们这是幸福小区8栋 三楼着火了 里面还有人出不来", None)
    assert level <= 2 and "火灾：正在发生" in " ".join(reasons) or "火灾：已发生" in reasons
    assert grade("如果着火了，里面的人出不来怎么办", None)[0] >= 3, "a condition still carries"


def test_repeated_explosions_with_deaths_are_not_history():
    level, reasons = grade("仓库连着炸了好几次，附近窗户都碎了，已经有人死亡", sub("accident.hazardous_chemicals"))
    assert level <= 2 and "1人死亡" in reasons


def test_being_in_hospital_is_a_casualty_only_beside_a_hazard_or_a_meal():
    level, reasons = grade("孕期已经住院多次，单位还不让我休产假，每天加班到半夜", None)
    assert level == 4 and not any("送医" in r for r in reasons)
    level, reasons = grade("吃了学校食堂的午饭，十几个学生上吐下泻住院了", sub("public_health.food_safety"))
    assert level <= 2


def test_a_place_that_caught_is_on_fire():
    level, reasons = grade("快来人 隔壁家着了 烟好大", None)
    assert level <= 3 and any(r.startswith("火灾") for r in reasons)


def test_only_texts_that_may_state_casualties_may_reach_level_one():
    """The cheap scan that lets a case at level II skip grading a joining report: never False where the judgement
    could be level I (every labelled report, with few and many reporters), and False for plain complaints."""
    import json
    from pathlib import Path

    from nlp.text import normalise
    from triage.severity import assess, may_reach_level_one
    from triage.severity_text import casualties, clauses, may_state_casualties
    folder = Path(__file__).resolve().parents[2] / "triage" / "data" / "severity"
    texts = [json.loads(line)["text"] for path in sorted(folder.glob("*.jsonl")) for line in path.open() if line.strip()]
    assert len(texts) > 1000
    one = skipped = 0
    for text in texts:
        if casualties(clauses(normalise(text))):
            assert may_state_casualties(normalise(text)), text
        if any(assess(text, None, reporters).level == 1 for reporters in (1, 30)):
            one += 1
            assert may_reach_level_one(text), text
        skipped += not may_reach_level_one(text)
    assert one >= 50 and skipped >= len(texts) // 3
    assert may_reach_level_one("化工厂爆炸，2死5伤") and may_reach_level_one("三名工人被送往医院")
    assert not may_reach_level_one("桂花园小区7栋楼道里煤气味很重，像是漏气了")
    assert not may_reach_level_one("小区门口路灯不亮，晚上很黑")


def test_a_text_read_ahead_is_graded_without_reading_it_again_and_alike_for_any_count(monkeypatch):
    """The pipeline reads a batch's texts before it locks their cases; grading under the locks must reuse that
    reading, give what a fresh grading gives for every category and head count, and hand out reasons of its own."""
    from triage import severity

    text = "幸福路12号楼道里电动车起火了，浓烟很大，两个老人被送往医院"
    fire = load_default().subcategory("accident.fire_hazard")
    severity._read.cache_clear()
    subs = {"none": None, "fire": fire}
    fresh = {(name, n): grade(text, sub, reporters=n) for name, sub in subs.items() for n in (1, 5, 25)}
    severity._read.cache_clear()
    severity.read_ahead(text)

    def unread(_text):
        raise AssertionError("the clauses were read again")

    monkeypatch.setattr(severity, "clauses", unread)
    for (name, n), expected in fresh.items():
        level, reasons = grade(text, subs[name], reporters=n)
        assert (level, reasons) == expected
        reasons.append("changed by a caller")
    assert grade(text, fire, reporters=5) == fresh[("fire", 5)], "a caller's change never reaches the next grading"
    assert any("多人反映" in r for r in fresh[("fire", 25)][1]), "the head count still weighs"
