"""The severity judgement on each kind of report, and its per-band accuracy on the held-aside labelled set."""
import json
from pathlib import Path

import pytest

from triage.severity import assess, grade
from triage.severity_text import clauses, cn_number
from triage.taxonomy import load_default

DATA = Path(__file__).resolve().parents[2] / "triage" / "data" / "severity"
BANDS = {"serious": {1, 2}, "moderate": {2, 3}, "minor": {3, 4}, "negated": {3, 4}, "ordinary": {3, 4}}
# Floors below what the held-aside holdout4 measured with the learned detectors at its first and only look
# (serious 48/53, moderate 33/36, minor, negated and ordinary all right): a real guard, not the target (>= 90% in
# every band; docs/severity.md). holdout5, written by someone who never saw the grader, measured serious 51/53,
# moderate 28/36, negated 33/36, ordinary 26/27 at its first look (moderate below the floor: its misses were studied
# and the rules mended, 33/36 after). holdout6, by another writer who never saw the grader, measured serious 49/53,
# moderate 31/36, negated 34/36 at its first look; its misses were studied too (52/53, 34/36, 36/36 after).
# holdout5 and holdout6 are training material for the detectors since (as are dev, final, holdout2, holdout3 and
# train5); their floors guard against regressions. holdout7, a third blind writer's, held aside in the sixth session:
# serious 44/53, moderate 28/36, negated 35/36, ordinary 25/27 at its first look with the grader of that day's start
# (45/53 and 31/36 with the day's rules and detectors, trained on train8a/b too); its misses were studied in the
# seventh session and it is training material since (49/53, 33/36 after). holdout8, a fourth blind writer's, held
# aside: serious 49/53, moderate 34/36, minor 27/28, negated 35/36, ordinary 27/27 at its first look with the
# grader of that session's start; 51/53, 33/36 to 34/36 and the calm bands all right with that session's rules and
# detectors. Its floors sit below the first look. holdout9, a fifth blind writer's, held aside in the eighth session:
# serious 50/53, moderate 33/36, the calm bands all right at its first look with the grader of that moment.
# holdout10, a sixth blind writer's, held aside at that session's end: serious 53/53, moderate 35/36, ordinary 26/27,
# minor and negated all right at its first look, with that session's final grader.
FLOOR = {"serious": 0.85, "moderate": 0.85, "minor": 0.90, "negated": 0.90, "ordinary": 0.90}
FLOORS = {"holdout4": FLOOR, "holdout5": FLOOR, "holdout6": FLOOR, "holdout8": FLOOR, "holdout9": FLOOR, "holdout10": FLOOR,
          "holdout7": {"serious": 0.85, "moderate": 0.80, "minor": 0.90, "negated": 0.90, "ordinary": 0.90}}


@pytest.mark.parametrize("token, value", [("三", 3), ("十几", 10), ("二十三", 23), ("两", 2), ("12", 12),
                                          ("几十", 20), ("一百", 100)])
def test_chinese_numbers(token, value):
    assert cn_number(token)[0] == value


@pytest.mark.parametrize("text, phrase, level", [
    ("三名工人被送往医院", "3人送医", 2),
    ("工地事故，2人死亡", "2人死亡", 2),
    ("十几个孩子呕吐", "10余人出现中毒或不适症状", 2),
    ("高架桥上连环追尾，多人受伤", "多人受伤", 2),
    ("造成3死5伤", "3人死亡", 1),
    ("养老院起火，已经有5人遇难", "5人死亡", 1),
])
def test_casualty_numbers_are_read(text, phrase, level):
    got, reasons = grade(text, None)
    assert phrase in reasons and got == level


def test_negation_is_scoped_by_clause():
    # The negation in the second clause covers the casualties, not the fire of the first.
    j = assess("楼下饭店着火了，没人受伤")
    assert not j.casualties and any(h.key == "fire" and h.likelihood > 0 for h in j.hazards)
    # A negation far back in a long clause still scopes over what follows it (no 4-character window).
    assert grade("没有在楼道里或者厨房附近闻到任何煤气味", None) == (4, ["燃气泄漏：已否认"])
    # A negation in an earlier clause does not reach a later one.
    level, reasons = grade("不是我家的问题，整栋楼都是煤气味，越来越浓", None)
    assert level <= 3 and "燃气泄漏：正在发生" in reasons
    # Look-alikes of negations are not negations: 淹没 holds 没, 无法 holds 无.
    assert not clauses("积水淹没了车")[0].negated_at(3)
    assert grade("大火封住楼梯，三楼的人无法逃生，有人被困", None)[0] == 2


