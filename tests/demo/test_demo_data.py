"""Checks on the demo city's data files (server/demo/data)."""

import json
import math
from collections import Counter, defaultdict
from importlib import resources

import pytest
from shapely.geometry import Point, shape
from shapely.ops import unary_union

from server.demo.data import build_city, load

CATEGORIES = {
    "natural_disaster.flood_waterlogging", "natural_disaster.geological",
    "natural_disaster.extreme_weather", "natural_disaster.tree_fall",
    "accident.gas_leak", "accident.fire_hazard", "accident.electrical",
    "accident.building_safety", "accident.road_facility", "accident.traffic_safety",
    "accident.special_equipment", "accident.hazardous_chemicals", "accident.construction_site",
    "public_health.food_safety", "public_health.infectious_disease",
    "public_health.environmental_pollution", "public_health.drinking_water",
    "public_health.animal_hazard", "social_security.public_order",
    "social_security.crowd_safety", "social_security.school_safety", "social_security.dispute",
}
DEPARTMENTS = {
    "FIRE": "消防救援支队", "EMERGENCY": "应急管理局", "POLICE": "公安局",
    "HEALTH": "卫生健康委员会", "CDC": "疾病预防控制中心", "HOUSING": "住房和城乡建设局",
    "URBAN": "城市管理和综合执法局", "WATER": "水务局", "GAS": "燃气集团", "POWER": "供电公司",
    "MARKET": "市场监督管理局", "EDUCATION": "教育局", "TRANSPORT": "交通运输局",
    "ECOLOGY": "生态环境局", "NATRES": "自然资源和规划局", "METEO": "气象局",
    "COMMAND": "城市运行管理指挥中心", "STREET": "属地街道办事处",
}
EMERGENCY_RESPONSE = {"FIRE", "POLICE", "HEALTH", "CDC", "EMERGENCY"}
COORDINATION = {"COMMAND", "STREET"}
AREA_FIELDS = {"code", "name", "name_en", "level", "parent", "aliases", "polygon", "landmarks"}
REPORT_FIELDS = {"incident", "text", "category_hint", "channel", "reporter", "anonymous",
                 "lat", "lon", "address", "hours_ago", "photo", "voice"}
USER_FIELDS = {"username", "password", "role", "display_name", "phone", "department", "grid"}
PHOTOS = {"gas", "water", "fire_lane", "manhole", "tree", "facade", "ebike", "generic"}
M_PER_DEG_LAT = 111_320.0


@pytest.fixture(scope="module")
def areas():
    return load("areas")


@pytest.fixture(scope="module")
def by_code(areas):
    return {a["code"]: a for a in areas}


@pytest.fixture(scope="module")
def shapes(areas):
    return {a["code"]: shape(a["polygon"]) for a in areas}


@pytest.fixture(scope="module")
def reports():
    return load("reports")


@pytest.fixture(scope="module")
def users():
    return load("users")


def _grid_of(shapes, by_code, lat, lon):
    hits = [c for c, s in shapes.items()
            if by_code[c]["level"] == "grid" and s.covers(Point(lon, lat))]
    assert len(hits) == 1, (lat, lon, hits)
    return hits[0]


def _metres(lat1, lon1, lat2, lon2):
    dy = (lat2 - lat1) * M_PER_DEG_LAT
    dx = (lon2 - lon1) * M_PER_DEG_LAT * math.cos(math.radians(lat1))
    return math.hypot(dx, dy)


def test_files_are_readable_utf8_json():
    names = ["areas", "departments", "users", "reports", "incidents"]
    for name in names:
        raw = resources.files("server.demo.data").joinpath(f"{name}.json").read_bytes()
        text = raw.decode("utf-8")
        assert "\\u" not in text, f"{name}.json escapes non-ASCII characters"
        assert json.loads(text) == load(name) == load(f"{name}.json")


def test_generator_reproduces_committed_files(areas, reports, users):
    assert build_city.build_areas() == areas
    built_reports, built_incidents = build_city.build_reports(
        areas, build_city.residents_from_users(users))
    assert built_reports == reports
    assert built_incidents == load("incidents")


