"""Re-clustering at city scale: partitions of bounded size clustered apart, then merged across their borders.

plan() cuts a window into boxes of space (km) and time (a k-d tree: each box with more than max_size reports is
halved at the median of its longest side, time counted HOURS_PER_KM hours to the km) and gives every box a halo:
the reports within HALO_KM and HALO_HOURS outside it. Reports without a position are placed where the located
reports naming the same place (place code, else a place name in the text) lie; the rest are partitioned by time
alone. cluster_partition() runs the ordinary pipeline on one box with its halo and describes its clusters by their
own (core) members. merge() joins clusters of different boxes that share halo members, or whose summaries
(centroid, time span, text signature, hazard, place names) say they are one incident, re-describes the groups
that changed, and returns hotspots as nlp.hotspots.cluster() does. Each step holds one box or the cluster
summaries, never the whole window's vectors; every step is deterministic.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np

from nlp.hotspots import hazards, vectors
from nlp.hotspots.borders import groups, signature_arrays
from nlp.hotspots.describe import describe
from nlp.hotspots.features import has_position, place_key, prepare, project, soft_text, to_hours
from nlp.hotspots.pipeline import HEAD, MIN_SIZE, choose_mode, run
from nlp.hotspots.placenames import Matcher, suffixed_names

MAX_SIZE = 2500  # own reports per partition: under the pipeline's all-pairs limit (4,000) with most halos (docs/cityscale.md)
HALO_KM, HALO_HOURS = 0.5, 12.0
HOURS_PER_KM = 12.0
SPREAD_KM = 1.0  # a place name locates a report when the located reports naming it lie this close
MAX_HALO = 0.5  # a halo holds at most this share of max_size (the nearest reports kept)
SIGNATURE_SAMPLE, SIGNATURE_TOP = 64, 300


@dataclass
class Partition:
    """One box: its key, its own reports and the halo around it."""

    key: str
    core: list
    halo: list = field(default_factory=list)

    @property
    def ids(self) -> list:
        """Return the ids to cluster (own reports first)."""
        return self.core + self.halo


@dataclass
class Plan:
    """The partitions of a window, with what every partition job needs to agree on."""

    partitions: list
    mode: str
    now_hours: float | None
    origin: tuple


def _names(doc: dict) -> list:
    """Return the place-name cores a doc's text names ("names" when given)."""
    if doc.get("names") is not None:
        return list(doc["names"])
    return suffixed_names(soft_text(doc.get("text") or "")) if doc.get("text") else []


def _positions(docs: list, origin: tuple, places=None) -> np.ndarray:
    """Return (n, 2) km of each doc: its own, else where the located docs naming its place are, else NaN.

    A doc without a position takes the median position of the located docs with its place code, else with a
    place name its text names (also written without its suffix), else of its grid (district); a name is used only
    where its located docs lie within SPREAD_KM of their median (a name common over the city says nothing).
    """
    xy = np.full((len(docs), 2), np.nan)
    spots, keys = defaultdict(list), []
    for i, d in enumerate(docs):
        place = place_key(d, places)
        keys.append(([f"p:{place}"] if place else []) + [f"n:{n}" for n in _names(d)])
        if has_position(d):
            xy[i] = project(d["lat"], d["lon"], origin)
            for k in keys[-1] + ([f"g:{d['grid']}"] if d.get("grid") else []):
                spots[k].append(i)
    centre = {}
    for k, rows in spots.items():
        mid = np.median(xy[rows], axis=0)
        if k.startswith("g:") or np.median(np.hypot(*(xy[rows] - mid).T)) <= SPREAD_KM:
            centre[k] = mid
    matcher = Matcher(sorted(k[2:] for k in centre if k.startswith("n:")))
    area = [None] * len(docs)
    for i, d in enumerate(docs):
        if np.isfinite(xy[i, 0]):
            continue
        found = [f"n:{n}" for n in matcher.find(soft_text(d["text"]))] if d.get("text") else []
        for k in keys[i] + found + ([f"g:{d['grid']}"] if d.get("grid") else []):
            if k in centre:
                xy[i], area[i] = centre[k], (k if k.startswith("g:") else None)
                break
    extent = {k: np.r_[np.percentile(xy[rows], 2, axis=0) - HALO_KM, np.percentile(xy[rows], 98, axis=0) + HALO_KM]
              for k, rows in spots.items() if k.startswith("g:")}
    return xy, area, extent


