"""Generated hotspot scenarios: incidents far apart, crowded neighbourhoods, one development, no positions.

make_set(kind, seed, part) returns reports {"id", "text", "created_at", "lat"?, "lon"?, "user", "incident",
"topic"?, "burst"?}; "incident" is the truth (None for a one-off report); "burst" marks the reports of a burst
set's bad half hour. part "train" or "final" picks the half of every phrase bank (bench/nlp/scene_bank.py), so
settings chosen on train sets never saw the final words.

- far: 8 incidents at least 3 km apart in a 12 km city, 30 one-off reports.
- crowded: within about 1.5 km: three pairs of neighbouring estates 300-1000 m apart with the same hazard
  at about the same time, a flood and a missing manhole cover 100-250 m apart on one road, and one
  estate's complaints about a development next to it (noise, dust, trucks, cracks: one issue), 30 one-offs.
- nocoords: the crowded layout with no positions at all (place names in the text only).
- burst: the crowded layout's two days with a bad half hour in them: 5 more incidents start within it, most of
  each one's reports in its first minutes, and 30 one-off reports arrive in the same half hour; half of these
  phones give no position. Unrelated reports come within minutes of an incident's, which the other kinds
  almost never show.
"""

import datetime as dt
import math
import random

from bench.nlp import scene_bank as B

