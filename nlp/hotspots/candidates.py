"""Candidate neighbour pairs for large inputs: nearest in space-time, and nearest by text."""

import numpy as np
import scipy.sparse as sp

HOURS_PER_KM = 12.0  # in space-time search, 12 hours apart weigh like 1 km apart
TEXT_DIMS = 64
BLOCK = 512
POOL = 12000  # reports searched per query block (sets the time window of a live text search)


def spacetime_pairs(xy: np.ndarray, hours: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Return (i, j) pairs linking each located report to its k nearest in space and time."""
    from scipy.spatial import cKDTree

    rows = np.flatnonzero(np.isfinite(xy[:, 0]))
    if len(rows) < 2:
        return np.empty(0, int), np.empty(0, int)
    t = np.where(np.isfinite(hours[rows]), hours[rows], np.nanmedian(hours) if np.isfinite(hours).any() else 0)
    points = np.column_stack([xy[rows], (t - t.min()) / HOURS_PER_KM])
    _, idx = cKDTree(points).query(points, k=min(k + 1, len(rows)))
    i = np.repeat(rows, idx.shape[1])
    return i, rows[idx.ravel()]


def embed(rows: sp.csr_matrix, dims: int = TEXT_DIMS) -> np.ndarray:
    """Return unit-length LSA vectors of TF-IDF rows (randomized SVD)."""
    from sklearn.preprocessing import normalize
    from sklearn.utils.extmath import randomized_svd

    dims = max(1, min(dims, rows.shape[1] - 1, rows.shape[0] - 1))
    # transpose=False: the range finder works in report space, cheap for a large vocabulary too
    u, s, _ = randomized_svd(rows, dims, n_iter=3, transpose=False, random_state=0)
    return normalize(u * s).astype(np.float32)


def window_hours(hours: np.ndarray, longest: float) -> float | None:
    """Return the half-window (hours) that keeps about POOL reports per search, at most longest."""
    known = hours[np.isfinite(hours)]
    if len(known) < len(hours) or len(known) <= POOL:
        return None
    span = max(float(known.max() - known.min()), 1.0)
    return float(min(longest, max(1.0, POOL * span / len(known) / 2)))


def text_pairs(emb: np.ndarray, k: int, queries=None, hours=None, window: float | None = None):
    """Return (i, j) pairs linking each query report to its k most similar reports by text.

    With hours and window, only reports within window hours of a query block are searched.
    """
    n = len(emb)
    queries = np.arange(n) if queries is None else np.asarray(queries)
    if window is not None and hours is not None and np.isfinite(hours).all():
        order = np.argsort(hours, kind="stable")
        queries = queries[np.argsort(hours[queries], kind="stable")]
    else:
        window, order = None, None
    out_i, out_j = [], []
    for s in range(0, len(queries), BLOCK):
        q = queries[s:s + BLOCK]
        if window is None:
            pool = np.arange(n)
        else:
            lo = np.searchsorted(hours[order], hours[q].min() - window)
            hi = np.searchsorted(hours[order], hours[q].max() + window, side="right")
            pool = order[lo:hi]
        sim = emb[q] @ emb[pool].T
        kk = min(k + 1, len(pool))
        top = np.argpartition(-sim, kk - 1, axis=1)[:, :kk]
        out_i.append(np.repeat(q, kk))
        out_j.append(pool[top].ravel())
    return np.concatenate(out_i), np.concatenate(out_j)


def unique_pairs(*pairs) -> tuple[np.ndarray, np.ndarray]:
    """Return the distinct unordered pairs (i < j) among the given (i, j) arrays."""
    i = np.concatenate([p[0] for p in pairs])
    j = np.concatenate([p[1] for p in pairs])
    a, b = np.minimum(i, j), np.maximum(i, j)
    keep = a != b
    key = np.unique(a[keep].astype(np.int64) * (int(b.max(initial=0)) + 1) + b[keep])
    width = int(b.max(initial=0)) + 1
    return (key // width).astype(np.int64), (key % width).astype(np.int64)
