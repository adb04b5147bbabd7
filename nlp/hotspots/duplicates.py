"""Near-duplicates: the same hazard reported again near the same place within a short time."""

import math
import re
from collections import Counter
from dataclasses import dataclass

import numpy as np

from nlp.hotspots.features import has_position, place_key, project, soft_text, to_hours
from nlp.hotspots.placenames import bigrams, suffixed_names

MIN_SIMILARITY = 0.3  # character n-gram cosine (TF-IDF fitted on the candidates)
SHORT, SHORT_EXTRA = 10, 0.2  # texts shorter than SHORT characters must be this much more similar
SIGNATURE_VERSION = 1  # bump when signature() changes: stored ones of another version are computed again
_BUILDING = re.compile(r"(\d+)\s*(?:栋|幢|号楼|单元)")


@dataclass(frozen=True)
class _Clues:
    """What a report's text says about where it is: its soft text, building numbers, place-name bigrams."""

    soft: str
    blocks: frozenset
    names: frozenset


def _clues(doc: dict) -> _Clues:
    """Read a doc's clues once (from its text, else its tokens)."""
    soft = soft_text(doc.get("text") or " ".join(doc.get("tokens") or []))
    return _Clues(soft, frozenset(_BUILDING.findall(soft)), frozenset(bigrams(suffixed_names(soft))))


def _grams(text: str) -> Counter:
    """Character 1-3-grams of a text, counted (as sklearn's char analyzer makes them)."""
    counts = Counter(text)
    counts.update(text[i:i + 2] for i in range(len(text) - 1))
    counts.update(text[i:i + 3] for i in range(len(text) - 2))
    return counts


def char_similarities(text: str, others: list[str]) -> list[float]:
    """Cosines of text with each other text: char 1-3-gram TF-IDF fitted on all of them, sublinear tf.

    The same numbers as sklearn's TfidfVectorizer(analyzer="char", ngram_range=(1, 3),
    sublinear_tf=True) (smoothed idf, l2 norm), without its fixed cost on a handful of short texts.
    """
    return gram_similarities(_grams(text.lower()), [_grams(t.lower()) for t in others])


def gram_similarities(mine: dict, others: list[dict]) -> list[float]:
    """char_similarities() on texts already counted into grams (stored signatures: nothing is re-read).

    One pass over each text's grams gives both its norm and its dot product with ``mine``; idf and sublinear tf
    come from tables (a gram's idf depends only on how many of the texts have it).
    """
    df = Counter(mine.keys())
    for counts in others:
        df.update(counts.keys())
    n, log = 1 + len(others), math.log
    by_df = [log((1.0 + n) / (1 + d)) + 1.0 for d in range(n + 1)]
    idf = dict(zip(df.keys(), map(by_df.__getitem__, df.values())))
    mine_w = {g: _sublinear(c) * idf[g] for g, c in mine.items()}
    my_norm = math.sqrt(sum(w * w for w in mine_w.values())) or 1.0
    get, out = mine_w.get, []
    for counts in others:
        norm2 = dot = 0.0
        for g, c in counts.items():
            w = (_SUBLINEAR[c] if c < _TABLE else 1.0 + log(c)) * idf[g]  # _sublinear(c), inlined: the hot loop
            norm2 += w * w
            m = get(g)
            if m is not None:
                dot += w * m
        out.append(dot / ((math.sqrt(norm2) or 1.0) * my_norm))
    return out


def _sublinear(count: int) -> float:
    """1 + log(count), from the table when the count is small."""
    return _SUBLINEAR[count] if count < _TABLE else 1.0 + math.log(count)


_TABLE = 256
_SUBLINEAR = [0.0] + [1.0 + math.log(c) for c in range(1, _TABLE)]


def signature(doc: dict) -> dict:
    """What duplicate search compares of a report, computed once and stored with it.

    Its compared text's character 1-3-grams (counted) and length, the building numbers and place-name bigrams it
    names: JSON-ready, so that comparing a report with its candidates never reads their texts again.
    """
    clues = _clues(doc)
    text = _text(doc, clues)
    return {"v": SIGNATURE_VERSION, "grams": dict(_grams(text.lower())), "length": len(text),
            "blocks": sorted(clues.blocks), "names": sorted(clues.names)}


def _signed(doc: dict) -> dict:
    """The doc's stored signature, or one computed now (a report analysed before signatures were stored)."""
    found = doc.get("signature")
    return found if isinstance(found, dict) and found.get("v") == SIGNATURE_VERSION else signature(doc)


def _near(doc: dict, mine: dict, other: dict, theirs: dict, max_km: float) -> bool:
    """Tell whether two reports are close: by position when both have one, else by named place.

    Reports naming places that share no two characters in a row, or different building numbers,
    are never close.
    """
    a, b = place_key(doc), place_key(other)
    if a and b and a != b:
        return False
    blocks, their_blocks = set(mine["blocks"]), theirs["blocks"]
    if blocks and their_blocks and blocks.isdisjoint(their_blocks):
        return False
    names, their_names = set(mine["names"]), theirs["names"]
    if names and their_names and names.isdisjoint(their_names):
        return False
    if has_position(doc) and has_position(other):
        x, y = project(other["lat"], other["lon"], (doc["lat"], doc["lon"]))
        return math.hypot(x, y) <= max_km
    return bool((a and b) or not names.isdisjoint(their_names))


def _text(doc: dict, clues: _Clues) -> str:
    """Return the text compared (the clean text, or the joined tokens)."""
    return clues.soft.replace(" ", "") if doc.get("text") else "".join(doc.get("tokens") or [])


def find_duplicate(doc: dict, recent_docs: list[dict], max_km: float = 0.3, max_hours: float = 48,
                   min_similarity: float = MIN_SIMILARITY):
    """Return the id of the most similar earlier report of the same hazard near doc, or None.

    Candidates are within max_km (or name the same place when a position is missing) and within
    max_hours; the text cosine over character 1-3-grams must reach min_similarity. Each doc's
    ``signature`` (see signature()) is used when it carries one, else computed from its text.
    """
    when, mine = to_hours(doc.get("created_at")), _signed(doc)
    pool = []
    for other in recent_docs:
        if other.get("id") == doc.get("id"):
            continue
        then = to_hours(other.get("created_at"))
        if math.isfinite(when) and math.isfinite(then) and abs(when - then) > max_hours:
            continue
        theirs = _signed(other)
        if _near(doc, mine, other, theirs, max_km):
            pool.append((other, theirs))
    if not pool or not mine["length"]:
        return None
    sims = np.array(gram_similarities(mine["grams"], [t["grams"] for _, t in pool]))
    short = np.array([min(mine["length"], t["length"]) < SHORT for _, t in pool])
    sims = np.where(short, sims - SHORT_EXTRA, sims)
    best = int(np.argmax(sims))
    return pool[best][0].get("id") if sims[best] >= min_similarity else None


CELL_RESOLUTION = 8  # H3 cells of about 0.74 km² (edge about 0.53 km): a cell and its ring hold every point
# within 0.3 km of any point of the cell, so near-duplicate candidates are looked up by seven cell ids.


def cell_of(lat, lon) -> str | None:
    """The H3 cell of a position (the spatial index of near-duplicate search), or None without one."""
    import h3
    if not has_position({"lat": lat, "lon": lon}) or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return h3.latlng_to_cell(lat, lon, CELL_RESOLUTION)


def cells_around(cell: str) -> list[str]:
    """A cell and the ring of cells around it, in a fixed order."""
    import h3
    return sorted(h3.grid_disk(cell, 1))
