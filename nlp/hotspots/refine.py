"""Refine HDBSCAN clusters with average evidence: merge split incidents, attach or drop reports."""

import numpy as np
import scipy.sparse as sp

from nlp.hotspots import pairs

# A report joins the cluster whose members it matches best, when its mean probability to them is at
# least ASSIGN; two clusters merge when the mean probability across them is at least MERGE.
# (With a sparse neighbour graph, pairs that are not neighbours count as probability 0.)
ASSIGN, MERGE = 0.25, 0.5  # MERGE chosen by cross-validation (bench.nlp.hotspot_fit)
PRUNE = 0.5
# Among the clusters whose mean reaches ASSIGN, a report joins the one of highest mean x (other members)^SIZE_POWER.
# 0 is the mean alone; a Bayes prior on size (> 0) lowered the CV ARI, a mild preference for the smaller
# cluster (-0.2) raised it on reports without positions (bench.nlp.hotspot_fit, GRID "size_power").
SIZE_POWER = -0.2


def _indicator(labels: np.ndarray):
    """Return (cluster ids, column of each report or -1, sparse n x k membership, sizes)."""
    ids = np.unique(labels[labels >= 0])
    col = np.full(len(labels), -1)
    col[labels >= 0] = np.searchsorted(ids, labels[labels >= 0])
    rows = np.flatnonzero(col >= 0)
    m = sp.csr_matrix((np.ones(len(rows)), (rows, col[rows])), shape=(len(labels), len(ids)))
    return ids, col, m, np.bincount(col[rows], minlength=len(ids)).astype(float)


def _merge(prob, labels: np.ndarray, threshold: float) -> np.ndarray:
    """Merge cluster pairs whose mean cross probability reaches threshold (each at most once a round)."""
    ids, _, m, size = _indicator(labels)
    if len(ids) < 2:
        return labels
    cross = sp.coo_matrix(m.T @ sp.csr_matrix(prob @ m))
    keep = cross.row < cross.col
    a, b = cross.row[keep], cross.col[keep]
    mean = cross.data[keep] / (size[a] * size[b])
    target, used = {}, set()
    for k in np.argsort(-mean, kind="stable"):
        if mean[k] < threshold:
            break
        if a[k] not in used and b[k] not in used:
            target[ids[b[k]]] = ids[a[k]]
            used.update((a[k], b[k]))
    return np.array([target.get(x, x) for x in labels])


def _reassign(prob, labels: np.ndarray, threshold: float, min_size: int, power: float = SIZE_POWER) -> np.ndarray:
    """Give every report, among the clusters where its mean probability to the other members reaches
    threshold, the one of highest mean x (their count)^power; -1 when there is none."""
    ids, col, m, size = _indicator(labels)
    out = np.full(len(labels), -1)
    if not len(ids):
        return out
    diag = prob.diagonal() if sp.issparse(prob) else np.diag(prob)
    total = sp.coo_matrix(sp.csr_matrix(prob @ m))
    own = col[total.row] == total.col
    others = np.maximum(size[total.col] - own, 1)
    mean = (total.data - own * diag[total.row]) / others
    score = np.where(mean >= threshold, mean * others**power, -1.0)
    order = np.lexsort((-score, total.row))
    first = order[np.r_[True, total.row[order][1:] != total.row[order][:-1]]]
    ok = first[mean[first] >= threshold]
    out[total.row[ok]] = ids[total.col[ok]]
    values, counts = np.unique(out[out >= 0], return_counts=True)
    out[np.isin(out, values[counts < min_size])] = -1
    return out


def refine(prob, labels: np.ndarray, min_size: int = 3, assign: float = ASSIGN, merge: float = MERGE,
           rounds: int = 4, size_power: float = SIZE_POWER) -> np.ndarray:
    """Return labels after alternating merges and reassignments until nothing changes."""
    labels = np.asarray(labels).copy()
    for _ in range(rounds):
        new = _reassign(prob, _merge(prob, labels, merge), assign, min_size, size_power)
        if np.array_equal(new, labels):
            break
        labels = new
    return labels


def prune(v, labels: np.ndarray, min_size: int, fraction: float = PRUNE, largest: int = 2000) -> np.ndarray:
    """Drop members much less similar to their cluster than its members are to each other (archive mode).

    A member stays when its mean topic similarity to the others is at least fraction x the cluster's
    mean pairwise similarity; clusters left smaller than min_size become noise.
    """

    labels = np.asarray(labels).copy()
    for label in np.unique(labels[labels >= 0]):
        rows = np.flatnonzero(labels == label)
        if len(rows) > largest:
            continue
        sim = pairs.archive_similarity(pairs.stats(v.subset(rows)))
        np.fill_diagonal(sim, 0.0)
        mean = sim.sum(axis=1) / max(len(rows) - 1, 1)
        labels[rows[mean < fraction * mean.mean()]] = -1
        if (labels == label).sum() < min_size:
            labels[labels == label] = -1
    return labels
