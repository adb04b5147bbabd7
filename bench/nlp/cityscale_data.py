"""A megacity's month of reports for the city-scale benchmark, kept in an SQLite store the jobs read from.

Many districts (a 5 x 5 grid of district centres 9 km apart), 30 days, 70% of reports in incidents of 3-20
reports near one place within a day or so, the rest one-off reports and unrelated complaints; 90% located,
hotline reports mostly not. Texts come from the hotspot dev-set renderer (tests/data/hotspots); tokens are
cut once, as intake stores them (clauses memoised: generated texts repeat their phrases).
"""

import datetime as dt
import json
import math
import random
import re
import sqlite3
from pathlib import Path

from tests.data.hotspots.generate import _place, _point
from tests.data.hotspots.render import STYLES, bank, render, render_unrelated

CENTRE = (31.23, 121.47)
GRID, SPACING_KM, DISTRICT_KM = 5, 9.0, 5.5
DAYS = 30
START = dt.datetime(2026, 3, 1, tzinfo=dt.timezone(dt.timedelta(hours=8)))
IN_INCIDENTS, LOCATED = 0.7, 0.9
_CLAUSE = re.compile(r"[^，。！？,.!?；;\s]+|[，。！？,.!?；;\s]+")


def districts() -> list[tuple[str, tuple]]:
    """Return (code, centre) of every district."""
    out = []
    for r in range(GRID):
        for c in range(GRID):
            east, north = (c - GRID // 2) * SPACING_KM, (r - GRID // 2) * SPACING_KM
            centre = (CENTRE[0] + north / 111.32, CENTRE[1] + east / (111.32 * math.cos(math.radians(CENTRE[0]))))
            out.append((f"D{r}{c}", centre))
    return out


def _report(rng, text: str, when, where, district: str, incident, style: str) -> dict:
    """Return one report; hotline reports come without a position most of the time."""
    rec = {"text": text, "created_at": when.replace(microsecond=0).isoformat(), "grid": district,
           "incident": incident}
    if rng.random() < LOCATED and not (style == "hotline" and rng.random() < 0.7):
        lat, lon = _point(rng, 0.1, where)
        rec.update(lat=round(lat, 6), lon=round(lon, 6))
    return rec


def generate(n: int, seed: int = 0) -> list[dict]:
    """Return n reports ({"id", "text", "created_at", "grid", "lat"?, "lon"?, "incident"}), oldest first."""
    rng = random.Random(f"cityscale-{seed}")
    hazards, areas = bank()["hazards"], districts()
    keys = sorted(hazards)
    out, deck, incident = [], [], 0
    while len(out) < n * IN_INCIDENTS:
        haz = hazards[rng.choice(keys)]
        code, centre = rng.choice(areas)
        inc, where = _place(rng, haz["place"], haz, set()), _point(rng, DISTRICT_KM, centre)
        t0 = START + dt.timedelta(hours=rng.uniform(0, DAYS * 24 - 12))
        incident += 1
        for k in range(rng.randint(3, 20)):
            off = 0.0 if k == 0 else min(36.0, rng.lognormvariate(math.log(2.5), 1.0))
            style = rng.choice(STYLES[:-1] if k < 2 else STYLES)
            out.append(_report(rng, render(rng, haz, inc, style), t0 + dt.timedelta(hours=off), where, code,
                               incident, style))
    while len(out) < n:
        code, centre = rng.choice(areas)
        when = START + dt.timedelta(hours=rng.uniform(0, DAYS * 24))
        if rng.random() < 0.4:
            text = render_unrelated(rng, rng.choice(bank()["communities"]) if rng.random() < 0.5 else "", deck)
        else:
            haz = hazards[rng.choice(keys)]
            text = render(rng, haz, _place(rng, haz["place"], haz, set()), rng.choice(STYLES[:-1]))
        out.append(_report(rng, text, when, _point(rng, DISTRICT_KM, centre), code, None, "app"))
    out = out[:n]
    out.sort(key=lambda r: r["created_at"])
    return [{"id": i + 1, **r} for i, r in enumerate(out)]


class Tokens:
    """nlp's segmenter applied clause by clause, each distinct clause cut once."""

    def __init__(self):
        """Load the segmenter."""
        from nlp.segment import default_segmenter

        self.segmenter, self.memo = default_segmenter(), {}

    def cut(self, text: str) -> list[str]:
        """Return the tokens of a text."""
        from nlp.text import normalise

        out = []
        for piece in _CLAUSE.findall(normalise(text)):
            found = self.memo.get(piece)
            if found is None:
                found = self.memo[piece] = self.segmenter.cut_normalised(piece)
            out.extend(found)
        return out


def write_store(path: Path, reports: list[dict]) -> None:
    """Write the reports (with tokens) into an SQLite store: a light table for the planner, the docs by id."""
    tokens = Tokens()
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE docs (id INTEGER PRIMARY KEY, lat REAL, lon REAL, created_at TEXT, grid TEXT,"
                   " head TEXT, incident INTEGER, doc TEXT)")
        rows = ((r["id"], r.get("lat"), r.get("lon"), r["created_at"], r["grid"], r["text"][:80], r["incident"],
                 json.dumps({**{k: v for k, v in r.items() if k != "incident"}, "tokens": tokens.cut(r["text"])},
                            ensure_ascii=False)) for r in reports)
        db.executemany("INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)


def light_docs(path: Path) -> list[dict]:
    """Return what the planner reads of every report (position, time, district, the text's head)."""
    with sqlite3.connect(path) as db:
        return [{"id": i, "lat": lat, "lon": lon, "created_at": at, "grid": grid, "text": head}
                for i, lat, lon, at, grid, head in db.execute("SELECT id, lat, lon, created_at, grid, head FROM docs")]


def load_docs(path: Path, ids) -> list[dict]:
    """Return the docs of some ids (any order)."""
    ids = list(ids)
    out = []
    with sqlite3.connect(path) as db:
        for s in range(0, len(ids), 900):
            chunk = ids[s:s + 900]
            query = f"SELECT doc FROM docs WHERE id IN ({','.join('?' * len(chunk))})"
            out += [json.loads(row[0]) for row in db.execute(query, chunk)]
    return sorted(out, key=lambda d: d["id"])


def truth(path: Path) -> dict:
    """Return {id: true incident, or None for a one-off report}."""
    with sqlite3.connect(path) as db:
        return dict(db.execute("SELECT id, incident FROM docs"))


def located(path: Path) -> set:
    """Return the ids of the reports with a position."""
    with sqlite3.connect(path) as db:
        return {i for (i,) in db.execute("SELECT id FROM docs WHERE lat IS NOT NULL")}


def all_docs(path: Path) -> list[dict]:
    """Return every doc (the unpartitioned baseline reads the whole window)."""
    with sqlite3.connect(path) as db:
        return [json.loads(row[0]) for row in db.execute("SELECT doc FROM docs ORDER BY id")]
