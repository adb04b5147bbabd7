"""Tests for nlp.hotspots.cluster on small hand-written sets of Chinese reports."""

import datetime as dt

import pytest

from nlp.hotspots import cluster
from nlp.hotspots.describe import hotspot_id
from nlp.segment import default_segmenter

GAS = [
    "幸福小区3栋楼道里煤气味很浓，怀疑燃气泄漏", "幸福小区闻到很浓的煤气味，燃气管道可能泄漏了",
    "幸福小区楼下燃气泄漏，煤气味刺鼻", "燃气泄漏！幸福小区3栋一楼煤气味特别大",
    "幸福小区有煤气味，燃气泄漏很危险", "幸福小区燃气管道泄漏，整栋楼都是煤气味",
    "幸福小区燃气泄漏了煤气味好重",
]
FLOOD = [
    "人民路下穿隧道积水严重，车辆被淹", "暴雨后人民路隧道积水很深，内涝严重",
    "人民路隧道内涝，积水没过膝盖", "人民路下穿隧道积水，有车被困",
    "人民路隧道积水内涝，请排水", "大雨导致人民路隧道严重积水内涝", "人民路隧道又积水了，内涝",
]
CHARGING = [
    "阳光花园楼道有人飞线充电，电动车堵住消防通道", "阳光花园电动车在楼道飞线充电，很危险",
    "阳光花园飞线充电给电动车，楼道消防通道被占", "阳光花园楼道电动车充电飞线，消防隐患",
    "阳光花园又有人飞线充电电动车", "阳光花园消防通道停满电动车，还飞线充电",
]
SINGLES = [
    "学校门口有流浪狗咬人", "某餐馆后厨卫生很差，疑似过期食品", "路口红绿灯坏了很久",
    "公园大树断枝悬在空中", "广场舞噪音扰民到深夜",
]
START = dt.datetime(2025, 6, 1, 8, 0)


def make_docs(groups, with_geo=True, tokens=True):
    """Return cluster() input for groups of (texts, (lat, lon) or None)."""
    seg = default_segmenter()
    docs = []
    for texts, where in groups:
        for i, text in enumerate(texts):
            lat = lon = None
            if with_geo and where:
                lat, lon = where[0] + 0.0004 * i, where[1] - 0.0003 * i
            doc = {"id": f"r{len(docs)}", "lat": lat, "lon": lon,
                   "created_at": START + dt.timedelta(minutes=7 * len(docs))}
            doc.update({"tokens": seg.cut(text)} if tokens else {"text": text})
            docs.append(doc)
    return docs


GROUPS = [(GAS, (28.19, 112.97)), (FLOOD, (28.20, 113.00)), (CHARGING, (28.22, 112.93)), (SINGLES, None)]


def ids(start, count):
    return [f"r{i}" for i in range(start, start + count)]


@pytest.mark.parametrize("with_geo", [True, False])
def test_three_incidents_found_and_singletons_left_out(with_geo):
    clusters = cluster(make_docs(GROUPS, with_geo), min_cluster_size=3)
    assert sorted(c["size"] for c in clusters) == [6, 7, 7]
    by_members = {frozenset(c["members"]): c for c in clusters}
    gas = by_members[frozenset(ids(0, 7))]
    flood = by_members[frozenset(ids(7, 7))]
    charging = by_members[frozenset(ids(14, 6))]
    assert {"燃气泄漏", "煤气味"} <= set(gas["keywords"])
    assert {"积水", "内涝"} <= set(flood["keywords"])
    assert {"飞线充电", "电动车"} <= set(charging["keywords"])
    for c in clusters:
        assert 3 <= len(c["keywords"]) <= 5 and c["label"]
        assert c["first_seen"] <= c["last_seen"]
        assert c["representative"] in c["members"]
        assert c["id"] == hotspot_id(c["members"])
    assert gas["first_seen"] == START and gas["last_seen"] == START + dt.timedelta(minutes=42)
    assert [c["heat"] for c in clusters] == sorted((c["heat"] for c in clusters), reverse=True)
    if with_geo:
        assert gas["centroid"] == pytest.approx((28.19 + 0.0012, 112.97 - 0.0009))
        west, south, east, north = gas["bbox"]
        assert (south, north) == pytest.approx((28.19, 28.1924)) and west < east
    else:
        assert gas["centroid"] is None and gas["bbox"] is None


def test_raw_text_is_segmented_and_places_name_the_label():
    clusters = cluster(make_docs(GROUPS, tokens=False))
    assert sorted(c["size"] for c in clusters) == [6, 7, 7]
    gas = next(c for c in clusters if "r0" in c["members"])
    assert gas["places"][0].startswith("幸福")
    assert gas["label"].startswith("幸福")


def test_same_topic_far_apart_is_two_hotspots():
    docs = make_docs([(GAS, (28.19, 112.97)), (GAS, (28.30, 113.10))])
    clusters = cluster(docs, min_cluster_size=3)
    assert sorted(sorted(c["members"]) for c in clusters) == sorted([sorted(ids(0, 7)), sorted(ids(7, 7))])
    assert sorted(round(c["centroid"][0], 1) for c in clusters) == [28.2, 28.3]


def test_optional_fields_growth_and_heat():
    docs = make_docs([(GAS, (28.19, 112.97))])
    for i, doc in enumerate(docs):
        doc.update(grid="G01" if i < 5 else "G02", category="accident.gas_leak", severity="III" if i else "II",
                   reporter=f"u{i % 4}", likes=10)
        doc["created_at"] = START + dt.timedelta(hours=20 * i)  # 0 .. 120 h
    [found] = cluster(docs, now=START + dt.timedelta(hours=120))
    assert found["grids"] == ["G01", "G02"]
    assert found["category"] == "accident.gas_leak" and found["severity"] == "II" and found["severity_level"] == 2
    assert found["reporters"] == 4 and found["likes"] == 70
    assert (found["last_24h"], found["previous_24h"], found["growth"]) == (2, 1, 1.5)
    [calm] = cluster([dict(d, severity=None, likes=0) for d in docs], now=START + dt.timedelta(hours=500))
    assert found["heat"] > calm["heat"] > 0


def test_long_archives_cluster_topics_regardless_of_time():
    docs = make_docs([(GAS, None), (FLOOD, None), (SINGLES, None)], with_geo=False)
    for i, doc in enumerate(docs):
        doc["created_at"] = START + dt.timedelta(days=11 * i)  # months apart
    clusters = cluster(docs, min_cluster_size=None, mode="auto")
    assert sorted(sorted(c["members"]) for c in clusters) == [sorted(ids(0, 7)), sorted(ids(7, 7))]


def test_too_few_or_empty_documents():
    assert cluster([]) == []
    assert cluster(make_docs([(GAS[:2], None)]), min_cluster_size=3) == []
    empty = [{"id": i, "tokens": [], "lat": None, "lon": None, "created_at": START} for i in range(5)]
    assert cluster(empty) == []
