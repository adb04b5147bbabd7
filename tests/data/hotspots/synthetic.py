"""Large synthetic report streams (for benchmarks): many incidents over a city and two weeks."""

import datetime as dt
import math
import random

from tests.data.hotspots.generate import START, _place, _point
from tests.data.hotspots.render import STYLES, bank, render, render_unrelated

CITY_KM = 15.0
DAYS = 14
IN_INCIDENTS = 0.7  # share of reports that belong to an incident
LOCATED = 0.9


def synthetic(n: int, seed: int = 0) -> list[dict]:
    """Return n reports ({"id", "text", "lat"?, "lon"?, "created_at", "incident"}), oldest first."""
    rng = random.Random(f"synthetic-{seed}")
    hazards = bank()["hazards"]
    keys = sorted(hazards)
    out, deck = [], []
    incident = 0
    while len(out) < n * IN_INCIDENTS:
        haz = hazards[rng.choice(keys)]
        inc = _place(rng, haz["place"], haz, set())
        centre = _point(rng, CITY_KM)
        t0 = START + dt.timedelta(hours=rng.uniform(0, DAYS * 24 - 12))
        incident += 1
        for k in range(rng.randint(3, 20)):
            off = 0.0 if k == 0 else min(36.0, rng.lognormvariate(math.log(2.5), 1.0))
            style = rng.choice(STYLES[:-1] if k < 2 else STYLES)
            out.append(_report(rng, render(rng, haz, inc, style), t0 + dt.timedelta(hours=off), centre,
                               f"inc{incident}"))
    while len(out) < n:
        when = START + dt.timedelta(hours=rng.uniform(0, DAYS * 24))
        if rng.random() < 0.4:
            place = rng.choice(bank()["communities"]) if rng.random() < 0.5 else ""
            text = render_unrelated(rng, place, deck)
        else:
            haz = hazards[rng.choice(keys)]
            text = render(rng, haz, _place(rng, haz["place"], haz, set()), rng.choice(STYLES[:-1]))
        out.append(_report(rng, text, when, _point(rng, CITY_KM), None))
    out = out[:n]
    out.sort(key=lambda r: r["created_at"])
    return [{"id": i, **r} for i, r in enumerate(out)]


def _report(rng, text: str, when, centre, incident) -> dict:
    """Return one report, located near centre (within ~100 m) for most reporters."""
    rec = {"text": text, "created_at": when.replace(microsecond=0).isoformat(), "incident": incident}
    if rng.random() < LOCATED:
        lat, lon = _point(rng, 0.1, centre)
        rec.update(lat=round(lat, 6), lon=round(lon, 6))
    return rec