def test_area_hierarchy(areas, by_code):
    assert all(set(a) == AREA_FIELDS for a in areas)
    assert len(by_code) == len(areas)
    counts = Counter(a["level"] for a in areas)
    assert counts == {"district": 3, "street": 6, "community": 12, "grid": 36}
    parent_level = {"district": None, "street": "district", "community": "street",
                    "grid": "community"}
    for a in areas:
        if a["level"] == "district":
            assert a["parent"] is None
            continue
        parent = by_code[a["parent"]]
        assert parent["level"] == parent_level[a["level"]]
        assert a["code"].startswith(parent["code"] + "-")
    for a in areas:
        assert a["name"] and a["name_en"] and isinstance(a["aliases"], list)
    assert by_code["D01-S01-C01-G01"]["name"].endswith("第一网格")
    assert all(a["name"].endswith("网格") for a in areas if a["level"] == "grid")


def test_polygons_valid_and_closed(areas, shapes):
    for a in areas:
        poly = a["polygon"]
        assert poly["type"] == "Polygon"
        ring = poly["coordinates"][0]
        assert ring[0] == ring[-1] and len(ring) >= 4
        for lon, lat in ring:  # GeoJSON order: lon, lat
            assert 112.8 < lon < 113.1 and 28.1 < lat < 28.3
        assert shapes[a["code"]].is_valid and shapes[a["code"]].area > 0


def test_children_tile_parent_without_overlap(areas, shapes):
    children = defaultdict(list)
    for a in areas:
        children[a["parent"]].append(a["code"])
    for parent, kids in children.items():
        for i, k in enumerate(kids):
            if parent is not None:
                assert shapes[k].within(shapes[parent]), (k, parent)
            for other in kids[i + 1:]:
                assert shapes[k].intersection(shapes[other]).area < 1e-12, (k, other)
        if parent is not None:
            union = unary_union([shapes[k] for k in kids])
            assert shapes[parent].symmetric_difference(union).area < 1e-12, parent
    city = unary_union([shapes[k] for k in children[None]])
    assert abs(city.area - sum(shapes[k].area for k in children[None])) < 1e-12


def test_landmarks_inside_their_areas(areas, shapes):
    seen = Counter()
    for a in areas:
        if a["level"] == "community":
            assert 2 <= len(a["landmarks"]) <= 4, a["code"]
        for lm in a["landmarks"]:
            assert set(lm) >= {"name", "lat", "lon"}
            assert shapes[a["code"]].contains(Point(lm["lon"], lm["lat"])), (a["code"], lm)
            if a["level"] == "grid":
                seen[lm["name"]] += 1
    # every community landmark sits in exactly one of its grids
    community_lms = [lm["name"] for a in areas if a["level"] == "community"
                     for lm in a["landmarks"]]
    assert sorted(community_lms) == sorted(seen) and set(seen.values()) == {1}


def test_departments():
    deps = load("departments")
    assert {d["code"]: d["name"] for d in deps} == DEPARTMENTS
    assert len(deps) == len(DEPARTMENTS)
    for d in deps:
        assert set(d) == {"code", "name", "name_en", "type", "phone"}
        expected = ("emergency_response" if d["code"] in EMERGENCY_RESPONSE
                    else "coordination" if d["code"] in COORDINATION else "operational_support")
        assert d["type"] == expected
        assert d["phone"].startswith("0731-8") and len(d["phone"]) == 13
        assert d["phone"][5:].isdigit()


def test_users(users, by_code):
    deps = {d["code"] for d in load("departments")}
    assert all(set(u) == USER_FIELDS for u in users)
    by_name = {u["username"]: u for u in users}
    assert len(by_name) == len(users)
    assert all(len(u["password"]) >= 10 for u in users)
    expected = {"13800000001": ("resident", None), "grid01": ("grid_worker", None),
                "gas01": ("dept_staff", "GAS"), "fire01": ("dept_staff", "FIRE"),
                "command01": ("supervisor", "COMMAND"), "admin": ("admin", None)}
    for name, (role, dept) in expected.items():
        assert (by_name[name]["role"], by_name[name]["department"]) == (role, dept)
    assert by_name["13800000001"]["display_name"] == "张女士"
    assert by_name["13800000001"]["phone"] == "13800000001"
    assert by_name["grid01"]["grid"] == "D01-S01-C01-G01"
    for u in users:
        assert u["department"] is None or u["department"] in deps
        assert u["grid"] is None or by_code[u["grid"]]["level"] == "grid"
        if u["role"] == "resident":
            assert u["username"] == u["phone"] and len(u["phone"]) == 11
    assert sum(u["role"] == "resident" for u in users) >= 20


