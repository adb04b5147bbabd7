"""Hotspots in crowded districts: neighbouring incidents stay apart, one development's complaints stay together."""

import datetime as dt
import itertools
import math
from collections import Counter

import numpy as np

from nlp.hotspots import cluster

T0 = dt.datetime(2025, 10, 8, 19, 0, tzinfo=dt.timezone.utc)
HERE = (30.55, 114.30)


def east(km: float, north: float = 0.0) -> tuple[float, float]:
    """Return the point km east (and north) of HERE."""
    return HERE[0] + north / 111.32, HERE[1] + km / (111.32 * math.cos(math.radians(HERE[0])))


def reports(prefix: str, texts: list[str], where, minutes: int = 20, start: int = 0) -> list[dict]:
    """Return one report per text, a few metres apart around where (None: no position), minutes apart."""
    out = []
    for k, text in enumerate(texts):
        doc = {"id": f"{prefix}{k}", "text": text, "user": f"{prefix}-person{k}",
               "created_at": (T0 + dt.timedelta(minutes=start + k * minutes)).isoformat()}
        if where is not None:
            doc.update(lat=where[0] + 0.0003 * math.sin(k), lon=where[1] + 0.0003 * math.cos(k))
        out.append(doc)
    return out


def groups(docs: list[dict]) -> dict:
    """Return {report id: hotspot id} of cluster(docs)."""
    return {m: h["id"] for h in cluster(docs) for m in h["members"]}


def main_hotspot(found: dict, prefix: str, docs: list[dict]):
    """Return (the hotspot holding most reports of a prefix, how many it holds, how many there are)."""
    mine = [found.get(d["id"]) for d in docs if d["id"].startswith(prefix)]
    top, count = Counter(h for h in mine if h).most_common(1)[0] if any(mine) else (None, 0)
    return top, count, len(mine)


GAS = ["{p}{b}栋楼道燃气味很重", "{p}有股煤气味，怕是漏了", "{p}{b}号楼天然气泄漏了吧味道好冲",
       "闻到{p}那边煤气味", "{p}{b}单元燃气泄漏，大家都下楼了", "{p}燃气味越来越浓了"]


def gas(place: str) -> list[str]:
    """Return six gas-smell reports naming place (with some building numbers)."""
    return [t.format(p=place, b=b) for t, b in zip(GAS, itertools.cycle((3, 5, 7)))]


def test_gas_smell_in_two_estates_800_m_apart_is_two_hotspots():
    docs = reports("a", gas("红枫苑"), east(0.0)) + reports("b", gas("青松小区"), east(0.8), start=7)
    found = groups(docs)
    a, na, _ = main_hotspot(found, "a", docs)
    b, nb, _ = main_hotspot(found, "b", docs)
    assert a and b and a != b
    assert na >= 5 and nb >= 5


def test_two_estates_named_in_text_only_stay_apart():
    docs = reports("a", gas("红枫苑"), None) + reports("b", gas("青松小区"), None, start=7)
    found = groups(docs)
    a, na, _ = main_hotspot(found, "a", docs)
    b, nb, _ = main_hotspot(found, "b", docs)
    assert a and b and a != b and na >= 4 and nb >= 4


def test_flood_and_manhole_in_one_street_stay_apart():
    flood = ["长乐街积水好深车过不去", "长乐街又淹了，水到小腿", "长乐街公交站那里积水排不掉", "长乐街路面全是水",
             "长乐街积水把电动车泡了"]
    manhole = ["长乐街井盖没了一个大洞", "长乐街人行道井盖被偷了", "长乐街井盖翻起来了", "长乐街那个窨井没盖子",
               "长乐街井盖碎了踩着晃"]
    docs = reports("f", flood, east(0.0), 10) + reports("m", manhole, east(0.15), 10, start=5)
    found = groups(docs)
    f, nf, _ = main_hotspot(found, "f", docs)
    m, nm, _ = main_hotspot(found, "m", docs)
    assert f and m and f != m and nf >= 4 and nm >= 4


