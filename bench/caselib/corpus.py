"""Generated closed cases: the text benchmark's report texts, a category from the hazard, a place near a landmark."""

import math
import random
from dataclasses import dataclass

from bench.nlp.textgen import HAZARDS, PLACES, report_text

CENTRE = (28.19, 112.97)  # the demo city's centre; landmarks sit on a ring grid around it


@dataclass
class Case:
    """One generated case."""

    id: int
    text: str
    category: str
    lat: float
    lon: float
    model: bool


def _landmarks(seed: int = 7) -> dict:
    """A fixed position for each landmark name, within about 8 km of the centre."""
    rng = random.Random(seed)
    return {p: (CENTRE[0] + rng.uniform(-0.07, 0.07), CENTRE[1] + rng.uniform(-0.08, 0.08)) for p in PLACES}


def category_of(text: str) -> str:
    """The hazard a generated text names first, as the category ("h<index>"); "other" when none is found."""
    found = [(text.find(h), i) for i, h in enumerate(HAZARDS) if h in text]
    return f"h{min(found)[1]}" if found else "other"


def cases(count: int, seed: int, first_id: int = 1, model_share: float = 0.01) -> list[Case]:
    """count cases from seed: text, category, position (the landmark named, 300 m jitter), some model cases."""
    rng, spots = random.Random(seed), _landmarks()
    out = []
    for n in range(count):
        text = report_text(rng)
        place = next((p for p in PLACES if p in text), rng.choice(PLACES))
        lat, lon = spots[place]
        jitter, angle = abs(rng.gauss(0, 0.3)), rng.uniform(0, 2 * math.pi)
        lat += jitter * math.sin(angle) / 110.57
        lon += jitter * math.cos(angle) / (111.32 * math.cos(math.radians(lat)))
        out.append(Case(first_id + n, text, category_of(text), lat, lon, rng.random() < model_share))
    return out
