"""The demo city's past: what happens to each case over ~90 days, drawn from a seeded RNG (no database here).

Every department that receives cases gets a case every few days: most are signed and handled in time, verified,
closed and rated satisfied; some are signed late, handled late (escalated by the sweep), stalled for weeks, extended,
reopened by a supervisor, rated dissatisfied (then reopened or upheld) or sent back. Departments that only assist (气象局, 交通运输局, 疾控中心) get
their own cases the way a city gives them: another department sends the case back and a supervisor re-dispatches it.
The last case of each department is recent enough that the current month has something to count.
"""
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from triage.taxonomy import load_default

SEED = 20261
HISTORY_DAYS = 90
CASES_PER_DEPARTMENT = 10
# Departments that lead no category: their cases come through a send-back from the lead of this category.
REDIRECTS = {"TRANSPORT": "accident.traffic_safety", "CDC": "public_health.infectious_disease",
             "METEO": "natural_disaster.extreme_weather"}
KINDS = {"ok": 0.54, "sign_late": 0.1, "resolve_late": 0.08, "stalled": 0.04, "extension": 0.07,
         "review_reopen": 0.07, "send_back_upheld": 0.04, "patrol": 0.06}
RATINGS = {"satisfied": 0.66, "basically_satisfied": 0.2, "dissatisfied": 0.1, None: 0.04}
SUFFIXES = ["请尽快处理。", "麻烦派人来看看。", "已经好几天了，希望有关部门管一管。", "存在安全隐患，请核实。", ""]
SEND_BACK_REASONS = {"TRANSPORT": "信号灯和交通设施归交通运输局管理，请改派。",
                     "CDC": "聚集性病例的流行病学调查由疾控中心负责，请改派。",
                     "METEO": "需气象局先发布预警并研判，本单位协助，请改派。"}


@dataclass
class Story:
    """One past case: where, what, who reports it, and how its handling goes."""

    index: int
    department: str  # the department meant to lead it
    category: str  # subcategory code
    reported_at: datetime
    grid: str
    lat: float
    lon: float
    text: str
    channel: str  # app | patrol
    reporter: str  # username (a resident, or the grid worker on patrol)
    kind: str
    rating: str | None
    ruling: str | None = None  # uphold | reopen, when the rating is dissatisfied
    fast: bool = False  # handled within hours (the recent case of each department)
    fractions: list[float] = field(default_factory=list)  # how far into each window a step comes

    def fraction(self, i: int) -> float:
        """The i-th random fraction of this story (0.2–0.8)."""
        return self.fractions[i % len(self.fractions)]


def _pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _point(rng: random.Random, grid: dict) -> tuple[float, float]:
    """A point inside the grid's box, away from its edges."""
    ring = grid["polygon"]["coordinates"][0]
    lons, lats = [p[0] for p in ring], [p[1] for p in ring]
    fx, fy = rng.uniform(0.2, 0.8), rng.uniform(0.2, 0.8)
    return (round(min(lats) + fy * (max(lats) - min(lats)), 6), round(min(lons) + fx * (max(lons) - min(lons)), 6))


def _times(rng: random.Random, now: datetime, days: int, count: int) -> list[datetime]:
    """count report times from days ago to ~3 days ago, evenly spread with jitter, then one a day ago."""
    start, stop = now - timedelta(days=days), now - timedelta(days=3)
    step = (stop - start) / max(count - 1, 1)
    spread = [start + step * i + timedelta(hours=rng.uniform(-18, 18)) for i in range(count - 1)]
    return [*spread, now - timedelta(hours=rng.uniform(24, 30))]


def plan(now: datetime, grids: list[dict], residents: list[str], workers: dict[str, str],
         departments: list[str], days: int = HISTORY_DAYS, per_department: int = CASES_PER_DEPARTMENT,
         seed: int = SEED) -> list[Story]:
    """The stories, oldest first. grids: areas of level grid that have a grid worker (workers: grid → username)."""
    rng = random.Random(seed)
    taxonomy = load_default()
    stories: list[Story] = []
    for dept in departments:
        codes = [s.code for s in taxonomy.subcategories if s.lead == dept] or (
            [REDIRECTS[dept]] if dept in REDIRECTS else [])
        if not codes:
            continue
        for n, at in enumerate(_times(rng, now, days, per_department)):
            code = rng.choice(codes)
            grid = rng.choice(grids)
            lat, lon = _point(rng, grid)
            kind = "send_back" if dept in REDIRECTS else _pick(rng, KINDS)
            if n == per_department - 1:  # the recent one is handled in time: the current month has it
                kind = "send_back" if dept in REDIRECTS else "ok"
            channel = "patrol" if kind == "patrol" else "app"
            place = (grid.get("landmarks") or [{"name": grid["name"]}])[0]["name"]
            example = rng.choice(taxonomy.subcategory(code).examples)
            rating = _pick(rng, RATINGS) if channel == "app" else None
            if n == per_department - 1:
                rating = rng.choice(["satisfied", "basically_satisfied"])
            stories.append(Story(
                index=len(stories), department=dept, category=code, reported_at=at, grid=grid["code"], lat=lat,
                lon=lon, text=f"{place}附近：{example}，{rng.choice(SUFFIXES)}".rstrip("，"), channel=channel,
                reporter=workers[grid["code"]] if channel == "patrol" else rng.choice(residents),
                kind="ok" if kind == "patrol" else kind, rating=rating,
                ruling=rng.choice(["uphold", "reopen"]) if rating == "dissatisfied" else None,
                fast=n == per_department - 1,
                fractions=[round(rng.uniform(0.2, 0.8), 3) for _ in range(8)]))
    stories.sort(key=lambda s: s.reported_at)
    return stories