def test_one_estates_complaints_about_one_development_stay_together():
    texts = ["星河湾旁边的工地半夜打桩吵死了", "星河湾隔壁工地扬尘大，窗台全是灰", "星河湾门口渣土车把路弄得全是泥",
             "星河湾那个工地晚上还在施工", "星河湾这边工地的灰吹进家里", "星河湾工地渣土车天天轰隆隆",
             "星河湾旁边工地凌晨还在干活", "星河湾工地扬尘没人管", "星河湾工地噪音扰民好几天了"]
    docs = reports("d", texts, east(0.3), minutes=240)
    found = groups(docs)
    top, count, total = main_hotspot(found, "d", docs)
    assert top and count >= total - 1


def test_labels_name_the_place_whole_and_the_hazard():
    flood = ["红旗路积水好深车过不去", "红旗路又淹了，水到小腿", "红旗路公交站那里积水排不掉", "红旗路路面全是水，有个车熄火"]
    docs = reports("f", flood, east(0.0), 10)
    (hotspot,) = cluster(docs)
    assert hotspot["label"].split() == ["红旗路", "道路积水"]
    assert "红旗" not in hotspot["keywords"] and "有个" not in hotspot["keywords"]


def test_heat_counts_people_and_supporters():
    docs = reports("a", gas("红枫苑"), east(0.0))
    plain = cluster(docs)[0]
    same_person = cluster([dict(d, user="one-person") for d in docs])[0]
    liked = cluster([dict(d, likes=200) for d in docs])[0]
    assert plain["reporters"] == 6 and same_person["reporters"] == 1
    assert same_person["heat"] < plain["heat"] < liked["heat"]


def test_one_estates_threads_over_a_year_form_one_parent_with_topics():
    start = dt.datetime(2019, 1, 5, tzinfo=dt.timezone.utc)
    topics = {
        "smoke": ["青禾苑小区楼下烧烤店油烟直排", "青禾苑小区底商油烟熏得开不了窗", "青禾苑小区餐馆排烟管道对着住户",
                  "青禾苑油烟扰民严重", "青禾苑小区一楼饭店油烟太大", "青禾苑小区油烟污染没人管"],
        "noise": ["青禾苑小区夜宵摊吵到凌晨", "青禾苑小区门口大排档噪音扰民", "青禾苑小区底层酒吧音乐声太大",
                  "青禾苑夜里吵闹睡不着", "青禾苑小区商铺半夜喧哗", "青禾苑小区临街门面噪音"],
        "parking": ["青禾苑小区车位只卖不租", "青禾苑小区开发商捆绑销售车位", "青禾苑小区车位价格太高",
                    "青禾苑车位强制购买", "青禾苑小区车位捆绑", "青禾苑小区业主买不起车位"],
    }
    other = ["公交车经常不按时发车", "公交车司机开车太猛", "公交站台没有遮雨棚", "公交车太挤了", "公交线路绕远",
             "公积金贷款额度太低", "公积金提取手续复杂", "公积金缴存比例问题", "公积金贷款审批慢", "公积金账户转移难"]
    docs, k = [], 0
    for name, texts in topics.items():
        for text in texts:
            docs.append({"id": f"{name}{k}", "text": text, "created_at": (start + dt.timedelta(days=17 * k)).isoformat()})
            k += 1
    for i, text in enumerate(other):
        docs.append({"id": f"other{i}", "text": text, "created_at": (start + dt.timedelta(days=31 * i)).isoformat()})
    hotspots = cluster(docs, None, mode="archive")
    found = {m: h for h in hotspots for m in h["members"]}
    estate = [found.get(d["id"]) for d in docs if not d["id"].startswith("other")]
    parent = estate[0]
    assert parent is not None and sum(h is parent for h in estate) >= 16
    assert parent["label"].startswith("青禾苑")
    assert not any(m.startswith("other") for m in parent["members"])


