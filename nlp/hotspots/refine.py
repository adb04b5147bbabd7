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
# A report that names no place and has no position reads alike in two neighbouring incidents of one hazard (燃气味很重
# at 5号楼): among the clusters it may join, its time decides, by the mean of exp(-|hours apart| / UNPLACED_HOURS) to
# their members. Chosen on the scenario generator's train seeds 1-24 (bench.nlp.scenes; 2-4 h within 0.003); it costs a
# little on the old generator's sets, whose like incidents overlap for days (docs/hotspots.md).
UNPLACED_HOURS = 3.0


def membership(labels: np.ndarray):
    """Return (cluster ids, column of each report or -1, sparse n x k membership, sizes)."""
    ids = np.unique(labels[labels >= 0])
    col = np.full(len(labels), -1)
    col[labels >= 0] = np.searchsorted(ids, labels[labels >= 0])
    rows = np.flatnonzero(col >= 0)
    m = sp.csr_matrix((np.ones(len(rows)), (rows, col[rows])), shape=(len(labels), len(ids)))
    return ids, col, m, np.bincount(col[rows], minlength=len(ids)).astype(float)


def _merge(prob, labels: np.ndarray, threshold: float) -> np.ndarray:
    """Merge cluster pairs whose mean cross probability reaches threshold (each at most once a round)."""
    ids, _, m, size = membership(labels)
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


def _reassign(prob, labels: np.ndarray, threshold: float, min_size: int, power: float = SIZE_POWER,
              unplaced: np.ndarray | None = None, hours: np.ndarray | None = None) -> np.ndarray:
    """Give every report, among the clusters where its mean probability to the other members reaches
    threshold, the one of highest mean x (their count)^power; -1 when there is none. A report marked in
    ``unplaced`` (no place named, no position) with a time in ``hours`` takes the one nearest in time instead
    (``_by_time``)."""
    ids, col, m, size = membership(labels)
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
    if unplaced is not None and hours is not None:
        eligible = mean >= threshold
        _by_time(out, total.row[eligible], total.col[eligible], col, ids, unplaced, hours)
    values, counts = np.unique(out[out >= 0], return_counts=True)
    out[np.isin(out, values[counts < min_size])] = -1
    return out


def nearness(member_hours: np.ndarray, hour: float) -> float:
    """Return how near in time a report is to a cluster: mean exp(-|hours apart| / UNPLACED_HOURS) over the
    members with a time (0 without any)."""
    known = member_hours[np.isfinite(member_hours)]
    return float(np.exp(-np.abs(known - hour) / UNPLACED_HOURS).mean()) if len(known) else 0.0


def _by_time(out: np.ndarray, rows: np.ndarray, cols: np.ndarray, col: np.ndarray, ids: np.ndarray,
             unplaced: np.ndarray, hours: np.ndarray) -> None:
    """Give each unplaced report with a time and two or more eligible clusters (pairs ``rows``, ``cols``) the one
    whose members' times lie nearest its own (highest mean exp(-|hours apart| / UNPLACED_HOURS), itself left out).

    Its words cannot tell two neighbouring incidents of one hazard apart, and the mean probability then follows
    whichever cluster happens to share its phrasing; when each incident's reports come mostly in its first hours,
    time can."""
    keep = unplaced[rows] & np.isfinite(hours[rows])
    rows, cols = rows[keep], cols[keep]
    if not len(rows):
        return
    by_row = np.argsort(rows, kind="stable")
    rows, cols = rows[by_row], cols[by_row]
    bounds = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1], True])
    order = np.argsort(col, kind="stable")
    starts = np.searchsorted(col[order], np.arange(len(ids) + 1))
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        if hi - lo < 2:
            continue
        r, best, best_near = rows[lo], -1, -1.0
        for c in cols[lo:hi]:
            members = order[starts[c]:starts[c + 1]]
            near = nearness(hours[members[members != r]], hours[r])
            if near > best_near:
                best, best_near = c, near
        out[r] = ids[best]


def refine(prob, labels: np.ndarray, min_size: int = 3, assign: float = ASSIGN, merge: float = MERGE,
           rounds: int = 4, size_power: float = SIZE_POWER, unplaced: np.ndarray | None = None,
           hours: np.ndarray | None = None) -> np.ndarray:
    """Return labels after alternating merges and reassignments until nothing changes (``unplaced``, ``hours``:
    see ``_reassign``)."""
    labels = np.asarray(labels).copy()
    for _ in range(rounds):
        new = _reassign(prob, _merge(prob, labels, merge), assign, min_size, size_power, unplaced, hours)
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