def test_drills_notices_and_signs_are_not_hazards():
    level, reasons = grade("小区贴了通知说明天上午消防演练，到时候会有烟雾，请大家不要惊慌",
                           load_default().subcategory("accident.fire_hazard"))
    assert level == 4 and "演练通知，非真实险情" in reasons
    level, reasons = grade("楼下警示牌上写着“小心燃气，严禁烟火，当心爆炸”", None)
    assert level == 4 and "爆炸：警示标识，非真实险情" in reasons
    level, reasons = grade("化工厂今天搞泄漏应急演习，有消防车和救护车", None)
    assert level == 4
    assert grade("以为是爆炸，后来才知道是有人放鞭炮", None)[0] == 4


def test_past_and_resolved_events():
    level, reasons = grade("昨晚楼下电动车着火了，火已经灭了，没人受伤", None)
    assert level == 4 and "火灾：已处置" in reasons and "未见人员伤亡" in reasons
    assert grade("前天地下车库进水，现在水已经退了", None)[0] == 4
    level, reasons = grade("前年这里发生过燃气爆炸，现在路口还是没有红绿灯", None)
    assert level >= 3 and "爆炸：过去发生" in reasons


def test_hypothetical_and_imminent():
    level, reasons = grade("楼道堆满杂物，万一着火人都跑不出去", None)
    assert level == 4 and "火灾：假设情形，非实际发生" in reasons
    level, reasons = grade("店铺招牌摇摇晃晃，随时可能掉下来砸到人，下面就是菜市场", None)
    assert level == 3, "a swaying shop sign is a real hazard but not level I or II"
    assert "可能危及人身安全" in reasons


def test_happening_now_with_exposure():
    level, reasons = grade("小学隔壁燃气管道被挖断，正在大量泄漏，学生还在上课", None)
    assert level == 2 and "燃气泄漏：正在发生" in reasons and "涉及学校儿童" in reasons
    level, reasons = grade("楼里起火了，有老人被困在五楼", None)
    assert level == 2 and "1人被困或失联" in reasons and "涉及老人" in reasons


def test_ordinary_complaints_stay_low():
    for text in ("楼上装修噪音吵死了，每天早上七点就开始", "物业费年年涨，服务越来越差",
                 "小区门口路灯坏了一个月", "邻居把车停在我家车位上，气死我了",
                 "小孩在学校门口的小摊买零食，卫生差"):
        assert grade(text, None)[0] == 4, text


