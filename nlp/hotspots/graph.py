"""HDBSCAN over a precomputed distance: a dense matrix, or a sparse neighbour graph for large inputs."""

import warnings

import numpy as np
import scipy.sparse as sp

FLOOR = 1e-6  # sparse matrices drop zeros: identical reports must keep their edge


def _core_distances(d: sp.csr_matrix, k: int, far: float) -> np.ndarray:
    """Return each row's k-th smallest distance (far when a row has fewer than k neighbours)."""
    n = d.shape[0]
    rows = np.repeat(np.arange(n), np.diff(d.indptr))
    order = np.lexsort((d.data, rows))
    rank = np.arange(len(order)) - d.indptr[rows[order]]
    core = np.full(n, far)
    pick = order[rank == k - 1]
    core[rows[pick]] = d.data[pick]
    return core


def _spanning_edges(mr: sp.csr_matrix, far: float) -> np.ndarray:
    """Return the minimum spanning tree of mr as sorted (i, j, weight) rows, components chained at far."""
    from scipy.sparse.csgraph import connected_components, minimum_spanning_tree

    tree = minimum_spanning_tree(mr).tocoo()
    edges = [np.column_stack([tree.row, tree.col, tree.data])]
    count, comp = connected_components(tree, directed=False)
    if count > 1:
        heads = np.array([np.flatnonzero(comp == c)[0] for c in range(count)])
        edges.append(np.column_stack([heads[:-1], heads[1:], np.full(count - 1, far)]))
    edges = np.vstack(edges).astype(np.float64)
    return edges[np.argsort(edges[:, 2], kind="stable")]


def _sparse_labels(d: sp.csr_matrix, min_cluster_size: int, min_samples: int, method: str,
                   single: bool) -> np.ndarray:
    """Run HDBSCAN's steps on a sparse graph: core distances, mutual reachability, MST, condensed tree.

    Uses hdbscan's own tree functions (hdbscan 0.8.x internals), so the selection is HDBSCAN's.
    """
    from hdbscan._hdbscan_linkage import label
    from hdbscan.hdbscan_ import _tree_to_labels

    far = float(d.data.max() * 2 + 1) if d.nnz else 1.0
    core = _core_distances(d, min_samples, far)
    rows = np.repeat(np.arange(d.shape[0]), np.diff(d.indptr))
    mr = d.copy()
    mr.data = np.maximum(np.maximum(d.data, core[rows]), core[d.indices])
    tree = label(_spanning_edges(mr, far * 2))
    return _tree_to_labels(None, tree, min_cluster_size, method, single)[0]


def labels(dist, min_cluster_size: int = 3, min_samples: int = 3, method: str = "eom",
           single: bool = False) -> np.ndarray:
    """Return HDBSCAN labels (-1 for noise) for a dense or sparse symmetric distance matrix.

    single: allow one cluster holding everything (HDBSCAN's allow_single_cluster).
    """
    import hdbscan

    n = dist.shape[0]
    if n < max(2, min_cluster_size):
        return np.full(n, -1, dtype=int)
    min_samples = max(1, min(min_samples, n - 1))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # sklearn deprecation warnings raised inside hdbscan
        if sp.issparse(dist):
            coo = sp.coo_matrix(dist, dtype=np.float64)
            off = coo.row != coo.col
            d = sp.csr_matrix((np.maximum(coo.data[off], FLOOR), (coo.row[off], coo.col[off])), shape=coo.shape)
            d = d.maximum(d.T).tocsr()
            return np.asarray(_sparse_labels(d, min_cluster_size, min_samples, method, single), dtype=int)
        dist = np.array(dist, dtype=np.float64)
        np.fill_diagonal(dist, 0.0)
        found = hdbscan.HDBSCAN(metric="precomputed", min_cluster_size=min_cluster_size, min_samples=min_samples,
                                cluster_selection_method=method, allow_single_cluster=single).fit_predict(dist)
        return found.astype(int)
