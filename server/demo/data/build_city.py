"""Build the demo city's area tree and place the demo reports on it.

Run once from the repository root (``python -m server.demo.data.build_city``);
it rewrites ``areas.json``, ``reports.json`` and ``incidents.json`` (the
ground truth of which reports describe the same event) next to this file.  The output
is deterministic: the same code always gives byte-identical files.

示范市 (Demo City) is fictional.  Its three districts are rectangles side by
side; each is cut into 2 streets (north/south), each street into 2
communities (west/east), each community into 3 grids (north to south), so
children tile their parent exactly and siblings only share edges.
"""

import json
import math
import random
from pathlib import Path

from server.demo.data.report_texts import INCIDENTS, SINGLETONS

HERE = Path(__file__).resolve().parent
SEED = 20260101
M_PER_DEG_LAT = 111_320.0
M_PER_DEG_LON = M_PER_DEG_LAT * math.cos(math.radians(28.20))

CITY_SOUTH, CITY_NORTH = 28.160, 28.240
# Longitudes of the district borders, west to east.
DISTRICT_LONS = [112.900, 112.934, 112.966, 113.000]
# Latitude splitting each district into its north (S01) and south (S02) street.
STREET_SPLIT_LAT = {"D01": 28.205, "D02": 28.198, "D03": 28.202}
# Fraction of a street's width given to its west community (C01).
COMMUNITY_SPLIT = {"D01": 0.48, "D02": 0.53, "D03": 0.50}
GRID_NUMERALS = ["一", "二", "三"]