def _load(part):
    with open(DATA / f"{part}.jsonl", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def test_labelled_set_is_split_and_varied():
    dev, final = _load("dev"), _load("final")
    assert len(dev) + len(final) >= 400
    assert 0.2 <= len(final) / (len(dev) + len(final)) <= 0.4
    assert not {r["text"] for r in dev} & {r["text"] for r in final}
    for part in (dev, final):
        assert {r["band"] for r in part} == set(BANDS)
        assert all(r["level"] in BANDS[r["band"]] for r in part)


@pytest.mark.parametrize("part", sorted(FLOORS))
def test_every_band_holds_on_the_held_aside_parts(part):
    taxonomy = load_default()
    rows = _load(part)
    right, total = {b: 0 for b in BANDS}, {b: 0 for b in BANDS}
    for r in rows:
        sub = taxonomy.subcategory(r["category"]) if r.get("category") else None
        level, reasons = grade(r["text"], sub, reporters=int(r.get("reporters") or 1))
        assert reasons and all(isinstance(x, str) and x for x in reasons)
        total[r["band"]] += 1
        right[r["band"]] += level in BANDS[r["band"]]
    for band in BANDS:
        assert right[band] / total[band] >= FLOORS[part][band], (band, right[band], total[band])


@pytest.mark.parametrize("text, hazard", [
    ("我家孩子掉进小区后面那个鱼塘了 水很深 已经看不见头了 快点啊", "溺水"),  # words between the fall and the water
    ("剩下那段围墙又往外斜得厉害，底下砖头都酥了，每天老人都贴着它走", "建筑结构险情"),
    ("公园那棵老槐树往游乐区那边歪，树根把地都顶翘了，周末满是小朋友", "建筑结构险情"),
])
def test_hazards_said_with_words_between_their_parts(text, hazard):
    level, reasons = grade(text, None)
    assert any(r.startswith(hazard) for r in reasons), reasons
    assert level <= 3


def test_a_direction_or_a_likeness_is_no_hazard():
    assert grade("从小区东门往斜对面走两百米就是菜市场", None, detectors=None)[0] == 4
    level, reasons = grade("噪音白天晚上都有八十分贝，就像一个巨大的爆炸场声响，半夜都睡不着", None)
    assert level >= 3 and not any("已发生" in r or "正在发生" in r for r in reasons), reasons


@pytest.mark.parametrize("text", [
    "爆炸了爆炸了！我游戏里的基地爆炸了哈哈哈 不好意思点错了 不是报警",
    "有人冒充燃气公司上门说我家燃气管要爆炸了，要收费换管子，我看根本没问题，这是骗子吧",
])
def test_a_mistaken_report_or_a_scammers_words_are_no_danger(text):
    assert grade(text, None)[0] == 4


def test_a_person_who_does_not_respond_beside_a_gas_smell_is_critical_in_cantonese_too():
    level, reasons = grade("阿婆屋企煤气味好大，佢瞓喺地下唔识郁，叫极都唔应，门又锁住入唔到去，快啲嚟啊", None)
    assert level <= 2 and any("伤情危重" in r for r in reasons), reasons


def test_a_scammer_who_hurts_people_is_still_serious():
    assert grade("有人冒充外卖员入室抢劫，砍伤了老人", None)[0] <= 2
    assert grade("刚才一个骗子被发现后拿刀砍伤了两个人，还在跑", None)[0] <= 2


@pytest.mark.parametrize("text", [
    "女儿三岁，在超市门口一转身就走丢了，找了半个小时，穿黄色雨衣",
    "我爸有老年痴呆，早上出门买菜到现在没回来，老人不见了，手机也没带",
])
def test_a_missing_child_or_old_person_is_serious_with_no_hazard_named(text):
    level, reasons = grade(text, None, detectors=None)
    assert level == 2 and any("被困或失联" in r for r in reasons), reasons


def test_a_missing_dog_is_no_casualty():
    assert grade("我家的狗昨天在公园走丢了，黄色的土狗，谁看见了联系我", None, detectors=None)[0] == 4


@pytest.mark.parametrize("text", [
    "我室友刚才吞了安眠药，叫也叫不醒了，宿舍在6号楼402",
    "厂房里一股呛人的味道，有个工人晕在机器旁边了",
    "隔壁阿姨倒在卫生间里，门从里面反锁着，喊她没有回音",
])
def test_a_person_overdosed_unconscious_or_collapsed_indoors_is_critical(text):
    level, reasons = grade(text, None, detectors=None)
    assert level <= 2 and any("伤情危重" in r for r in reasons), reasons


def test_plants_crushed_to_death_are_no_casualty():
    assert grade("物业把车开进小区里乱停，绿化都压死了，草皮一块一块的", None, detectors=None)[0] == 4


def test_a_disaster_film_on_screen_is_no_hazard():
    level, reasons = grade("在影城看灾难片，银幕上整座城都在爆炸着火，音效太大孩子吓哭了", None, detectors=None)
    assert level == 4, reasons


def test_a_charger_giving_off_smoke_is_a_fire_hazard_though_no_flame_is_seen():
    level, reasons = grade("地下车库充电桩那里冒白烟，有股塑料烧糊的味道，还没看到明火", None, detectors=None)
    assert level <= 3 and any(r.startswith("火灾") and "否认" not in r for r in reasons), reasons


def test_a_child_lost_at_a_vegetable_market_is_still_missing():
    assert grade("孩子在菜市场门口走丢了，六岁，男孩", None, detectors=None)[0] == 2


@pytest.mark.parametrize("text", [
    "仓库后门被焊死了，消防通道也被货架堵死了，平时几十个工人在里面干活",
    "这排老房子窗户都用塑料布糊死了，冬天屋里生炉子",
])
def test_a_door_welded_or_a_window_sealed_shut_is_no_death(text):
    level, reasons = grade(text, None, detectors=None)
    assert level >= 3 and not any("死亡" in r for r in reasons), reasons


@pytest.mark.parametrize("text", [
    "广场上有个人往自己身上浇汽油，手里拿着打火机，说要自焚",
    "矿上早上透水了，还有十几个人没升井，家属都在井口哭",
    "同事拎着菜刀在车间里追着组长，组长手臂淌血了",
])
def test_self_immolation_miners_below_and_a_knife_chase_are_serious(text):
    assert grade(text, None, detectors=None)[0] <= 2


@pytest.mark.parametrize("text", ["楼顶有个男的要跳楼", "超市门口有人拿刀乱砍"])
def test_a_short_report_of_a_person_about_to_jump_or_an_attack_is_serious(text):
    assert grade(text, None, detectors=None)[0] == 2


def test_a_long_letter_that_argues_about_suicide_is_not_a_jumper():
    letter = ("希望取消周末的有偿补课，我们已是高中生了，需要自己安排学习时间。" * 3
              + "有目标便会更加努力，有牵挂也不至于高考后自杀，因为高中真的很容易得抑郁症。请教育局重视。")
    assert grade(letter, None, detectors=None)[0] >= 3


@pytest.mark.parametrize("text", [
    "物业通知在群里发了二十条，我们业主群都要炸了",
    "看新闻说外省一个菜市场燃气爆炸死了三个人，我们这边的老管道有没有人查",
    "儿子在玩手游，关卡里一个油罐爆炸，他问现实里会不会这样",
])
def test_a_chat_group_blowing_up_news_from_elsewhere_or_a_game_is_no_hazard_here(text):
    level, reasons = grade(text, None, detectors=None)
    assert level >= 3 and not any("死亡" in r or "已发生" in r for r in reasons), reasons


def test_a_child_fallen_into_a_creek_in_cantonese_and_not_found_is_serious():
    level, reasons = grade("我个仔跌咗落门口条涌度，冇见人，快啲嚟帮手", None, detectors=None)
    assert level <= 2 and any(r.startswith("溺水") for r in reasons), reasons
    assert grade("女儿在水库边落水，至今未找到", None, detectors=None)[0] <= 2


def test_cooking_fumes_are_no_fire_but_a_fire_in_the_fume_hood_is():
    assert grade("楼下烧烤摊油烟很大，窗户都不敢开", None, detectors=None)[0] == 4
    level, reasons = grade("厨房油烟机着火了，火苗窜到吊顶", None, detectors=None)
    assert level <= 3 and any(r.startswith("火灾") for r in reasons), reasons


def test_grumbling_is_no_vomiting_and_a_game_or_a_checkpoint_hides_no_real_harm():
    assert grade("业主们都在吐槽物业乱收费，群里天天吵", None, detectors=None)[0] == 4
    assert grade("孩子在游戏中摔伤了，头上流血", None, detectors=None)[0] <= 3
    assert grade("检查站关卡处两车相撞，有人受伤", None, detectors=None)[0] <= 3


@pytest.mark.parametrize("text", ["那人白了我一眼，还翻白眼说关你什么事", "我提醒他别乱扔垃圾，他对我翻白眼"])
def test_eye_rolling_in_contempt_is_no_casualty(text):
    assert grade(text, None, detectors=None)[0] == 4


def test_a_child_rolling_back_their_eyes_beside_a_gas_smell_is_still_critical():
    assert grade("屋里一股煤气味，孩子在翻白眼叫不醒", None, detectors=None)[0] <= 2


def test_a_condition_set_up_years_ago_and_still_there_is_present_but_a_past_fire_is_past():
    level, reasons = grade("三年前装修时封掉的安全出口至今还没打开，我们这栋楼有二十六层", None, detectors=None)
    assert level == 3 and any(r.startswith("消防安全隐患：存在隐患") for r in reasons), reasons
    level, reasons = grade("三年前这家饭店着过火，至今还没人管", None, detectors=None)
    assert not any("正在发生" in r or "已发生" in r for r in reasons), reasons


@pytest.mark.parametrize("text, floors", [("我住的那栋32层，楼梯间防火门被拆掉了", True), ("楼梯间防火门被拆掉了", False)])
def test_a_tower_of_ten_floors_or_more_counts_its_residents_as_exposed(text, floors):
    reasons = grade(text, None, detectors=None)[1]
    assert ("涉及整栋居民楼" in reasons) is floors, reasons


@pytest.mark.parametrize("text, hazard", [
    ("接孩子的面包车刹车最近有点失灵，司机还照样每天拉十几个小学生", "车辆安全隐患"),
    ("菜场门口那块井盖被压得裂开了一半，路人一脚就踩空", "井盖缺失、路面塌陷"),
    ("楼后空地上那几条狼狗从来不拴绳，见到小孩就追", "动物伤害"),
    ("商场的消防报警主机一直报故障，值班室也没人", "消防安全隐患"),
    ("幼儿园后厨的肉没冷藏，放在地上化冻", "食品安全"),
    ("山路转弯那段没有护栏，下面就是沟", "道路设施隐患"),
])
def test_hazards_said_in_everyday_words_are_named(text, hazard):
    reasons = grade(text, None, detectors=None)[1]
    assert any(r.startswith(hazard + "：存在隐患") for r in reasons), reasons


@pytest.mark.parametrize("text, hazard", [
    ("单元楼道里天天有人拉线充电，电瓶车停了一排", "消防安全隐患"),
    ("学校旁边的排水沟盖板碎了好几块", "井盖缺失、路面塌陷"),
    ("小区配电房门一直开着，里面嗡嗡响", "触电、电力隐患"),
])
def test_corridor_charging_broken_drain_covers_and_substations_are_named(text, hazard):
    reasons = grade(text, None, detectors=None)[1]
    assert any(r.startswith(hazard) for r in reasons), reasons


def test_a_post_knocked_over_is_no_one_hurt_and_a_landslide_in_the_sixties_is_past():
    assert grade("路口的隔离墩被撞倒了，躺在路边", None, detectors=None)[0] == 4
    level, reasons = grade("听老人说六几年后山滑过坡，埋了好几户，现在想在那里立个碑", None, detectors=None)
    assert level >= 3 and not any("被困" in r for r in reasons), reasons


@pytest.mark.parametrize("text", ["外卖小哥没戴头盔摔在路口头上好多血人叫不醒",
                                  "装空调的师傅没系安全绳从楼上掉下来了，叫他没反应"])
def test_a_protection_not_taken_does_not_deny_the_harm_after_it(text):
    level, reasons = grade(text, None, detectors=None)
    assert level <= 2 and "未见人员伤亡" not in reasons, reasons


def test_no_one_hurt_after_a_lapse_is_still_no_one_hurt():
    level, reasons = grade("工人没戴安全帽被监理看见了，好在没有人受伤", None, detectors=None)
    assert level >= 3 and "未见人员伤亡" in reasons, reasons


@pytest.mark.parametrize("text, hazard", [
    ("我家住二十六楼，对门阳台没装防护栏，小孩老趴在窗台上", "高处坠落隐患"),
    ("河边那片冰面上天天有学生在跑，冰薄得很", "临水隐患"),
    ("村小门口那口井的盖子没了，孩子们放学都从旁边走", "井盖缺失、路面塌陷"),
    ("敬老院的饭菜有股馊味，老人都不爱吃", "食品安全"),
])
def test_falls_from_height_thin_ice_open_wells_and_spoiled_food_are_named(text, hazard):
    level, reasons = grade(text, None, detectors=None)
    assert any(r.startswith(hazard) for r in reasons), reasons


def test_a_missing_child_found_again_is_no_longer_missing():
    assert grade("超市里有个孩子走丢了，后来在门口找到了，没事", None, detectors=None)[0] >= 3
    assert grade("孩子在公园走丢了，到现在还没找到", None, detectors=None)[0] <= 2


def test_a_child_knocked_down_and_bitten_by_dogs_is_hurt():
    level, reasons = grade("几条野狗把小男孩扑倒了在咬，快来人", None, detectors=None)
    assert level <= 3 and "1人受伤" in reasons, reasons
