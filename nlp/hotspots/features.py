"""Per-report inputs for clustering: clean text, tokens, position in km, time in hours, place key."""

import datetime as dt
import math
import re
from dataclasses import dataclass

import numpy as np

from nlp.text import normalise
from nlp.segment import default_segmenter

KM_PER_DEGREE = 111.32
# Boilerplate of hotline and patrol transcripts, shared by unrelated reports.
_BOILERPLATE = re.compile(
    "市民来电反映|市民致电称|来电人反映|来电人称|群众来电|市民来电|来电反映|巡查发现|网格员巡查发现|日常巡查中发现|走访发现"
    "|请相关部门尽快处理|请求相关部门处理|请相关部门处理|联系电话|回访电话|请尽快处理|尽快处理"
)
_LONG_NUMBER = re.compile(r"[0-9*＊xX-]{5,}")
_NOT_WORD = re.compile(r"[^0-9A-Za-z\u3400-\u9fff]+")


def soft_text(text: str) -> str:
    """Return text normalised and lower-cased, boilerplate and long numbers removed, punctuation as spaces."""

    text = _BOILERPLATE.sub(" ", normalise(text or ""))
    return _NOT_WORD.sub(" ", _LONG_NUMBER.sub(" ", text)).strip().lower()


def to_hours(value) -> float:
    """Return a timestamp (datetime, ISO string or epoch seconds) as epoch hours; NaN when unknown."""
    if isinstance(value, dt.datetime):  # the common case first
        return (value if value.tzinfo is not None else value.replace(tzinfo=dt.timezone.utc)).timestamp() / 3600.0
    if value is None or value == "":
        return math.nan
    if isinstance(value, (int, float)):
        return float(value) / 3600.0
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            from dateutil import parser

            try:
                value = parser.parse(value)
            except (ValueError, OverflowError):
                return math.nan
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.timestamp() / 3600.0


def place_key(doc: dict, places=None):
    """Return the doc's resolved place (given as "place", or found by the places resolver), or None."""
    place = doc.get("place")
    if isinstance(place, dict):
        place = place.get("code") or place.get("name")
    if place is None and places is not None and doc.get("text"):
        found = places.resolve(doc["text"])
        place = found and found.get("code")
    return place or None


@dataclass
class Prepared:
    """Arrays describing n documents, aligned with the input order."""

    tokens: list
    texts: list  # clean texts (character n-grams)
    soft: list  # texts with word breaks kept (place mentions)
    xy: np.ndarray  # (n, 2) km east/north of origin; NaN where unknown
    hours: np.ndarray  # (n,) epoch hours; NaN where unknown
    places: list
    origin: tuple


def project(lat, lon, origin) -> tuple[float, float]:
    """Return (east, north) km of a position from origin (equirectangular, fine at city scale)."""
    return ((lon - origin[1]) * KM_PER_DEGREE * math.cos(math.radians(origin[0])),
            (lat - origin[0]) * KM_PER_DEGREE)


def has_position(doc: dict) -> bool:
    """Tell whether a doc carries a usable (numeric, finite) latitude and longitude."""
    lat, lon = doc.get("lat"), doc.get("lon")
    return _number(lat) and _number(lon) and math.isfinite(lat) and math.isfinite(lon)


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def prepare(docs: list[dict], places=None, origin=None, segmenter=None, soft: list | None = None) -> Prepared:
    """Return the clustering inputs of docs; tokens are computed from text when absent.

    soft: the docs' soft_text() when already computed (e.g. by parallel workers).
    """
    located = [(d["lat"], d["lon"]) for d in docs if has_position(d)]
    if origin is None:
        origin = (float(np.mean([p[0] for p in located])), float(np.mean([p[1] for p in located]))) \
            if located else (0.0, 0.0)
    xy = np.full((len(docs), 2), np.nan)
    given, tokens, texts, soft = soft, [], [], []
    for i, d in enumerate(docs):
        toks = d.get("tokens")
        if toks is None:
            if segmenter is None:

                segmenter = default_segmenter()
            toks = segmenter.cut(d.get("text") or "")
        tokens.append(list(toks))
        soft.append(given[i] if given is not None else soft_text(d["text"]) if d.get("text") else " ".join(toks))
        texts.append(soft[-1].replace(" ", ""))
        if has_position(d):
            xy[i] = project(d["lat"], d["lon"], origin)
    hours = np.array([to_hours(d.get("created_at")) for d in docs], dtype=float)
    return Prepared(tokens, texts, soft, xy, hours, [place_key(d, places) for d in docs], origin)
