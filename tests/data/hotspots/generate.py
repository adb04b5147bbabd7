"""Generate the labelled hotspot development sets: python -m tests.data.hotspots.generate [--seed N] [--out DIR]."""

import argparse
import datetime as dt
import json
import math
import random
from pathlib import Path

from tests.data.hotspots.render import STYLES, bank, fill, render, render_unrelated

CENTRE = (28.20, 112.95)
START = dt.datetime(2025, 6, 2, 6, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
# variant: (incidents, singletons, incident centre radius km, min separation km, singleton radius km, hours, repeats)
VARIANTS = {
    "far": (8, 40, 12.0, 3.0, 12.0, 96, 1),
    "crowded": (8, 40, 0.5, 0.15, 1.5, 48, 2),
    "nocoords": (8, 40, None, None, None, 72, 3),
}


def _place(rng, kind: str, hazard: dict, taken: set) -> dict:
    """Return a named place of a kind not used by another incident, with the incident's sub-location."""
    b = bank()
    while True:
        if kind == "community":
            base = rng.choice(b["communities"])
            name = base + rng.choice(b["community_suffixes"])
            aliases = [base, base + ("小区" if not name.endswith("小区") else "这边")]
        elif kind == "road":
            base = name = rng.choice(b["roads"])
            aliases = [name, name[:-1] if name.endswith("路") and len(name) > 2 else name + "那段"]
        else:
            base = name = rng.choice(b["pois"][kind])
            suffix = next((s for s in b["poi_aliases"] if name.endswith(s)), "")
            short = name[: len(name) - len(suffix)] if suffix else name
            aliases = [short + b["poi_aliases"].get(suffix, ""), short]
        if base not in taken:
            taken.add(base)
            sub = fill(rng, rng.choice(hazard["sub"]), road2=rng.choice(b["roads"]))
            return {"name": name, "aliases": [a for a in aliases if a], "sub": sub,
                    "district": rng.choice(b["districts"])}


def _point(rng, radius_km: float, centre=CENTRE) -> tuple[float, float]:
    """Return a uniform random point within radius_km of centre."""
    r, a = radius_km * math.sqrt(rng.random()), rng.uniform(0, 2 * math.pi)
    return (centre[0] + r * math.cos(a) / 111.32,
            centre[1] + r * math.sin(a) / (111.32 * math.cos(math.radians(centre[0]))))


def _centres(rng, count: int, radius: float, sep: float) -> list:
    """Return incident centres at least sep km apart."""
    out = []
    while len(out) < count:
        p = _point(rng, radius)
        if all(math.dist(((p[0] - q[0]) * 111.32, (p[1] - q[1]) * 98.0), (0, 0)) >= sep for q in out):
            out.append(p)
    return out


def _record(rng, text, when, where, incident, jitter_km, coords: bool, style="app") -> dict:
    """Return one report; hotline reports mostly come without a position."""
    rec = {"text": text, "created_at": when.replace(microsecond=0).isoformat(), "incident": incident}
    if coords and where and not (style == "hotline" and rng.random() < 0.7) and rng.random() > 0.05:
        lat, lon = _point(rng, jitter_km if rng.random() < 0.85 else 3 * jitter_km, where)
        rec.update(lat=round(lat, 6), lon=round(lon, 6))
    return rec


def make_set(variant: str, seed: int, scale: int = 1, hours: float | None = None) -> list[dict]:
    """Return the reports of one dev-set variant, oldest first, with the true incident or None."""
    n_inc, n_single, radius, sep, s_radius, window, repeats = VARIANTS[variant]
    n_inc, n_single, window = n_inc * scale, n_single * scale, hours or window
    rng, hazards, taken, out, deck = random.Random(f"{variant}-{seed}"), bank()["hazards"], set(), [], []
    kinds = rng.sample(sorted(hazards), n_inc - repeats) if n_inc - repeats <= len(hazards) else \
        [rng.choice(sorted(hazards)) for _ in range(n_inc - repeats)]
    kinds += [rng.choice(kinds) for _ in range(repeats)]
    coords = radius is not None
    centres = _centres(rng, n_inc, radius, sep) if coords else [None] * n_inc
    for i, (key, centre) in enumerate(zip(kinds, centres)):
        haz = hazards[key]
        inc = _place(rng, haz["place"], haz, taken)
        t0 = START + dt.timedelta(hours=rng.uniform(0, window - 12))
        offsets = sorted([0.0] + [min(36.0, rng.lognormvariate(math.log(2.5), 1.0)) for _ in range(rng.randint(4, 19))])
        for k, off in enumerate(offsets):
            style = rng.choice(STYLES[:-1] if k < 2 else STYLES)
            out.append(_record(rng, render(rng, haz, inc, style), t0 + dt.timedelta(hours=off),
                               centre, f"inc{i + 1:02d}", 0.08, coords, style))
    for _ in range(n_single):
        when = START + dt.timedelta(hours=rng.uniform(0, window))
        where = _point(rng, s_radius) if coords else None
        if rng.random() < 0.4:
            place = rng.choice(bank()["communities"]) if rng.random() < 0.5 else ""
            out.append(_record(rng, render_unrelated(rng, place, deck), when, where, None, 0.0, coords))
            continue
        haz = hazards[rng.choice(sorted(hazards))]
        inc = _place(rng, haz["place"], haz, set())
        style = rng.choice(STYLES[:-1])
        out.append(_record(rng, render(rng, haz, inc, style), when, where, None, 0.0, coords, style))
    out.sort(key=lambda r: r["created_at"])
    return [{"id": f"{variant[0]}{seed}-{i:05d}", **r} for i, r in enumerate(out)]


def main(argv=None) -> None:
    """Write far.jsonl, crowded.jsonl and nocoords.jsonl."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent)
    args = parser.parse_args(argv)
    for variant in VARIANTS:
        with open(args.out / f"{variant}.jsonl", "w", encoding="utf-8") as f:
            for rec in make_set(variant, args.seed):
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
