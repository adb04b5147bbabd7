"""Group related reports into hotspots, in a live window (incidents) or over an archive (topics).

Live mode: the log-odds that two reports describe the same incident combine text, place names,
distance and time (nlp.hotspots.pairs); HDBSCAN runs on 1 - probability, then clusters are refined
with mean probabilities (nlp.hotspots.refine). Archive mode (the reports span more than
ARCHIVE_DAYS): time differences of weeks say little, so HDBSCAN runs on a topic distance from text
and place names alone. Small inputs use a dense distance matrix; large ones a sparse graph of
candidate neighbours (nlp.hotspots.candidates).
"""

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from nlp.hotspots import candidates, followups, graph, pairs, parents, vectors
from nlp.hotspots.features import Prepared, prepare
from nlp.hotspots.refine import prune, refine
from nlp.hotspots.split import split

ARCHIVE_DAYS = 30
DENSE_MAX = 4000  # live inputs up to this size use all pairs (two n x n float matrices)
BLOCK = 256  # rows of pair features computed at a time
NEIGHBOURS = 15
TEXT_WINDOW_HOURS = 72.0
HEAD = {"live": 200, "archive": 60}
MIN_SIZE = {"live": 3, "archive": 5}


@dataclass
class Result:
    """Labels and what describing them needs."""

    labels: np.ndarray
    prep: Prepared
    vectors: pairs.Vectors | None  # None when too few reports have text to cluster
    models: vectors.Models | None
    mode: str
    time_scale: float
    topics: np.ndarray | None = None  # archive: each report's cluster before same-place clusters merged


def choose_mode(hours: np.ndarray, mode: str = "auto") -> str:
    """Return "live" or "archive": archive when the middle 96% of report times spans > ARCHIVE_DAYS."""
    if mode in ("live", "archive"):
        return mode
    known = hours[np.isfinite(hours)]
    if len(known) < 2:
        return "live"
    span = np.percentile(known, 98) - np.percentile(known, 2)
    return "archive" if span > ARCHIVE_DAYS * 24 else "live"


def _sparse_pairs(v: pairs.Vectors, mode: str):
    """Return candidate pairs (i < j) for a large input."""
    if mode == "archive":
        emb = candidates.embed(sp.hstack([v.words, v.chars]).tocsr())
        return candidates.unique_pairs(candidates.text_pairs(emb, NEIGHBOURS))
    emb = candidates.embed(v.words)
    window = candidates.window_hours(v.hours, TEXT_WINDOW_HOURS)
    unlocated = np.flatnonzero(~np.isfinite(v.xy[:, 0]))
    found = [candidates.spacetime_pairs(v.xy, v.hours, NEIGHBOURS)]
    if len(unlocated):
        found.append(candidates.text_pairs(emb, NEIGHBOURS, unlocated, v.hours, window))
    return candidates.unique_pairs(*found)


def _graph(n: int, i, j, value) -> sp.csr_matrix:
    """Return the symmetric sparse matrix holding value on the pairs (i, j)."""
    return sp.coo_matrix((np.r_[value, value], (np.r_[i, j], np.r_[j, i])), shape=(n, n)).tocsr()


def _evidence(v: pairs.Vectors, mode: str, scale: float = 1.0):
    """Return (distance, probability or None) for HDBSCAN and refinement (live time in each pair's unit,
    pairs.local_scales with the stream's unit scale).

    Live: dense over all pairs for small inputs, sparse over candidate pairs otherwise. Archive:
    always a graph of each report's nearest neighbours in LSA space (as BERTopic clusters a
    neighbour graph of embeddings), which keeps weak long-range links between topics out.
    """
    n = len(v.length)
    unit = pairs.local_scales(v.hours, scale) if mode == "live" else None
    if n <= DENSE_MAX and mode == "live":
        blocks = [np.arange(s, min(s + BLOCK, n)) for s in range(0, n, BLOCK)]
        prob = np.vstack([pairs.live_probability(pairs.stats(v.subset(rows), v),
                                                 pairs.pair_scale(unit[rows, None], unit[None, :])) for rows in blocks])
        np.fill_diagonal(prob, 1.0)
        return 1.0 - prob, prob
    i, j = _sparse_pairs(v, mode)
    st = pairs.stats(v, i=i, j=j)
    if mode == "archive":
        return _graph(n, i, j, np.clip(1.0 - pairs.archive_similarity(st), 0.0, 1.0)), None
    prob = pairs.live_probability(st, pairs.pair_scale(unit[i], unit[j]))
    return _graph(n, i, j, 1.0 - prob), (_graph(n, i, j, prob) + sp.identity(n, format="csr")).tocsr()


def run(docs: list[dict], min_cluster_size: int | None = None, mode: str = "auto", places=None,
        prep: Prepared | None = None) -> Result:
    """Cluster docs and return the labels with the fitted vectors and models."""
    prep = prep if prep is not None else prepare(docs, places)
    mode = choose_mode(prep.hours, mode)
    size = max(2, int(min_cluster_size or MIN_SIZE[mode]))
    scale = pairs.time_scale(prep.hours)
    labels, topics = np.full(len(docs), -1, dtype=int), None
    if sum(1 for t in prep.texts if t) < size:
        return Result(labels, prep, None, None, mode, scale)
    v, models = vectors.fit(prep, HEAD[mode])
    usable = np.flatnonzero(v.length > 0)
    if len(usable) >= size:
        sub = v.subset(usable)
        dist, prob = _evidence(sub, mode, scale)
        samples = 3 if mode == "live" else 2
        found = graph.labels(dist, size, samples)
        if prob is not None:
            if not (found >= 0).any():  # no split at all: the reports may still be one incident
                found = graph.labels(dist, size, samples, single=True)
            named = [models.places.matcher.find(prep.soft[i]) for i in usable]
            unplaced = np.array([not n for n in named], dtype=bool) & ~np.isfinite(sub.xy[:, 0])
            found = refine(prob, found, min_size=size, unplaced=unplaced, hours=sub.hours)
            found = split(prob, found, sub.masks(), named, size)
            follow = unplaced & np.array([followups.is_follow_up(docs[i].get("text")) for i in usable], dtype=bool)
            found = followups.attach(prob, found, follow, sub.hours, [prep.tokens[i] for i in usable], sub.masks())
        else:
            found = prune(sub, found, size)
            names = [models.places.display_names(prep.soft[i]) for i in usable]
            topics = np.full(len(docs), -1, dtype=int)
            topics[usable] = found
            found, _ = parents.merge(found, parents.specific_places(names), size)
        labels[usable] = found
    return Result(labels, prep, v, models, mode, scale, topics)
