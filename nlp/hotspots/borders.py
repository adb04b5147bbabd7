"""Joining the clusters of partitions across their borders: clusters that share halo members, or whose summaries
(centroid, time span, text signature, hazard, place names) say they are one incident, become one group; strongest
evidence first, never two clusters of one partition in a group, and a group joined by summaries stays as compact as
one incident (nlp.hotspots.partition uses this)."""
import math
from collections import Counter, defaultdict

import numpy as np

from nlp.hotspots import hazards

SHARED = 2  # two clusters sharing this many reports, and half the smaller one's, are one
MERGE_KM, MERGE_HOURS, MERGE_TEXT = 0.5, 24.0, 0.35  # summaries closer than these are one incident
GROUP_HOURS = 2 * MERGE_HOURS  # a summary join never makes a group span longer than this


def signature_arrays(weights: dict) -> tuple:
    """Return a {bigram: weight} signature as (sorted int64 codes, float32 unit weights)."""
    if not weights:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
    codes = np.array([(ord(g[0]) << 21) | (ord(g[-1]) if len(g) > 1 else 0) for g in weights], dtype=np.int64)
    values = np.array(list(weights.values()), dtype=np.float64)
    order = np.argsort(codes, kind="stable")
    norm = math.sqrt(float(values @ values)) or 1.0
    return codes[order], (values[order] / norm).astype(np.float32)


def _cosine(a, b) -> float:
    """Return the cosine of two signatures: (sorted codes, unit weights) arrays, or {bigram: weight} dicts."""
    if isinstance(a, dict) or isinstance(b, dict):
        a = signature_arrays(a) if isinstance(a, dict) else a
        b = signature_arrays(b) if isinstance(b, dict) else b
    _, i, j = np.intersect1d(a[0], b[0], assume_unique=True, return_indices=True)
    return float(np.dot(a[1][i].astype(np.float64), b[1][j]))


class _Union:
    """Union-find over cluster numbers; the smallest number names a group. A group never holds two clusters of one
    partition: that partition's clusterer saw both whole and kept them apart, so a chain of border joins (A1-B1-A2)
    must not undo it (at 300k reports such chains once made giant groups).

    Each group also keeps its centroid (weighted by members) and time span, so that a join by summaries can be
    refused when the group it makes would not look like one incident (see ``compact``)."""

    def __init__(self, part_of: list, summaries: list, sizes: list):
        """Start with one singleton per cluster, each knowing its partition, its summary and its size."""
        self.up = list(range(len(part_of)))
        self.parts = [{p} for p in part_of]
        self.xy = [(np.asarray(s["xy"], dtype=float) * n, n) if s.get("xy") else None
                   for s, n in zip(summaries, sizes)]
        self.span = [tuple(s["span"]) if s.get("span") else None for s in summaries]

    def compact(self, a: int, b: int) -> bool:
        """Tell whether the groups of a and b together still look like one incident: their centroids within MERGE_KM
        and their times within GROUP_HOURS. Pairwise likeness alone chains: at 1M reports, clusters each 0.5 km from
        the next joined into groups of 800 reports from 200 incidents across a district."""
        a, b = self.find(a), self.find(b)
        if a == b:
            return True
        if self.xy[a] and self.xy[b] and math.dist(self.xy[a][0] / self.xy[a][1],
                                                   self.xy[b][0] / self.xy[b][1]) > MERGE_KM:
            return False
        sa, sb = self.span[a], self.span[b]
        return not (sa and sb and max(sa[1], sb[1]) - min(sa[0], sb[0]) > GROUP_HOURS)

    def find(self, a: int) -> int:
        """Return a's group."""
        while self.up[a] != a:
            self.up[a] = self.up[self.up[a]]
            a = self.up[a]
        return a

    def join(self, a: int, b: int) -> bool:
        """Put a and b in one group unless both groups hold a cluster of the same partition; True if joined."""
        a, b = self.find(a), self.find(b)
        if a == b:
            return True
        if self.parts[a] & self.parts[b]:
            return False
        low, high = min(a, b), max(a, b)
        self.up[high] = low
        self.parts[low] |= self.parts[high]
        self.parts[high] = set()
        if self.xy[low] and self.xy[high]:
            self.xy[low] = (self.xy[low][0] + self.xy[high][0], self.xy[low][1] + self.xy[high][1])
        else:
            self.xy[low] = self.xy[low] or self.xy[high]
        if self.span[low] and self.span[high]:
            self.span[low] = (min(self.span[low][0], self.span[high][0]), max(self.span[low][1], self.span[high][1]))
        else:
            self.span[low] = self.span[low] or self.span[high]
        return True