# code: (name, name_en, aliases)
DISTRICTS = {
    "D01": ("西岭区", "Xiling District", ["西岭", "西岭片区"]),
    "D02": ("滨江区", "Binjiang District", ["滨江", "老城区"]),
    "D03": ("东湖区", "Donghu District", ["东湖", "东湖新城"]),
}
STREETS = {
    "D01-S01": ("桃花岭街道", "Taohualing Subdistrict", ["桃花岭", "桃花岭街办"]),
    "D01-S02": ("望岳街道", "Wangyue Subdistrict", ["望岳", "望岳街办"]),
    "D02-S01": ("湘春街道", "Xiangchun Subdistrict", ["湘春", "湘春街办"]),
    "D02-S02": ("五一街道", "Wuyi Subdistrict", ["五一", "五一街办"]),
    "D03-S01": ("东湖街道", "Donghu Subdistrict", ["东湖街办"]),
    "D03-S02": ("双塘街道", "Shuangtang Subdistrict", ["双塘", "双塘街办"]),
}
COMMUNITIES = {
    "D01-S01-C01": ("桂花园社区", "Guihuayuan Community", ["桂花园"]),
    "D01-S01-C02": ("枫林社区", "Fenglin Community", ["枫林"]),
    "D01-S02-C01": ("学士路社区", "Xueshilu Community", ["学士路"]),
    "D01-S02-C02": ("莲塘社区", "Liantang Community", ["莲塘"]),
    "D02-S01-C01": ("老码头社区", "Laomatou Community", ["老码头"]),
    "D02-S01-C02": ("福源巷社区", "Fuyuanxiang Community", ["福源巷"]),
    "D02-S02-C01": ("东风路社区", "Dongfenglu Community", ["东风路"]),
    "D02-S02-C02": ("新河社区", "Xinhe Community", ["新河"]),
    "D03-S01-C01": ("湖畔社区", "Hupan Community", ["湖畔"]),
    "D03-S01-C02": ("金霞社区", "Jinxia Community", ["金霞"]),
    "D03-S02-C01": ("新桥社区", "Xinqiao Community", ["新桥"]),
    "D03-S02-C02": ("樟树坪社区", "Zhangshuping Community", ["樟树坪"]),
}
# community code: [(name, kind, grid number, fx, fy)], fx/fy = position as a
# fraction of the grid's width (west→east) and height (south→north).
LANDMARKS = {
    "D01-S01-C01": [
        ("桂花园小区", "residential_compound", 1, 0.40, 0.55),
        ("丹桂苑小区", "residential_compound", 1, 0.75, 0.30),
        ("桂花园菜市场", "market", 2, 0.50, 0.50),
        ("桃花岭小学", "school", 3, 0.45, 0.60),
    ],
    "D01-S01-C02": [
        ("枫林雅苑", "residential_compound", 1, 0.50, 0.50),
        ("西岭区人民医院", "hospital", 2, 0.40, 0.50),
        ("枫林公园", "park", 3, 0.55, 0.45),
    ],
    "D01-S02-C01": [
        ("学士路小学", "school", 1, 0.50, 0.50),
        ("学府佳苑", "residential_compound", 2, 0.45, 0.55),
        ("学士路菜市场", "market", 3, 0.60, 0.40),
    ],
    "D01-S02-C02": [
        ("莲塘新村", "residential_compound", 1, 0.50, 0.50),
        ("莲塘颐养院", "elderly_home", 2, 0.35, 0.60),
        ("莲塘路下穿隧道", "underpass", 3, 0.50, 0.50),
    ],
    "D02-S01-C01": [
        ("老码头农贸市场", "market", 1, 0.50, 0.50),
        ("湘春里小区", "residential_compound", 2, 0.50, 0.50),
        ("滨江区第二中学", "school", 3, 0.40, 0.50),
    ],
    "D02-S01-C02": [
        ("纺织厂宿舍", "residential_compound", 1, 0.50, 0.50),
        ("福源商厦", "mall", 2, 0.50, 0.50),
        ("福源巷社区卫生服务中心", "clinic", 3, 0.50, 0.45),
    ],
    "D02-S02-C01": [
        ("东风路地铁站", "metro_station", 1, 0.50, 0.50),
        ("万象汇购物中心", "mall", 2, 0.55, 0.45),
        ("东风花园", "residential_compound", 3, 0.45, 0.55),
    ],
    "D02-S02-C02": [
        ("新河大厦", "residential_compound", 1, 0.50, 0.50),
        ("新河菜市场", "market", 2, 0.45, 0.50),
        ("新河幼儿园", "kindergarten", 3, 0.55, 0.50),
    ],
    "D03-S01-C01": [
        ("湖畔名都", "residential_compound", 1, 0.50, 0.50),
        ("东湖公园", "park", 2, 0.50, 0.50),
        ("东湖区中医医院", "hospital", 3, 0.50, 0.55),
    ],
    "D03-S01-C02": [
        ("金霞苑", "residential_compound", 1, 0.45, 0.50),
        ("金霞路小学", "school", 2, 0.50, 0.55),
        ("金霞农贸市场", "market", 3, 0.50, 0.50),
    ],
    "D03-S02-C01": [
        ("宏达精细化工厂", "factory", 1, 0.35, 0.50),
        ("新桥安置小区", "residential_compound", 1, 0.65, 0.50),
        ("新桥小学", "school", 3, 0.50, 0.50),
    ],
    "D03-S02-C02": [
        ("樟树坪小区", "residential_compound", 1, 0.50, 0.50),
        ("樟树坪菜市场", "market", 2, 0.50, 0.50),
        ("双塘敬老院", "elderly_home", 3, 0.50, 0.50),
    ],
}


def _r(x):
    """Round a coordinate to 6 decimals (about 0.1 m)."""
    return round(x, 6)


def _box(west, south, east, north):
    """A rectangle as a GeoJSON Polygon, counter-clockwise, ring closed."""
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


def _bounds(polygon):
    ring = polygon["coordinates"][0]
    lons = [p[0] for p in ring]
    lats = [p[1] for p in ring]
    return min(lons), min(lats), max(lons), max(lats)


def _area(code, level, parent, names, box, landmarks=()):
    name, name_en, aliases = names
    return {
        "code": code,
        "name": name,
        "name_en": name_en,
        "level": level,
        "parent": parent,
        "aliases": list(aliases),
        "polygon": _box(*box),
        "landmarks": list(landmarks),
    }


