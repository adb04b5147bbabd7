"""City-scale re-clustering: bounded partitions with halos, clustered apart and merged across borders."""

import datetime as dt
import math
import random

import pytest
from sklearn.metrics import adjusted_rand_score

from nlp.hotspots import cluster
from nlp.hotspots.partition import cluster_partition, cluster_partitioned, groups, merge, plan
from nlp.segment import default_segmenter
from tests.data.hotspots.synthetic import synthetic

START = dt.datetime(2025, 6, 1, 8, 0, tzinfo=dt.timezone.utc)
ORIGIN = (28.2, 112.95)
GAS = ["幸福路12号燃气泄漏，煤气味很重", "幸福路12号楼下闻到煤气味，怀疑燃气泄漏", "幸福路燃气泄漏了，12号煤气味刺鼻",
       "幸福路12号一楼煤气味特别大，燃气泄漏", "燃气泄漏！幸福路12号附近煤气味", "幸福路12号煤气味浓，燃气管道泄漏",
       "幸福路12号燃气泄漏很危险", "幸福路12号又闻到煤气味，燃气泄漏"]
OTHER = ["{}小区井盖不见了", "{}路口红绿灯坏了", "{}公园大树断枝", "{}菜市场后面垃圾堆积发臭", "{}小学门口流浪狗咬人",
         "{}大道路灯不亮", "{}社区电梯困人", "{}广场噪音扰民"]
NAMES = ["桃源", "金桂", "松柏", "银杏", "梧桐", "青竹", "白杨", "红枫", "丁香", "海棠", "紫荆", "芙蓉"]


def _at(km_east: float, km_north: float) -> tuple:
    """Return (lat, lon) km east and north of the origin."""
    return (ORIGIN[0] + km_north / 111.32, ORIGIN[1] + km_east / (111.32 * math.cos(math.radians(ORIGIN[0]))))


def _doc(i: int, text: str, km: tuple | None, hours: float, seg) -> dict:
    """Return one report."""
    doc = {"id": i, "text": text, "tokens": seg.cut(text), "created_at": (START + dt.timedelta(hours=hours)).isoformat()}
    if km is not None:
        doc["lat"], doc["lon"] = _at(*km)
    return doc


