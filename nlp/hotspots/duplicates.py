"""Near-duplicates: the same hazard reported again near the same place within a short time."""

import math
import re
from collections import Counter

import numpy as np

from nlp.hotspots.features import has_position, place_key, project, soft_text, to_hours
from nlp.hotspots.placenames import bigrams, suffixed_names

MIN_SIMILARITY = 0.3  # character n-gram cosine (TF-IDF fitted on the candidates)
SHORT, SHORT_EXTRA = 10, 0.2  # texts shorter than SHORT characters must be this much more similar
_BUILDING = re.compile(r"(\d+)\s*(?:栋|幢|号楼|单元)")


def _soft(doc: dict) -> str:
    """Return the doc's soft text (from its text, else its tokens), computed once per doc."""
    try:
        return doc["_soft"]
    except KeyError:
        doc["_soft"] = soft_text(doc.get("text") or " ".join(doc.get("tokens") or []))
        return doc["_soft"]


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
    grams = [_grams(t.lower()) for t in [text, *others]]
    n = len(grams)
    df = Counter(g for counts in grams for g in counts)
    idf = {g: math.log((1 + n) / (1 + d)) + 1.0 for g, d in df.items()}
    vectors = []
    for counts in grams:
        weights = {g: (1.0 + math.log(c)) * idf[g] for g, c in counts.items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        vectors.append((weights, norm))
    (mine, my_norm), out = vectors[0], []
    for weights, norm in vectors[1:]:
        small, large = (weights, mine) if len(weights) < len(mine) else (mine, weights)
        out.append(sum(w * large.get(g, 0.0) for g, w in small.items()) / (norm * my_norm))
    return out


def _near(doc: dict, other: dict, max_km: float) -> bool:
    """Tell whether two reports are close: by position when both have one, else by named place.

    Reports naming places that share no two characters in a row, or different building numbers,
    are never close.
    """
    a, b = place_key(doc), place_key(other)
    if a and b and a != b:
        return False
    blocks, other_blocks = set(_BUILDING.findall(_soft(doc))), set(_BUILDING.findall(_soft(other)))
    if blocks and other_blocks and not blocks & other_blocks:
        return False
    mine, theirs = set(bigrams(suffixed_names(_soft(doc)))), set(bigrams(suffixed_names(_soft(other))))
    if mine and theirs and not mine & theirs:
        return False
    if has_position(doc) and has_position(other):
        x, y = project(other["lat"], other["lon"], (doc["lat"], doc["lon"]))
        return math.hypot(x, y) <= max_km
    return bool((a and b) or mine & theirs)


def _text(doc: dict) -> str:
    """Return the text compared (the clean text, or the joined tokens)."""
    return _soft(doc).replace(" ", "") if doc.get("text") else "".join(doc.get("tokens") or [])


def find_duplicate(doc: dict, recent_docs: list[dict], max_km: float = 0.3, max_hours: float = 48,
                   min_similarity: float = MIN_SIMILARITY):
    """Return the id of the most similar earlier report of the same hazard near doc, or None.

    Candidates are within max_km (or name the same place when a position is missing) and within
    max_hours; the text cosine over character 1-3-grams must reach min_similarity.
    """
    when = to_hours(doc.get("created_at"))
    pool = []
    for other in recent_docs:
        if other.get("id") == doc.get("id"):
            continue
        then = to_hours(other.get("created_at"))
        if math.isfinite(when) and math.isfinite(then) and abs(when - then) > max_hours:
            continue
        if _near(doc, other, max_km):
            pool.append(other)
    texts = [_text(doc)] + [_text(o) for o in pool]
    if not pool or not texts[0]:
        return None
    sims = np.array(char_similarities(texts[0], texts[1:]))
    short = np.array([min(len(texts[0]), len(t)) < SHORT for t in texts[1:]])
    sims = np.where(short, sims - SHORT_EXTRA, sims)
    best = int(np.argmax(sims))
    return pool[best].get("id") if sims[best] >= min_similarity else None