def _alike(a: dict, b: dict) -> float | None:
    """Return the text cosine of two cluster summaries that describe one incident (close, overlapping in time, same
    text), else None."""
    if a["span"] and b["span"] and (a["span"][0] - b["span"][1] > MERGE_HOURS or b["span"][0] - a["span"][1]
                                    > MERGE_HOURS):
        return None
    if a["xy"] and b["xy"] and math.dist(a["xy"], b["xy"]) > MERGE_KM:
        return None
    if a["names"] and b["names"] and not set(a["names"]) & set(b["names"]):
        return None
    if not (a["xy"] and b["xy"]) and not set(a["names"]) & set(b["names"]):
        return None  # without two positions, a shared place name must say where
    if hazards.conflicts(np.array([a["hazard"]]), np.array([b["hazard"]]))[0]:
        return None
    cosine = _cosine(a["text"], b["text"])
    return cosine if cosine >= MERGE_TEXT else None


def _summary_pairs(summaries: list, part_of: list) -> list:
    """Return the pairs (a, b) of clusters of different partitions whose summaries are alike, the most alike texts
    first."""
    from scipy.spatial import cKDTree

    located = [k for k, s in enumerate(summaries) if s["xy"]]
    pairs = []
    if len(located) > 1:
        tree = cKDTree(np.array([summaries[k]["xy"] for k in located]))
        pairs = [(located[a], located[b]) for a, b in sorted(tree.query_pairs(MERGE_KM))]
    by_name = defaultdict(list)
    for k, s in enumerate(summaries):
        if not s["xy"]:
            for name in s["names"]:
                by_name[name].append(k)
    for k, s in enumerate(summaries):
        for name in s["names"]:
            pairs += [(min(k, o), max(k, o)) for o in by_name.get(name, ()) if o != k]
    alike = [(a, b, _alike(summaries[a], summaries[b])) for a, b in sorted(set(pairs)) if part_of[a] != part_of[b]]
    return [(a, b) for a, b, cosine in sorted((p for p in alike if p[2] is not None), key=lambda p: (-p[2], p[:2]))]


def groups(results: list) -> list:
    """Return the final member lists from the partitions' clusters ([(partition key, clusters)], any order).

    Clusters sharing halo members or with alike summaries (when the group stays compact) are joined; a report belongs
    to its own partition's cluster, or (when it is noise there) to the largest cluster that took it in as a halo
    member.
    Each group: {"members": sorted ids, "clusters": [cluster dicts]}.
    """
    flat, part_of = [], []
    for key, clusters in sorted(results, key=lambda r: r[0]):
        flat += clusters
        part_of += [key] * len(clusters)
    summaries = [c["summary"] for c in flat]
    union = _Union(part_of, summaries, [len(c["members"]) for c in flat])
    taken_by = defaultdict(list)
    for k, c in enumerate(flat):
        own = set(c["core"])
        for member in c["members"]:
            if member not in own:
                taken_by[member].append(k)
    owner = {}
    for k, c in enumerate(flat):
        for member in c["core"]:
            owner[member] = k
    shared = Counter()
    for member, takers in taken_by.items():
        if member in owner:
            shared.update((min(owner[member], t), max(owner[member], t)) for t in takers)
    # Strongest evidence first: most shared reports, then the summaries' text likeness.
    for (a, b), count in sorted(shared.items(), key=lambda item: (-item[1], item[0])):
        if count >= SHARED and count * 2 >= min(len(flat[a]["members"]), len(flat[b]["members"])):
            union.join(a, b)
    for a, b in _summary_pairs(summaries, part_of):
        if union.compact(a, b):
            union.join(a, b)
    members = defaultdict(list)
    for member, k in owner.items():
        members[union.find(k)].append(member)
    for member, takers in taken_by.items():
        if member not in owner:
            best = min(takers, key=lambda k: (-len(flat[k]["members"]), k))
            members[union.find(best)].append(member)
    parts = defaultdict(list)
    for k, c in enumerate(flat):
        parts[union.find(k)].append(c)
    return [{"members": sorted(members[root], key=str), "clusters": parts[root]} for root in sorted(members)]
