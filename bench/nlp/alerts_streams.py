"""Generated report streams for the early-warning evaluation: seasonal, noisy, with planted outbreaks."""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import numpy as np

from nlp.alerts.reports import Report

START = datetime(2026, 3, 2, tzinfo=timezone(timedelta(hours=8)))  # a Monday, 00:00 in the city
CATEGORIES = [  # (code, share of reports, hour profile, weekend factor)
    ("road", 0.18, "day", 0.8), ("drain", 0.14, "day", 0.9), ("fire_exit", 0.10, "day", 0.7),
    ("noise", 0.12, "night", 1.3), ("traffic", 0.12, "commute", 0.6), ("gas", 0.06, "home", 1.2),
    ("trees", 0.08, "day", 1.0), ("waste", 0.10, "day", 1.1), ("electric", 0.05, "home", 1.1),
    ("building", 0.05, "day", 0.8),
]
PROFILES = {  # relative report rate by local hour 0..23
    "day": [.1, .05, .05, .05, .05, .1, .3, .7, 1.2, 1.6, 1.7, 1.5, 1.1, 1.2, 1.5, 1.6, 1.5, 1.3, 1.1, .9, .7, .5, .3, .2],
    "night": [1.2, .8, .4, .2, .1, .1, .1, .2, .3, .3, .3, .3, .4, .4, .3, .3, .4, .5, .8, 1.2, 1.8, 2.2, 2.2, 1.8],
    "commute": [.1, .05, .05, .05, .1, .3, 1.0, 2.2, 2.4, 1.2, .8, .8, .9, .8, .8, 1.0, 1.6, 2.3, 2.2, 1.2, .7, .4, .3, .2],
    "home": [.3, .2, .1, .1, .1, .2, .6, 1.0, 1.0, .8, .8, 1.0, 1.2, .9, .8, .8, 1.0, 1.4, 1.8, 1.8, 1.5, 1.1, .8, .5],
}
SIZES = (6, 10, 20, 40)
RAMPS = {"burst": 6.0, "ramp": 48.0, "slow": 96.0}  # hours over which the outbreak's reports arrive


@dataclass
class Outbreak:
    """A planted outbreak: its key, its time span and its report ids in time order."""

    area: str
    category: str
    hotspot: str
    start: float
    end: float
    size: int
    ramp: str
    report_ids: list


def _hours(dt: datetime) -> float:
    """Return hours since the epoch."""
    return dt.timestamp() / 3600.0


def _intensity(category_index: int) -> np.ndarray:
    """Return the 168 hour-of-week rate factors (mean 1) of a category."""
    _, _, shape, weekend = CATEGORIES[category_index]
    hours = np.array(PROFILES[shape], dtype=float)
    days = np.array([1.0] * 5 + [weekend] * 2)
    week = np.outer(days, hours).ravel()
    return week / week.mean()


def stream(seed: int, weeks: int = 8, per_day: float = 400.0, grids: int = 120, streets: int = 12,
           outbreaks: int = 24, warmup_days: int = 10) -> tuple[list[Report], list[Outbreak]]:
    """Return (reports in time order, planted outbreaks) of one generated city."""
    rng = np.random.default_rng(seed)
    t0, days = _hours(START), weeks * 7
    popularity = rng.lognormal(0.0, 0.8, grids)
    popularity /= popularity.sum()
    shares = np.array([c[1] for c in CATEGORIES])
    affinity = rng.gamma(2.0, 0.5, (grids, len(CATEGORIES)))  # some grids have more of some hazards
    cell_rate = per_day / 24.0 * popularity[:, None] * shares[None, :] * affinity
    cell_rate *= per_day / 24.0 / cell_rate.sum()  # mean reports an hour in each grid × category
    week = np.stack([_intensity(c) for c in range(len(CATEGORIES))])  # (categories, 168)
    persistent = rng.random((grids, len(CATEGORIES))) < 0.04  # a standing problem with its own hotspot
    reports, serial, rows = [], 0, []
    for day in range(days):
        city = rng.gamma(30.0, 1 / 30.0)  # weather, news: the whole city's day
        local = rng.gamma(8.0, 1 / 8.0, (grids, len(CATEGORIES)))  # one grid's day
        hours = np.arange(24) + day * 24
        lam = cell_rate[:, :, None] * week[None, :, hours % 168] * (city * local)[:, :, None]
        counts = rng.poisson(lam)
        for g, c, h in zip(*np.nonzero(counts)):
            for _ in range(counts[g, c, h]):
                rows.append((t0 + h + day * 24 + rng.random(), g, c))
    for t, g, c in rows:
        serial += 1
        hot = f"p-{g}-{c}" if persistent[g, c] and rng.random() < 0.6 else None
        reports.append((t, f"r{serial}", g, c, hot))
    for n in range(int(days * 1.5)):  # small ordinary incidents: two to four neighbours report one thing
        g, c = rng.choice(grids, p=popularity), rng.integers(len(CATEGORIES))
        t = t0 + rng.random() * days * 24
        for _ in range(min(2 + rng.geometric(0.6) - 1, 4)):
            serial += 1
            reports.append((t + rng.exponential(3.0), f"r{serial}", g, c, f"i-{n}"))
    planted = []
    for n in range(outbreaks):
        g, c = int(rng.integers(grids)), int(rng.integers(len(CATEGORIES)))
        size, ramp = int(rng.choice(SIZES)), str(rng.choice(list(RAMPS)))
        start = t0 + (warmup_days + rng.random() * (days - warmup_days - 5)) * 24
        hot = f"p-{g}-{c}" if persistent[g, c] else f"o-{n}"
        times = sorted(_arrivals(rng, size, start, RAMPS[ramp], ramp, week[c], t0))
        ids = []
        for t in times:
            serial += 1
            ids.append(f"r{serial}")
            reports.append((t, ids[-1], g, c, hot))
        planted.append(Outbreak(f"g{g}", CATEGORIES[c][0], hot, start, times[-1], size, ramp, ids))
    reports.sort(key=lambda x: x[0])
    out = [Report(i, float(t), f"g{g}", f"s{g % streets}", CATEGORIES[c][0], hot) for t, i, g, c, hot in reports]
    return out, planted


def _arrivals(rng, size: int, start: float, span: float, ramp: str, week: np.ndarray, t0: float) -> list[float]:
    """Return `size` arrival times over `span` hours: flat, or rising linearly for a ramp; seasonal by hour."""
    times = []
    while len(times) < size:
        u = rng.random()
        offset = span * (math.sqrt(u) if ramp == "ramp" else u)
        t = start + offset
        if rng.random() < week[int(t - t0) % 168] / week.max() or ramp == "burst":
            times.append(t)
    return times


def to_records(reports: list[Report]) -> list[dict]:
    """Return the reports as CLI input lines (ISO times with the city's offset)."""
    tz = START.tzinfo
    return [{"id": r.id, "time": datetime.fromtimestamp(r.t * 3600, tz).isoformat(), "grid": r.area,
             "street": r.parent, "category": r.category, **({"hotspot": r.hotspot} if r.hotspot else {})}
            for r in reports]