def _grid_boxes(box):
    """Cut a community box into three grid boxes, north (G01) to south."""
    west, south, east, north = box
    cuts = [north, _r(north - (north - south) / 3), _r(north - 2 * (north - south) / 3), south]
    return [(west, cuts[i + 1], east, cuts[i]) for i in range(3)]


def build_areas():
    """Return the list of areas, districts first, each followed by its subtree."""
    areas = []
    for d, d_code in enumerate(sorted(DISTRICTS)):
        west, east = DISTRICT_LONS[d], DISTRICT_LONS[d + 1]
        areas.append(_area(d_code, "district", None, DISTRICTS[d_code],
                           (west, CITY_SOUTH, east, CITY_NORTH)))
        split = STREET_SPLIT_LAT[d_code]
        street_boxes = [(west, split, east, CITY_NORTH), (west, CITY_SOUTH, east, split)]
        for s, s_box in enumerate(street_boxes, start=1):
            s_code = f"{d_code}-S{s:02d}"
            areas.append(_area(s_code, "street", d_code, STREETS[s_code], s_box))
            mid = _r(west + (east - west) * COMMUNITY_SPLIT[d_code])
            community_boxes = [(west, s_box[1], mid, s_box[3]), (mid, s_box[1], east, s_box[3])]
            for c, c_box in enumerate(community_boxes, start=1):
                c_code = f"{s_code}-C{c:02d}"
                grids = _grid_boxes(c_box)
                placed = {g: [] for g in range(1, 4)}
                for lm_name, kind, g, fx, fy in LANDMARKS[c_code]:
                    gw, gs, ge, gn = grids[g - 1]
                    placed[g].append({"name": lm_name, "kind": kind,
                                      "lat": _r(gs + (gn - gs) * fy),
                                      "lon": _r(gw + (ge - gw) * fx)})
                community_landmarks = [lm for g in range(1, 4) for lm in placed[g]]
                areas.append(_area(c_code, "community", s_code, COMMUNITIES[c_code],
                                   c_box, community_landmarks))
                c_name, c_name_en, c_aliases = COMMUNITIES[c_code]
                for g, g_box in enumerate(grids, start=1):
                    numeral = GRID_NUMERALS[g - 1]
                    names = (f"{c_name}第{numeral}网格", f"{c_name_en} Grid {g}",
                             [f"{c_aliases[0]}{numeral}网格", f"{c_aliases[0]}{g}号网格"])
                    areas.append(_area(f"{c_code}-G{g:02d}", "grid", c_code, names,
                                       g_box, placed[g]))
    return areas


def landmark_index(areas):
    """Map each landmark name to (lat, lon, grid code)."""
    index = {}
    for area in areas:
        if area["level"] != "grid":
            continue
        for lm in area["landmarks"]:
            index[lm["name"]] = (lm["lat"], lm["lon"], area["code"])
    return index


def _jitter(rng, lat, lon, radius_m):
    """A random point within radius_m metres of (lat, lon), uniform over the disc."""
    r = radius_m * math.sqrt(rng.random())
    a = rng.uniform(0, 2 * math.pi)
    return _r(lat + r * math.sin(a) / M_PER_DEG_LAT), _r(lon + r * math.cos(a) / M_PER_DEG_LON)


def _inside(box, lat, lon, margin_m=0.0):
    west, south, east, north = box
    dlat, dlon = margin_m / M_PER_DEG_LAT, margin_m / M_PER_DEG_LON
    return west + dlon < lon < east - dlon and south + dlat < lat < north - dlat


def _point_in_grid(rng, box, margin_m=60.0):
    west, south, east, north = box
    dlat, dlon = margin_m / M_PER_DEG_LAT, margin_m / M_PER_DEG_LON
    return _r(rng.uniform(south + dlat, north - dlat)), _r(rng.uniform(west + dlon, east - dlon))