def _area_halo(points: np.ndarray, own: np.ndarray, coarse: np.ndarray, box: np.ndarray, limit: int) -> np.ndarray:
    """Return the reports placed only by their grid whose grid's box overlaps own's and whose time is near it.

    A report known only by its district may be about any place in it: every partition the district overlaps
    sees it (the nearest in time first, at most limit), so that it can join its incident wherever that is.
    """
    exact = np.setdiff1d(own, coarse)
    if not len(exact) or not len(coarse):
        return np.empty(0, dtype=int)
    lo, hi = points[exact].min(axis=0), points[exact].max(axis=0)
    t, near_t = points[coarse, 2], HALO_HOURS / HOURS_PER_KM
    hit = (box[:, 0] <= hi[0]) & (box[:, 2] >= lo[0]) & (box[:, 1] <= hi[1]) & (box[:, 3] >= lo[1]) \
        & (t >= lo[2] - near_t) & (t <= hi[2] + near_t) & ~np.isin(coarse, own)
    rows = coarse[hit]
    return np.sort(rows[np.argsort(np.abs(t[hit] - (lo[2] + hi[2]) / 2), kind="stable")[:limit]])


def _origin(docs: list) -> tuple:
    """Return a fixed origin for a window: its located reports' mean, rounded to 0.01 degree."""
    located = [(d["lat"], d["lon"]) for d in docs if has_position(d)]
    if not located:
        return (0.0, 0.0)
    return (round(float(np.mean([p[0] for p in located])), 2), round(float(np.mean([p[1] for p in located])), 2))