def test_report_fields_and_references(reports, users):
    names = {u["username"]: u for u in users}
    assert 180 <= len(reports) <= 220
    for r in reports:
        assert set(r) == REPORT_FIELDS
        assert r["reporter"] in names
        assert r["category_hint"] is None or r["category_hint"] in CATEGORIES
        assert r["channel"] in {"app", "patrol", "hotline", "web"}
        if r["channel"] == "patrol":
            assert r["reporter"] == "grid01"
        else:
            assert names[r["reporter"]]["role"] == "resident"
        assert isinstance(r["anonymous"], bool) and isinstance(r["voice"], bool)
        assert r["photo"] is None or r["photo"] in PHOTOS
        assert 0 <= r["hours_ago"] <= 240
        assert 15 <= len(r["text"]) <= 150, r["text"]
        assert (r["lat"] is None) == (r["lon"] is None)


def test_report_mix(reports):
    n = len(reports)
    share = lambda pred: sum(1 for r in reports if pred(r)) / n  # noqa: E731
    assert 0.35 <= share(lambda r: r["category_hint"] is None) <= 0.65
    assert 0.05 <= share(lambda r: r["anonymous"]) <= 0.15
    assert 0.05 <= share(lambda r: r["voice"]) <= 0.15
    assert 0.25 <= share(lambda r: r["photo"] is not None) <= 0.45
    assert 0.12 <= share(lambda r: r["lat"] is None) <= 0.30
    assert {r["channel"] for r in reports} == {"app", "patrol", "hotline", "web"}
    used = {r["category_hint"] for r in reports} - {None}
    assert used == CATEGORIES
    assert sum(1 for r in reports if r["incident"] is None) >= 50


def test_reports_without_coordinates_name_a_place(reports, areas):
    places = set()
    for a in areas:
        places.update([a["name"], *a["aliases"]])
        places.update(lm["name"] for lm in a["landmarks"])
    for r in reports:
        if r["lat"] is None:
            said = r["text"] + (r["address"] or "")
            assert any(p in said for p in places), r["text"]


def test_report_points_fall_in_grids(reports, shapes, by_code):
    for r in reports:
        if r["lat"] is not None:
            _grid_of(shapes, by_code, r["lat"], r["lon"])
    for r in reports:
        if r["channel"] == "patrol" and r["lat"] is not None:
            assert _grid_of(shapes, by_code, r["lat"], r["lon"]) == "D01-S01-C01-G01"


def test_incidents(reports, shapes, by_code):
    incidents = {i["id"]: i for i in load("incidents")}
    groups = defaultdict(list)
    for r in reports:
        if r["incident"] is not None:
            groups[r["incident"]].append(r)
    assert set(groups) == set(incidents)
    assert len(groups) >= 12
    for inc_id, group in groups.items():
        inc = incidents[inc_id]
        assert len(group) >= 6 and len({r["reporter"] for r in group}) >= 6, inc_id
        assert len({r["text"] for r in group}) == len(group), inc_id
        assert _grid_of(shapes, by_code, inc["lat"], inc["lon"]) == inc["grid"]
        for r in group:
            if r["lat"] is not None:
                assert _grid_of(shapes, by_code, r["lat"], r["lon"]) == inc["grid"]
                assert _metres(inc["lat"], inc["lon"], r["lat"], r["lon"]) <= 85
        hours = [r["hours_ago"] for r in group]
        assert max(hours) - min(hours) <= 7 * 24, inc_id
    located = [r for r in reports if r["lat"] is not None]
    assert len({_grid_of(shapes, by_code, r["lat"], r["lon"])[:3] for r in located}) == 3


def test_texts_exercise_masking_and_variants(reports):
    texts = [r["text"] for r in reports]
    assert sum(any(c.isdigit() for c in t) and ("电话" in t or "联系" in t) for t in texts) >= 4
    assert sum("湘A" in t for t in texts) >= 3
    traditional = set("樓煤氣請處裡學廈壞橋邊還風")
    assert 3 <= sum(any(c in traditional for c in t) for t in texts) <= 12