@pytest.fixture(scope="module")
def border_city():
    """A gas leak straddling the middle of a 10 km strip, one-off reports spread evenly on both sides."""
    seg, rng = default_segmenter(), random.Random(5)
    docs = []
    for k in range(80):  # mirrored, so the median cut falls between the leak's two halves
        side = -1 if k % 2 else 1
        text = rng.choice(OTHER).format(NAMES[k % len(NAMES)] + NAMES[(k // 3) % len(NAMES)])
        docs.append(_doc(1000 + k, text, (side * rng.uniform(1.0, 5.0), rng.uniform(0, 1.5)), rng.uniform(0, 20), seg))
    for k, text in enumerate(GAS):
        east = (-1 if k % 2 else 1) * rng.uniform(0.02, 0.08)
        docs.append(_doc(k + 1, text, (east, 0.7 + rng.uniform(-0.05, 0.05)), 2.0 + k * 0.5, seg))
    return docs


def test_plan_bounds_every_partition_and_owns_each_report_once(border_city):
    found = plan(border_city, max_size=30)
    own = [i for p in found.partitions for i in p.core]
    assert sorted(own) == sorted(d["id"] for d in border_city), "each report is owned by exactly one partition"
    assert all(len(p.core) <= 30 for p in found.partitions) and len(found.partitions) >= 3
    assert all(not set(p.core) & set(p.halo) for p in found.partitions)
    assert plan(border_city, max_size=30) == found, "the same window gives the same plan"
    assert found.mode == "live"


def test_halo_reaches_across_the_border_only_nearby(border_city):
    found = plan(border_city, max_size=44)
    assert len(found.partitions) == 2
    left, right = found.partitions
    gas = set(range(1, len(GAS) + 1))
    assert gas & set(left.core) and gas & set(right.core), "the leak is cut in two by the border"
    assert gas <= set(left.ids) and gas <= set(right.ids), "each side sees the whole leak through its halo"
    by_id = {d["id"]: d for d in border_city}
    far = [i for i in left.halo + right.halo if i not in gas]
    assert all(abs((by_id[i]["lon"] - ORIGIN[1]) * 111.32 * math.cos(math.radians(ORIGIN[0]))) < 0.6 for i in far)


def test_a_cluster_straddling_a_border_becomes_one_hotspot(border_city):
    found = cluster_partitioned(border_city, max_size=44)
    gas = set(range(1, len(GAS) + 1))
    holding = [h for h in found if gas & set(h["members"])]
    assert len(holding) == 1 and gas <= set(holding[0]["members"])
    assert len(holding[0]["members"]) <= len(gas) + 1
    assert "幸福路" in holding[0]["label"]


def test_without_halos_the_summaries_still_join_the_two_halves(border_city):
    the_plan = plan(border_city, max_size=44)
    by_id = {d["id"]: d for d in border_city}
    results = [(p.key, cluster_partition([by_id[i] for i in p.core], p.core, the_plan, 3))
               for p in the_plan.partitions]
    gas = set(range(1, len(GAS) + 1))
    halves = [c for _, clusters in results for c in clusters if gas & set(c["members"])]
    assert len(halves) == 2, "each side found its half of the leak"
    joined = [g for g in groups(results) if gas & set(g["members"])]
    assert len(joined) == 1 and set(joined[0]["members"]) >= gas
    hotspots = merge(results, lambda ids: [by_id[i] for i in ids], the_plan, 3)
    assert sum(1 for h in hotspots if gas & set(h["members"])) == 1


def test_a_report_without_position_goes_where_its_place_is(border_city):
    seg = default_segmenter()
    docs = border_city + [_doc(99, "幸福路12号那边煤气味好重", None, 4.0, seg)]
    found = plan(docs, max_size=44)
    owner = next(p for p in found.partitions if 99 in p.core)
    assert owner.key.startswith("s"), "placed by the located reports naming 幸福路"
    assert set(owner.ids) & set(range(1, len(GAS) + 1))


@pytest.fixture(scope="module")
def small_city():
    """600 generated reports of a city over two weeks, with tokens."""
    seg = default_segmenter()
    docs = synthetic(600, seed=11)
    for d in docs:
        d["tokens"] = seg.cut(d["text"])
    return docs


def _labels(docs, hotspots):
    """Return each doc's hotspot number, or a label of its own."""
    of = {m: k for k, h in enumerate(hotspots) for m in h["members"]}
    return [of.get(d["id"], f"alone-{d['id']}") for d in docs]


def test_partitioned_result_matches_the_single_run(small_city):
    single = cluster(small_city)
    parted = cluster_partitioned(small_city, max_size=200)
    assert len(plan(small_city, max_size=200).partitions) >= 3
    assert adjusted_rand_score(_labels(small_city, single), _labels(small_city, parted)) >= 0.85
    truth = [d["incident"] or f"one-{d['id']}" for d in small_city]
    assert adjusted_rand_score(truth, _labels(small_city, parted)) >= \
        adjusted_rand_score(truth, _labels(small_city, single)) - 0.05, "quality kept against the true incidents"


def test_partitioned_result_is_deterministic(small_city):
    first = cluster_partitioned(small_city, max_size=200)
    again = cluster_partitioned([dict(d) for d in small_city], max_size=200)
    assert [(h["id"], h["members"]) for h in first] == [(h["id"], h["members"]) for h in again]
    assert len({h["id"] for h in first}) == len(first)


def _cluster(core, halo=(), xy=None, text=None):
    summary = {"xy": xy, "span": None, "text": text or {}, "hazard": 0, "names": []}
    return {"core": list(core), "members": list(core) + list(halo), "summary": summary}


def test_a_chain_of_border_joins_never_puts_two_clusters_of_one_partition_together():
    """B1 took in halo reports of both A1 and A2 (two incidents partition A told apart): B1 joins one of them, the
    one it shares more with, and A1 and A2 stay apart."""
    a1, a2 = _cluster(["a1", "a2", "a3"]), _cluster(["a4", "a5", "a6"])
    b1 = _cluster(["b1", "b2", "b3"], halo=["a1", "a2", "a3", "a4", "a5"])
    found = groups([("A", [a1, a2]), ("B", [b1])])
    by_member = {m: i for i, g in enumerate(found) for m in g["members"]}
    assert by_member["a1"] != by_member["a4"], "partition A's own judgement stands"
    assert by_member["b1"] == by_member["a1"], "B1 joins A1, with which it shares three reports (A2: two)"
    assert sorted(m for g in found for m in g["members"]) == sorted(["a1", "a2", "a3", "a4", "a5", "a6", "b1", "b2",
                                                                    "b3"]), "every report once"


def test_alike_summaries_chain_only_across_different_partitions():
    sig = {"煤气": 1.0}
    a1, a2 = _cluster(["a1"], xy=[0.0, 0.0], text=sig), _cluster(["a2"], xy=[0.6, 0.0], text=sig)
    b1 = _cluster(["b1"], xy=[0.3, 0.0], text=sig)
    found = groups([("A", [a1, a2]), ("B", [b1])])
    assert len(found) == 2 and any({"a1", "b1"} <= set(g["members"]) or {"a2", "b1"} <= set(g["members"])
                                   for g in found)


def test_alike_summaries_do_not_chain_a_group_across_a_district():
    """A 0.4 km from B, B 0.4 km from C: each pair alike, but A and C are 0.8 km apart. Single links would make one
    group of the three (at 1M reports such chains made hotspots of 200 incidents); the group stays compact."""
    sig = {"煤气": 1.0}
    a = _cluster(["a1", "a2"], xy=[0.0, 0.0], text=sig)
    b = _cluster(["b1", "b2"], xy=[0.4, 0.0], text=sig)
    c = _cluster(["c1", "c2"], xy=[0.8, 0.0], text=sig)
    found = groups([("A", [a]), ("B", [b]), ("C", [c])])
    by_member = {m: i for i, g in enumerate(found) for m in g["members"]}
    assert by_member["a1"] == by_member["b1"], "the first alike pair joins"
    assert by_member["c1"] != by_member["a1"], "C is 0.6 km from the group's centre: another incident"


def test_alike_summaries_do_not_chain_a_group_over_days():
    sig = {"积水": 1.0}
    parts = [(key, [dict(_cluster([f"{key}1", f"{key}2"], xy=[0.0, 0.0], text=sig),
                         summary={"xy": [0.0, 0.0], "span": [start, start + 10.0], "text": sig, "hazard": 0,
                                  "names": []})])
             for key, start in (("A", 0.0), ("B", 20.0), ("C", 40.0))]
    found = groups(parts)
    by_member = {m: i for i, g in enumerate(found) for m in g["members"]}
    assert by_member["A1"] == by_member["B1"], "10 hours apart, spanning 30 hours: one incident"
    assert by_member["C1"] != by_member["A1"], "the three would span 50 hours"


def test_compact_signatures_compare_as_the_bigram_dicts_do():
    from nlp.hotspots.borders import _cosine, signature_arrays
    from nlp.hotspots.partition import _signature

    texts_a = ["桂花园小区7栋煤气味很重", "桂花园7栋楼道里煤气味好重"]
    texts_b = ["桂花园小区门口积水很深", "桂花园门口积水车子开不过去"]
    a, b = _signature(texts_a), _signature(texts_b)

    def as_dict(texts):
        grams = {}
        for text in texts:
            for g in {text[i:i + 2] for i in range(len(text) - 1)}:
                grams[g] = grams.get(g, 0) + 1
        norm = sum(v * v for v in grams.values()) ** 0.5
        return {g: v / norm for g, v in grams.items()}

    da, db = as_dict(texts_a), as_dict(texts_b)
    expected = sum(w * db.get(g, 0.0) for g, w in da.items())
    assert 0.1 < expected < 0.9
    assert abs(_cosine(a, b) - expected) < 1e-5
    assert abs(_cosine(a, a) - 1.0) < 1e-5
    assert abs(_cosine(da, b) - expected) < 1e-5, "a signature written as a dict compares alike"
    assert _cosine(signature_arrays({}), a) == 0.0