def _split(points: np.ndarray, rows: np.ndarray, core: np.ndarray, halo: np.ndarray, max_size: int, path: str,
           out: list) -> None:
    """Halve the box of rows (core flags) along its longest side until each holds at most max_size own rows."""
    own = rows[core]
    if len(own) <= max_size:
        out.append((path, own, rows[~core]))
        return
    span = points[own].max(axis=0) - points[own].min(axis=0)
    dim = int(np.argmax(np.where(np.isfinite(span), span, -1)))
    value = points[rows, dim]
    order = np.lexsort((own, points[own, dim]))
    left_own = np.zeros(len(points), dtype=bool)
    left_own[own[order[: len(own) // 2]]] = True
    cut_left, cut_right = points[own[order[len(own) // 2 - 1]], dim], points[own[order[len(own) // 2]], dim]
    mine = left_own[rows]
    near_left = (~mine) & (value <= cut_left + halo[dim])
    near_right = ~(core & ~mine) & (value >= cut_right - halo[dim])
    for side, keep, own_flag in (("0", (core & mine) | near_left, core & mine),
                                 ("1", near_right | (core & ~mine), core & ~mine)):
        _split(points, rows[keep], own_flag[keep], halo, max_size, path + side, out)


def _trim_halo(points: np.ndarray, own: np.ndarray, halo_rows: np.ndarray, limit: int) -> np.ndarray:
    """Keep at most limit halo rows: those nearest the box of the own rows (then by row)."""
    if len(halo_rows) <= limit:
        return halo_rows
    lo, hi = points[own].min(axis=0), points[own].max(axis=0)
    gap = np.nan_to_num(np.maximum(lo - points[halo_rows], 0) + np.maximum(points[halo_rows] - hi, 0))
    order = np.lexsort((halo_rows, gap.max(axis=1)))
    return np.sort(halo_rows[order[:limit]])


def plan(docs: list, max_size: int = MAX_SIZE, *, mode: str = "auto", now=None, places=None) -> Plan:
    """Return the partitions of docs ({"id", "lat"?, "lon"?, "created_at", "place"?, "text"? or "names"?}).

    Only positions, times and places are read: a coordinator may pass light docs (text cut to its head).
    """
    origin = _origin(docs)
    hours = np.array([to_hours(d.get("created_at")) for d in docs], dtype=float)
    xy, area, extent = _positions(docs, origin, places)
    known = hours[np.isfinite(hours)]
    t = np.where(np.isfinite(hours), hours, known.max() if len(known) else 0.0)
    points = np.column_stack([xy, t / HOURS_PER_KM])
    ids = np.array([d["id"] for d in docs], dtype=object)
    now_h = to_hours(now) if now is not None else (float(known.max()) if len(known) else None)
    if len(docs) <= max_size:  # a window that fits is one partition: the same result as clustering it whole
        return Plan([Partition("a", ids.tolist())] if len(docs) else [], choose_mode(hours, mode), now_h, origin)
    found = []
    placed = np.isfinite(xy[:, 0])
    halo = np.array([HALO_KM, HALO_KM, HALO_HOURS / HOURS_PER_KM])
    coarse = np.array([i for i, key in enumerate(area) if key is not None], dtype=int)
    box = np.array([extent[area[i]] for i in coarse]).reshape(-1, 4)  # each coarse report's grid: x0, y0, x1, y1
    for prefix, rows in (("s", np.flatnonzero(placed)), ("t", np.flatnonzero(~placed))):
        if len(rows):
            pts = points if prefix == "s" else np.column_stack([np.zeros((len(points), 2)), points[:, 2]])
            boxes = []
            _split(pts, rows, np.ones(len(rows), dtype=bool), halo, max_size, prefix, boxes)
            for path, own, near in boxes:
                near = _trim_halo(pts, own, near, int(max_size * MAX_HALO))
                wide = _area_halo(pts, own, coarse, box, int(max_size * MAX_HALO)) if prefix == "s" else near
                near = np.union1d(near, wide).astype(int)
                found.append(Partition(path, ids[np.sort(own)].tolist(), ids[near].tolist()))
    return Plan(sorted(found, key=lambda p: p.key), choose_mode(hours, mode), now_h, origin)


def _signature(texts: list) -> tuple:
    """Return the most frequent character bigrams of some texts, l2-normalised (a text vector any job can make).

    Kept compact, as (sorted bigram codes, weights) arrays: the merge holds every cluster's signature of the window
    (as a dict of 300 bigrams each, they were most of its memory at 1M reports). ``borders.cosine`` compares them.
    """
    counts = Counter()
    for text in texts:
        counts.update({text[i:i + 2] for i in range(len(text) - 1)})
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:SIGNATURE_TOP]
    return signature_arrays({g: float(c) for g, c in top})


def _summary(docs: list, prep, rows: np.ndarray, origin: tuple) -> dict:
    """Return what merging needs to know of a cluster: centroid km, time span, text signature, hazards, names."""
    sample = rows[np.linspace(0, len(rows) - 1, min(len(rows), SIGNATURE_SAMPLE)).astype(int)]
    located = [project(docs[i]["lat"], docs[i]["lon"], origin) for i in rows if has_position(docs[i])]
    times = prep.hours[rows][np.isfinite(prep.hours[rows])]
    names = Counter(n for i in sample for n in set(suffixed_names(prep.soft[i])))
    return {"xy": [float(np.mean([p[0] for p in located])), float(np.mean([p[1] for p in located]))]
            if located else None,
            "span": [float(times.min()), float(times.max())] if len(times) else None,
            "text": _signature([prep.texts[i] for i in sample]),
            "hazard": int(np.bitwise_or.reduce(hazards.masks([prep.texts[i] for i in sample]))),
            "names": sorted(n for n, c in names.items() if c * 4 >= len(sample))}


def cluster_partition(docs: list, core_ids, plan_info: Plan | dict, min_cluster_size: int | None = None,
                      places=None) -> list[dict]:
    """Cluster one partition's docs (own and halo) and return its clusters.

    Each: {"members": all ids, "core": own ids, "summary": for merge(), "hotspot": the description of the own
    members as nlp.hotspots.cluster() gives it, or None when the cluster has none}.
    """
    info = plan_info if isinstance(plan_info, dict) else {"mode": plan_info.mode, "now_hours": plan_info.now_hours,
                                                          "origin": plan_info.origin}
    size = max(2, int(min_cluster_size or MIN_SIZE[info["mode"]]))
    result = run(docs, size, info["mode"], places)
    if result.vectors is None:
        return []
    own = set(core_ids)
    is_core = np.array([d["id"] in own for d in docs])
    labels = result.labels
    core_labels = np.where(is_core, labels, -1)
    described = {frozenset(h["members"]): h for h in describe(docs, result.prep, result.vectors, core_labels,
                                                              result.mode, info["now_hours"],
                                                              result.models.places.display_names)}
    out = []
    for label in sorted(set(labels[labels >= 0].tolist())):
        rows = np.flatnonzero(labels == label)
        core = [docs[i]["id"] for i in rows if is_core[i]]
        hotspot = described.get(frozenset(core)) if core else None
        out.append({"members": [docs[i]["id"] for i in rows], "core": core, "hotspot": hotspot,
                    "summary": _summary(docs, result.prep, rows, tuple(info["origin"]))})
    return out


def merge(results: list, load_docs, plan_info: Plan | dict, min_cluster_size: int | None = None, places=None,
          batch: int = MAX_SIZE) -> list[dict]:
    """Return the hotspots of the whole window, hottest first, from the partitions' clusters.

    load_docs(ids) returns the docs of some ids: only the members of groups that changed across borders are
    read again (in batches of about batch reports) to be described.
    """
    info = plan_info if isinstance(plan_info, dict) else {"mode": plan_info.mode, "now_hours": plan_info.now_hours}
    size = max(2, int(min_cluster_size or MIN_SIZE[info["mode"]]))
    found, redo = [], []
    for g in (g for g in groups(results) if len(g["members"]) >= size):
        kept = [c["hotspot"] for c in g["clusters"] if c["hotspot"] and sorted(c["core"], key=str) == g["members"]]
        (found.append(kept[0]) if kept else redo.append(g["members"]))
    start = 0
    while start < len(redo):
        chunk, total = [], 0
        while start < len(redo) and (not chunk or total + len(redo[start]) <= batch):
            chunk.append(redo[start])
            total += len(redo[start])
            start += 1
        found += _describe_groups(chunk, load_docs, info, places)
    found.sort(key=lambda h: (-h["heat"], -h["size"], h["id"]))
    return found


def _describe_groups(chunk: list, load_docs, info: dict, places=None) -> list[dict]:
    """Describe some groups of member ids together (keywords are set apart from the other groups')."""
    ids = [m for members in chunk for m in members]
    docs = load_docs(ids)
    by_id = {d["id"]: d for d in docs}
    docs = [by_id[m] for m in ids]
    labels = np.repeat(np.arange(len(chunk)), [len(m) for m in chunk])
    prep = prepare(docs, places)
    v, models = vectors.fit(prep, HEAD[info["mode"]])
    return describe(docs, prep, v, labels, info["mode"], info["now_hours"], models.places.display_names)


def cluster_partitioned(docs: list, min_cluster_size: int | None = None, *, max_size: int = MAX_SIZE,
                        mode: str = "auto", places=None, now=None) -> list[dict]:
    """Run plan, every partition and the merge in this process (the embedded default; same results as jobs)."""
    the_plan = plan(docs, max_size, mode=mode, now=now, places=places)
    by_id = {d["id"]: d for d in docs}
    results = [(p.key, cluster_partition([by_id[i] for i in p.ids], p.core, the_plan, min_cluster_size, places))
               for p in the_plan.partitions]
    return merge(results, lambda ids: [by_id[i] for i in ids], the_plan, min_cluster_size, places, max_size)