def test_clusters_naming_one_estate_merge_into_a_parent_and_keep_their_topics():
    from nlp.hotspots.parents import merge

    places = [["青禾苑"]] * 4 + [["青禾苑"], []] * 2 + [["白沙"]] * 3 + [["青禾苑"], ["白沙"], []]
    labels = np.array([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, -1, -1, -1])
    merged, topics = merge(labels, places, 3)
    assert set(merged[:8]) == {0} and set(merged[8:11]) == {2}
    assert merged[11] == 0 and merged[12] == 2 and merged[13] == -1  # left-out reports naming a place join its cluster
    assert topics == {0: [0, 1]}


def test_development_called_by_its_project_stays_one_hotspot_without_positions():
    texts = ["柳岸家园旁边工地半夜还在打桩", "柳岸旧改工程东门扬尘好大窗户不敢开", "柳岸那边泥头车把路面弄得全是泥",
             "柳岸回迁楼工地凌晨还在施工噪音大", "柳岸家园12栋灰尘飘进屋里", "柳岸旧改工程渣土车天天进出",
             "柳岸回迁楼工地机器轰隆隆吵得睡不着", "柳岸家园门口运料卡车堵路", "柳岸那边工地扬尘没人管"]
    docs = reports("d", texts, None, minutes=300)
    found = groups(docs)
    top, count, total = main_hotspot(found, "d", docs)
    assert top and count >= total - 1


def test_an_unrelated_complaint_naming_no_place_stays_out_of_an_incident():
    docs = reports("a", gas("红枫苑"), None) + reports("x", ["快递柜坏了取不了件", "物业费又乱涨了"], None, start=5)
    found = groups(docs)
    a, na, _ = main_hotspot(found, "a", docs)
    assert a and na >= 5
    assert found.get("x0") != a and found.get("x1") != a


def test_gazetteer_finds_names_not_the_window_cuts_around_them():
    from nlp.hotspots.features import soft_text
    from nlp.hotspots.placenames import Matcher, gazetteer

    texts = [soft_text(t) for t in ["松峰名苑3栋燃气味", "松峰那边闻到燃气", "松峰回迁楼工地扬尘大", "松峰旧改工程东门很吵",
                                    "投诉伊景园滨河苑捆绑销售车位", "伊景园滨河苑车位问题", "伊景园物业", "碧园新村东门积水"]]
    names = gazetteer(texts)
    assert {"松峰", "伊景", "碧园"} <= set(names)
    assert not {"松峰名", "峰回迁楼", "旧改工程", "投诉伊景", "碧园新村"} & set(names)
    assert Matcher(names).find(texts[2]) == ["松峰"]


def test_a_two_character_estate_name_ending_in_a_suffix_is_a_name():
    from nlp.hotspots.placenames import suffixed_names

    assert suffixed_names("翠园那边墙皮一块块脱落") == ["翠园"]
    assert suffixed_names("银苑那边10栋电梯困人") == ["银苑"]
    assert set(suffixed_names("碧居花园12栋天然气漏了")) == {"碧居"}
    # common words that end in such a suffix, and a determiner before one, name no place
    assert suffixed_names("邻居家里有煤气味") == []
    assert suffixed_names("政府部门一直不管") == []
    assert suffixed_names("校园门口井盖没了") == []
    assert suffixed_names("全村都停水了") == []


def test_the_common_suffix_words_are_those_of_jiebas_dictionary():
    import os
    import re

    import jieba

    from nlp.hotspots.placenames import SHORT_SUFFIXES, common_suffix_words

    pattern = re.compile(f"^.[{''.join(sorted(SHORT_SUFFIXES))}]$")
    with open(os.path.join(os.path.dirname(jieba.__file__), "dict.txt"), encoding="utf-8") as f:
        words = {w for w, freq, *_ in (line.split() for line in f) if pattern.match(w) and int(freq) >= 40}
    assert words == common_suffix_words()
    assert {"邻居", "政府", "校园", "农村"} <= words and "翠园" not in words
