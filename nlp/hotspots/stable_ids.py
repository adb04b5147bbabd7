"""Keep hotspot ids stable across re-clusterings by matching members (Jaccard, Hungarian assignment)."""

import secrets

import numpy as np

MIN_JACCARD = 0.2  # a new cluster inherits an old id only when they share at least this much


def new_id() -> str:
    """Return a fresh random hotspot id."""
    return "hs-" + secrets.token_hex(5)


def jaccard(previous: dict, clusters: list[dict]) -> tuple[list, np.ndarray]:
    """Return (old ids, old x new Jaccard matrix) between previous member sets and new clusters."""
    old_ids = list(previous)
    owner = {}
    for row, hid in enumerate(old_ids):
        for member in previous[hid]:
            owner.setdefault(member, []).append(row)
    inter = np.zeros((len(old_ids), len(clusters)))
    for col, found in enumerate(clusters):
        for member in set(found["members"]):
            for row in owner.get(member, ()):
                inter[row, col] += 1
    old_size = np.array([len(set(previous[h])) for h in old_ids], dtype=float)
    new_size = np.array([len(set(c["members"])) for c in clusters], dtype=float)
    union = old_size[:, None] + new_size[None, :] - inter
    return old_ids, np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)


def match_ids(previous: dict, clusters: list[dict], min_jaccard: float = MIN_JACCARD) -> list[str]:
    """Return an id for each new cluster: the matched previous id, else the cluster's own or a new one.

    previous: {hotspot id: set of member ids} from the last run. Matching maximises the total
    Jaccard overlap (scipy's linear_sum_assignment); an old id goes to at most one new cluster.
    """
    from scipy.optimize import linear_sum_assignment

    ids: list[str | None] = [None] * len(clusters)
    if previous and clusters:
        old_ids, overlap = jaccard(previous, clusters)
        rows, cols = linear_sum_assignment(-overlap)
        for r, c in zip(rows, cols):
            if overlap[r, c] >= min_jaccard:
                ids[c] = old_ids[r]
    taken = set(previous) | {i for i in ids if i}
    for k, found in enumerate(clusters):
        if ids[k] is None:
            own = found.get("id")
            ids[k] = own if own and own not in taken else new_id()
            taken.add(ids[k])
    return ids