def _report(incident, spec, reporter, lat, lon, hours_ago):
    return {
        "incident": incident,
        "text": spec["text"],
        "category_hint": spec.get("cat"),
        "channel": spec.get("ch", "app"),
        "reporter": reporter,
        "anonymous": spec.get("anon", False),
        "lat": lat,
        "lon": lon,
        "address": spec.get("addr"),
        "hours_ago": hours_ago,
        "photo": spec.get("photo"),
        "voice": spec.get("voice", False),
    }


def build_reports(areas, residents, grid_worker="grid01"):
    """Place the hand-written report texts in space and time; return (reports, incidents).

    Incident reports scatter within 80 m of the incident's anchor (a landmark
    plus an offset in metres) and keep to the anchor's grid; their times
    follow the order they are written in, inside the incident's time window.
    Singletons go near a named landmark or anywhere inside a named grid.
    Reporters are drawn so that nobody reports the same incident twice.
    """
    rng = random.Random(SEED)
    incidents = []
    boxes = {a["code"]: _bounds(a["polygon"]) for a in areas if a["level"] == "grid"}
    lms = landmark_index(areas)
    reports = []
    for inc in INCIDENTS:
        lat0, lon0, grid = lms[inc["landmark"]]
        de, dn = inc.get("offset_m", (0.0, 0.0))
        lat0, lon0 = lat0 + dn / M_PER_DEG_LAT, lon0 + de / M_PER_DEG_LON
        assert _inside(boxes[grid], lat0, lon0, margin_m=120), inc["id"]
        incidents.append({"id": inc["id"], "title": inc["title"], "grid": grid,
                          "lat": _r(lat0), "lon": _r(lon0)})
        fixed = {s["who"] for s in inc["reports"] if "who" in s}
        pool = [u for u in residents if u not in fixed]
        rng.shuffle(pool)
        start, span = inc["start_hours_ago"], inc["span_hours"]
        n = len(inc["reports"])
        steps = sorted(rng.random() for _ in range(n - 1))
        offsets = [0.0] + [span * s for s in steps]
        if all("t" in spec for spec in inc["reports"]):
            offsets = [spec["t"] for spec in inc["reports"]]
        for spec, offset in zip(inc["reports"], offsets):
            if spec.get("ch") == "patrol":
                who = grid_worker
            else:
                who = spec.get("who") or pool.pop()
            lat = lon = None
            if spec.get("coords", True):
                lat, lon = _jitter(rng, lat0, lon0, 80.0)
                assert _inside(boxes[grid], lat, lon), (inc["id"], spec["text"])
            reports.append(_report(inc["id"], spec, who, lat, lon,
                                   round(start - offset, 2)))
    for spec in SINGLETONS:
        who = grid_worker if spec.get("ch") == "patrol" else spec.get("who") or rng.choice(residents)
        lat = lon = None
        if "landmark" in spec:
            lat_l, lon_l, grid = lms[spec["landmark"]]
        else:
            grid = spec["grid"]
        if spec.get("coords", True):
            if "landmark" in spec:
                lat, lon = _jitter(rng, lat_l, lon_l, 60.0)
            else:
                lat, lon = _point_in_grid(rng, boxes[grid])
            assert _inside(boxes[grid], lat, lon), spec["text"]
        hours = spec.get("hours_ago")
        if hours is None:
            hours = round(rng.uniform(0.3, 236.0), 2)
        reports.append(_report(None, spec, who, lat, lon, hours))
    return reports, incidents


def dump(obj, path):
    """Write obj as indented UTF-8 JSON with Chinese kept readable."""
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def residents_from_users(users):
    return [u["username"] for u in users if u["role"] == "resident"]


def main():
    areas = build_areas()
    users = json.loads((HERE / "users.json").read_text(encoding="utf-8"))
    reports, incidents = build_reports(areas, residents_from_users(users))
    dump(areas, HERE / "areas.json")
    dump(reports, HERE / "reports.json")
    dump(incidents, HERE / "incidents.json")
    print(f"{len(areas)} areas, {len(reports)} reports")


if __name__ == "__main__":
    main()
