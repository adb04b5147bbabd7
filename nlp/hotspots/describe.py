"""Describe clusters as hotspots: id, label, members, medoid, times, growth, place, category and heat."""

import hashlib
import json
from collections import Counter

import numpy as np

from nlp.hotspots import ctfidf, hazards, pairs, placenames
from nlp.hotspots.heat import heat, severity_level
from nlp.hotspots.features import has_position

SAMPLE = 400  # members used for the medoid and coherence of large hotspots


def hotspot_id(member_ids) -> str:
    """Return a deterministic short id for a set of member ids."""
    key = json.dumps(sorted(map(str, member_ids)), ensure_ascii=False)
    return "hs-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]


def _medoid_and_coherence(v: pairs.Vectors, members: np.ndarray) -> tuple[int, float]:
    """Return (index of the member most similar to the others, mean text similarity between members)."""
    if len(members) == 1:
        return int(members[0]), 1.0
    sample = members if len(members) <= SAMPLE else np.random.default_rng(0).choice(members, SAMPLE, replace=False)
    chars, words = v.chars[sample], v.words[sample]
    text = (chars @ chars.T).toarray()
    n = len(sample)
    coherence = float((text.sum() - np.trace(text)) / (n * (n - 1)))
    central = text.sum(axis=1) + np.asarray((words @ words.T).sum(axis=1)).ravel()
    return int(sample[int(np.argmax(central))]), coherence


def _optional(docs: list, members, key: str) -> list:
    """Return the non-empty values of key among members."""
    return [docs[i][key] for i in members if docs[i].get(key) not in (None, "")]


def _place(cores: Counter, written: Counter, size: int) -> str | None:
    """Return the most specific place (an estate or building before a road) that 40% of the members name."""
    common = [c for c, n in cores.most_common() if n >= 0.4 * size]
    if not common:
        return None
    forms = [max((w for w in written if w.startswith(c)), key=lambda w: (written[w], -len(w))) for c in common]
    return max(forms, key=lambda w: (placenames.specificity(w), cores[next(c for c in common if w.startswith(c))]))


def _label(keywords: list, kinds: Counter, cores: Counter, written: Counter, size: int) -> str:
    """Return "place hazard" (幸福路 燃气泄漏): the most specific common place and the dominant hazard.

    Without a common place or a dominant hazard, keywords fill in: "place keyword", "hazard keyword" or the
    top three keywords.
    """
    place = _place(cores, written, size)
    kind, count = kinds.most_common(1)[0] if kinds else (None, 0)
    hazard = hazards.display(kind) if kind and count >= 0.4 * size else None
    parts = [p for p in (place, hazard) if p]
    rest = [k for k in keywords if not any(set(k) & set(p) for p in parts)]
    parts += rest[: max(0, 2 - len(parts)) if parts else 3]
    return " ".join(parts)


def _times(docs: list, hours: np.ndarray, members: np.ndarray, now_h) -> dict:
    """Return first and last seen (as given), growth counts and age in hours of a cluster."""
    timed = members[np.isfinite(hours[members])]
    out = {"first_seen": None, "last_seen": None, "last_24h": 0, "previous_24h": 0, "age": None}
    if not len(timed):
        return out
    out["first_seen"] = docs[timed[np.argmin(hours[timed])]].get("created_at")
    out["last_seen"] = docs[timed[np.argmax(hours[timed])]].get("created_at")
    if now_h is not None:
        back = now_h - hours[timed]
        out["last_24h"] = int(((back >= 0) & (back < 24)).sum())
        out["previous_24h"] = int(((back >= 24) & (back < 48)).sum())
        out["age"] = float(back.min())
    return out


def _area(docs: list, members) -> dict:
    """Return the centroid (lat, lon) and bbox [west, south, east, north] of the located members."""

    where = [(docs[i]["lat"], docs[i]["lon"]) for i in members if has_position(docs[i])]
    if not where:
        return {"centroid": None, "bbox": None}
    lats, lons = [p[0] for p in where], [p[1] for p in where]
    return {"centroid": (float(np.mean(lats)), float(np.mean(lons))),
            "bbox": [min(lons), min(lats), max(lons), max(lats)]}


def _people(docs: list, members) -> dict:
    """Return reporters (distinct, else the report count), summed likes and the worst severity given."""
    people = _optional(docs, members, "reporter") or _optional(docs, members, "user")
    likes = sum(float(x) for x in _optional(docs, members, "likes") if isinstance(x, (int, float)))
    graded = [x for x in _optional(docs, members, "severity") if severity_level(x)]
    return {"reporters": len(set(map(str, people))) if people else int(len(members)), "likes": likes,
            "severity": min(graded, key=severity_level) if graded else None,
            "grids": [g for g, _ in Counter(_optional(docs, members, "grid")).most_common()],
            "category": next(iter(Counter(_optional(docs, members, "category")).most_common(1)), (None,))[0]}


def _topics(members: np.ndarray, topics, topic_words: dict) -> list[dict]:
    """Return the sub-topics of a parent hotspot ({"keywords", "size"}, largest first), or [] for one topic."""
    if topics is None:
        return []
    counts = Counter(int(topics[i]) for i in members if topics[i] >= 0)
    if len(counts) < 2:
        return []
    return [{"keywords": topic_words.get(t, [])[:3], "size": n} for t, n in counts.most_common()]


def describe(docs: list, prep, v: pairs.Vectors, labels: np.ndarray, mode: str = "live", now_hours=None,
             place_names=None, topics=None) -> list[dict]:
    """Return one dict per cluster label, hottest first; topics: sub-cluster labels (parents get "topics")."""
    labels = np.asarray(labels)
    words = ctfidf.keywords(prep.tokens, labels)
    topic_words = ctfidf.keywords(prep.tokens, np.asarray(topics)) if topics is not None else {}
    known = prep.hours[np.isfinite(prep.hours)]
    now_h = now_hours if now_hours is not None else (float(known.max()) if len(known) else None)
    out = []
    for label in sorted(set(labels[labels >= 0].tolist())):
        members = np.flatnonzero(labels == label)
        medoid, coherence = _medoid_and_coherence(v, members)
        named = [place_names(prep.soft[i]) if place_names else [] for i in members]
        cores = Counter(core for found in named for core in {c for c, _ in found})
        written = Counter(full for found in named for _, full in found)
        keys = words.get(int(label), [])
        kinds = Counter(k for i in members for k in hazards.kinds(prep.texts[i]))
        times, people = _times(docs, prep.hours, members, now_h), _people(docs, members)
        found = {
            "id": hotspot_id(docs[i]["id"] for i in members), "label": _label(keys, kinds, cores, written, len(members)),
            "keywords": keys, "size": int(len(members)), "members": [docs[i]["id"] for i in members],
            "representative": docs[medoid]["id"], "representative_text": docs[medoid].get("text"),
            **{k: times[k] for k in ("first_seen", "last_seen", "last_24h", "previous_24h")},
            "growth": round((times["last_24h"] + 1) / (times["previous_24h"] + 1), 4), **_area(docs, members),
            "places": [n for n, _ in written.most_common(3)], **people, "coherence": round(coherence, 4),
            "topics": _topics(members, topics, topic_words),
        }
        found["severity_level"] = severity_level(people["severity"])
        found["heat"] = heat(people["reporters"], people["likes"], times["last_24h"], times["previous_24h"],
                             found["severity_level"], times["age"], coherence, mode, reports=len(members))
        out.append(found)
    out.sort(key=lambda h: (-h["heat"], -h["size"], h["id"]))
    return out