CENTRE = (28.20, 112.95)
START = dt.datetime(2025, 9, 1, 7, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
DISTRICTS = ["东城区", "河西区", "南湖区"]
KINDS = ("far", "crowded", "nocoords", "burst")


def _offset(point, km_east: float, km_north: float):
    """Return point moved by km east and north."""
    return (point[0] + km_north / 111.32, point[1] + km_east / (111.32 * math.cos(math.radians(point[0]))))


def _around(rng, point, radius_km: float):
    """Return a uniform random point within radius_km of point."""
    r, a = radius_km * math.sqrt(rng.random()), rng.uniform(0, 2 * math.pi)
    return _offset(point, r * math.cos(a), r * math.sin(a))


class Namer:
    """Distinct estate and road names from one half's syllables."""

    def __init__(self, rng, part: str):
        """Remember the syllable pools."""
        self.rng, self.part, self.used = rng, part, set()
        self.s = B.SYLLABLES[part]

    def _fresh(self, a, b) -> str:
        """Return two syllables not used yet (a third once every pair of these pools is taken)."""
        if {x + y for x in a for y in b} <= self.used:
            b = [y + z for y in b for z in b]
        while True:
            base = self.rng.choice(a) + self.rng.choice(b)
            if base not in self.used:
                self.used.add(base)
                return base

    def estate(self) -> dict:
        """Return an estate: its full name and the ways people write it."""
        base = self._fresh(self.s[0], self.s[1])
        full = base + self.rng.choice(B.ESTATE_SUFFIX[self.part])
        district = self.rng.choice(DISTRICTS)
        return {"kind": "estate", "name": full, "forms": [full, full, base, district + full, base + "那边"]}

    def road(self) -> dict:
        """Return a road and the ways people write it."""
        base = self._fresh(self.s[2], self.s[3])
        full = base + self.rng.choice(B.ROAD_SUFFIX[self.part])
        return {"kind": "road", "name": full, "forms": [full, full, full + "上", base + "那段", "东城区" + full]}


def _hazard_at(rng, namer: Namer) -> tuple[str, dict]:
    """Return a random hazard and a fresh place of its kind (an estate or a road)."""
    haz = rng.choice(sorted(B.HAZARDS))
    return haz, namer.estate() if B.HAZARDS[haz]["place"] == "estate" else namer.road()


def _typo(rng, text: str, part: str, rate: float) -> str:
    """Swap some words for homophones."""
    for right, wrong in B.TYPOS[part]:
        if right in text and rng.random() < rate:
            text = text.replace(right, wrong, 1)
    return text


def _sub(rng, kind: str, namer: Namer) -> str:
    """Return a sub-location within an estate or on a road."""
    template = rng.choice(B.SUBS[kind])
    return template.format(b=rng.randint(1, 28), u=rng.randint(1, 4), n=rng.randint(1, 300),
                           x=namer.road()["name"] if "{x}" in template else "")


def text_of(rng, place: dict, phrase: str, part: str, namer: Namer) -> str:
    """Return one report: opener, place as this person writes it (or only a sub-location), the hazard, an ask."""
    roll = rng.random()
    where = rng.choice(place["forms"]) if roll < 0.8 else ""
    sub = _sub(rng, place["kind"], namer) if rng.random() < 0.5 or not where else ""
    filler = rng.choice(B.FILLERS[part]) + " " if rng.random() < 0.25 else ""
    parts = [rng.choice(B.OPENERS[part]) + where + sub + filler + phrase, rng.choice(B.ASKS[part])]
    text = "，".join(p for p in parts if p) + rng.choice(B.ENDINGS[part])
    return _typo(rng, text, part, 0.2)


def _times(rng, t0, count: int, spread_h: float) -> list:
    """Return count report times after t0 (the first at t0), mostly early."""
    return [t0] + [t0 + dt.timedelta(hours=min(spread_h, rng.lognormvariate(math.log(spread_h / 8), 1.0)))
                   for _ in range(count - 1)]


def _emit(rng, out, texts_times, where, incident, coords: bool, jitter_km=0.08, topics=None, missing=0.1):
    """Append the reports of one incident, all but a share ``missing`` of them with a position near where."""
    for k, (text, when) in enumerate(texts_times):
        rec = {"text": text, "created_at": when.replace(microsecond=0).isoformat(), "incident": incident,
               "user": f"u{rng.randint(1, 10 ** 6)}"}
        if topics:
            rec["topic"] = topics[k]
        if coords and where is not None and rng.random() > missing:
            lat, lon = _around(rng, where, jitter_km if rng.random() < 0.85 else 3 * jitter_km)
            rec.update(lat=round(lat, 6), lon=round(lon, 6))
        out.append(rec)


def _incident(rng, out, part, namer, haz: str, place: dict, where, t0, coords, tag, spread_h=12.0, missing=0.1):
    """Append one hazard incident of 4-15 reports."""
    phrases = B.HAZARDS[haz][part]
    n = rng.randint(4, 15)
    texts_times = [(text_of(rng, place, rng.choice(phrases), part, namer), t) for t in _times(rng, t0, n, spread_h)]
    _emit(rng, out, texts_times, where, tag, coords, missing=missing)


def _development(rng, out, part, namer, where, t0, coords, tag):
    """Append one estate's 10-22 complaints about a development next to it, over three days."""
    estate = namer.estate()
    project = rng.choice(B.DEVELOPMENT_NAMES[part]).format(n=estate["forms"][2])
    place = dict(estate, forms=estate["forms"] + [project, project, "旁边的" + project])
    topics = sorted(B.DEVELOPMENT[part])
    chosen = [rng.choice(topics) for _ in range(rng.randint(10, 22))]
    texts = [text_of(rng, place, rng.choice(B.DEVELOPMENT[part][t]), part, namer) for t in chosen]
    _emit(rng, out, list(zip(texts, _times(rng, t0, len(texts), 72))), where, tag, coords, 0.15, chosen)


def _one_offs(rng, out, part, namer, count, centre, radius, coords, window_h, start=START, missing=0.1):
    """Append one-off reports: unrelated complaints (each said once) and lone hazards at other places."""
    deck = rng.sample(B.UNRELATED[part], len(B.UNRELATED[part]))
    for _ in range(count):
        when = start + dt.timedelta(hours=rng.uniform(0, window_h))
        where = _around(rng, centre, radius)
        if deck and rng.random() < 0.5:
            place = namer.estate()
            lead = rng.choice(place["forms"]) + "，" if rng.random() < 0.5 else ""
            text = _typo(rng, lead + deck.pop(), part, 0.2)
        else:
            haz, place = _hazard_at(rng, namer)
            text = text_of(rng, place, rng.choice(B.HAZARDS[haz][part]), part, namer)
        _emit(rng, out, [(text, when)], where, None, coords, missing=missing)


def _burst(rng, out, part, namer, coords):
    """Append a bad half hour: 5 incidents starting within it, 30 one-offs in it (half without a position)."""
    start, first = START + dt.timedelta(hours=rng.uniform(10, 40)), len(out)
    for i in range(5):
        haz, place = _hazard_at(rng, namer)
        t0 = start + dt.timedelta(hours=rng.uniform(0, 0.5))
        _incident(rng, out, part, namer, haz, place, _around(rng, CENTRE, 3.0), t0, coords, f"burst{i}",
                  spread_h=0.25, missing=0.5)
    _one_offs(rng, out, part, namer, 30, CENTRE, 3.0, coords, 0.5, start, missing=0.5)
    for rec in out[first:]:
        rec["burst"] = True


def make_set(kind: str, seed: int, part: str = "train") -> list[dict]:
    """Return the reports of one scenario set, oldest first."""
    rng = random.Random(f"{kind}-{seed}-{part}")
    namer, out, coords = Namer(rng, part), [], kind != "nocoords"
    start = lambda: START + dt.timedelta(hours=rng.uniform(0, 30))  # noqa: E731
    if kind == "far":
        centres = []
        while len(centres) < 8:
            p = _around(rng, CENTRE, 12.0)
            if all(math.dist(_km(p), _km(q)) >= 3.0 for q in centres):
                centres.append(p)
        for i, c in enumerate(centres):
            haz, place = _hazard_at(rng, namer)
            _incident(rng, out, part, namer, haz, place, c, start(), coords, f"far{i}")
        _one_offs(rng, out, part, namer, 30, CENTRE, 12.0, coords, 48)
    else:
        estate_hazards = [h for h in sorted(B.HAZARDS) if B.HAZARDS[h]["place"] == "estate"]
        for i in range(3):
            haz, a = rng.choice(estate_hazards), _around(rng, CENTRE, 0.8)
            sep, angle = rng.uniform(0.3, 1.0), rng.uniform(0, 2 * math.pi)
            b = _offset(a, sep * math.cos(angle), sep * math.sin(angle))
            t0 = start()
            for k, where in enumerate((a, b)):
                t = t0 + dt.timedelta(hours=rng.uniform(0, 6) * k)
                _incident(rng, out, part, namer, haz, namer.estate(), where, t, coords, f"pair{i}{'ab'[k]}")
        road, a = namer.road(), _around(rng, CENTRE, 0.8)
        sep, angle = rng.uniform(0.1, 0.25), rng.uniform(0, 2 * math.pi)
        t0 = start()
        _incident(rng, out, part, namer, "flood", road, a, t0, coords, "street-flood")
        _incident(rng, out, part, namer, "manhole", road, _offset(a, sep * math.cos(angle), sep * math.sin(angle)),
                  t0 + dt.timedelta(hours=rng.uniform(0, 3)), coords, "street-manhole")
        _development(rng, out, part, namer, _around(rng, CENTRE, 0.8), start(), coords, "development")
        _one_offs(rng, out, part, namer, 30, CENTRE, 1.5, coords, 48)
        if kind == "burst":
            _burst(rng, out, part, namer, coords)
    out.sort(key=lambda r: r["created_at"])
    return [{"id": f"{kind[0]}{seed}{part[0]}-{i:04d}", **r} for i, r in enumerate(out)]


def _km(p) -> tuple[float, float]:
    """Return a point in km (east, north) of the centre."""
    return ((p[1] - CENTRE[1]) * 111.32 * math.cos(math.radians(CENTRE[0])), (p[0] - CENTRE[0]) * 111.32)
