"""Near-duplicates: the same hazard reported again near the same place within a short time."""

import math
import re
import threading
from collections import Counter, OrderedDict
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
    if not others:
        return []
    return gram_similarities(_grams(text.lower()), [_grams(t.lower()) for t in others])


def gram_similarities(mine: dict, others: list[dict]) -> list[float]:
    """char_similarities() on texts already counted into grams (stored signatures: nothing is re-read).

    Each text's grams become (gram ids, sublinear tf) arrays once per counts object (see _Grams); the document
    frequencies, idf weights, norms and dot products are then a few array operations over all texts at once.
    """
    table = _Grams.current()  # one table for the whole call, even if another thread starts a new one
    vectors = [table.vector(mine, keep=False), *(table.vector(counts) for counts in others)]
    sizes = np.fromiter((len(ids) for ids, _ in vectors), dtype=np.int64, count=len(vectors))
    ids = np.concatenate([ids for ids, _ in vectors])
    tf = np.concatenate([tf for _, tf in vectors])
    grams, where, df = np.unique(ids, return_inverse=True, return_counts=True)  # a gram appears once per text
    weights = tf * (np.log((2.0 + len(others)) / (1.0 + df)) + 1.0)[where]  # smoothed idf, n = 1 + len(others)
    doc = np.repeat(np.arange(len(vectors)), sizes)
    norms = np.sqrt(np.bincount(doc, weights=weights * weights, minlength=len(vectors)))
    norms[norms == 0] = 1.0
    my_weights = np.zeros(len(grams))
    my_weights[where[:sizes[0]]] = weights[:sizes[0]]
    dots = np.bincount(doc, weights=weights * my_weights[where], minlength=len(vectors))
    return (dots[1:] / (norms[1:] * norms[0])).tolist()


class _Grams:
    """Gram ids shared by the texts this process compares, and the arrays of recently compared counts objects.

    The same candidates' signatures (the same decoded objects: server.hotspots.service keeps them) are compared
    report after report, so their arrays are kept, least recently used first out. An entry holds its counts object,
    so that its id() cannot be reused while the entry lives; counts objects are never changed once counted.
    When the gram ids grow past MAX_GRAMS, a new table replaces the whole thing.
    """

    MAX_GRAMS, MAX_VECTORS = 2_000_000, 4096
    _current: "_Grams | None" = None

    def __init__(self):
        self.ids: dict[str, int] = {}
        self.vectors: OrderedDict[int, tuple[dict, np.ndarray, np.ndarray]] = OrderedDict()
        self.lock = threading.Lock()  # the embedded server runs jobs in threads: new ids must stay distinct

    @classmethod
    def current(cls) -> "_Grams":
        """The table in use (a new one when the last grew too large)."""
        table = cls._current
        if table is None or len(table.ids) > cls.MAX_GRAMS:
            table = cls._current = cls()
        return table

    def vector(self, counts: dict, keep: bool = True) -> tuple[np.ndarray, np.ndarray]:
        """Return a text's gram ids and sublinear term frequencies (1 + log count)."""
        with self.lock:
            found = self.vectors.get(id(counts))
            if found is not None and found[0] is counts:
                self.vectors.move_to_end(id(counts))
                return found[1], found[2]
            setdefault, known = self.ids.setdefault, self.ids
            ids = np.fromiter((setdefault(g, len(known)) for g in counts), dtype=np.int64, count=len(counts))
            tf = 1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))
            if keep:
                self.vectors[id(counts)] = (counts, ids, tf)
                if len(self.vectors) > self.MAX_VECTORS:
                    self.vectors.popitem(last=False)
            return ids, tf


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


@dataclass(frozen=True)
class _Site:
    """Where a report says it is, read once for comparing it with every candidate."""

    place: object
    blocks: frozenset
    names: frozenset
    position: tuple | None

    @classmethod
    def of(cls, doc: dict, signed: dict) -> "_Site":
        return cls(place_key(doc), frozenset(signed["blocks"]), frozenset(signed["names"]),
                   (doc["lat"], doc["lon"]) if has_position(doc) else None)

    def near(self, other: dict, theirs: dict, max_km: float) -> bool:
        """Tell whether another report is close: by position when both have one, else by named place.

        Reports naming places that share no two characters in a row, or different building numbers, are never
        close.
        """
        a, b = self.place, place_key(other)
        if a and b and a != b:
            return False
        their_blocks = theirs["blocks"]
        if self.blocks and their_blocks and self.blocks.isdisjoint(their_blocks):
            return False
        their_names = theirs["names"]
        if self.names and their_names and self.names.isdisjoint(their_names):
            return False
        if self.position is not None and has_position(other):
            x, y = project(other["lat"], other["lon"], self.position)
            return math.hypot(x, y) <= max_km
        return bool((a and b) or not self.names.isdisjoint(their_names))


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
    when, mine, me = to_hours(doc.get("created_at")), _signed(doc), doc.get("id")
    site, timed = _Site.of(doc, mine), math.isfinite(when)
    pool = []
    for other in recent_docs:
        if other.get("id") == me:
            continue
        if timed:
            then = to_hours(other.get("created_at"))
            if math.isfinite(then) and abs(when - then) > max_hours:
                continue
        theirs = _signed(other)
        if site.near(other, theirs, max_km):
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
