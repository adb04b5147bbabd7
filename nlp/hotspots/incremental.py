"""Assign a new report to an existing hotspot without re-clustering (mean evidence to its members)."""

from dataclasses import dataclass

import numpy as np

from nlp.hotspots import pairs, vectors
from nlp.hotspots.features import prepare
from nlp.hotspots.pipeline import HEAD, choose_mode
from nlp.hotspots.refine import ASSIGN

ARCHIVE_ASSIGN = 0.12  # mean topic similarity to members needed in archive mode


@dataclass
class HotspotState:
    """What assign() needs: fitted models and the member reports' vectors, grouped by hotspot."""

    models: vectors.Models | None  # None when there is no hotspot
    members: pairs.Vectors | None
    codes: np.ndarray  # hotspot index of each member row
    hotspot_ids: list
    sizes: np.ndarray
    origin: tuple
    mode: str
    time_scale: float
    units: np.ndarray | None = None  # each member's time unit (pairs.local_scales); None in states made before them
    window_hours: np.ndarray | None = None  # the window's report times, sorted, to count a new report's neighbours


def build_state(docs: list[dict], clusters: list[dict], *, mode: str = "auto", places=None,
                window_hours=None) -> HotspotState:
    """Return a picklable state from the clustered docs and the hotspots found in them.

    clusters: dicts with "id" and "members" (as cluster() returns them, with ids from match_ids).
    window_hours: the times (epoch hours, features.to_hours) of every report of the window the hotspots were found
    in, members or not; time units are measured on them as the clustering measured them (default: the docs' own).
    """
    prep = prepare(docs, places)
    mode = choose_mode(prep.hours, mode)
    if not clusters or not any(prep.texts):
        return HotspotState(None, None, np.zeros(0, dtype=int), [], np.zeros(0), prep.origin, mode, 1.0)
    v, models = vectors.fit(prep, HEAD[mode])
    row_of = {d["id"]: i for i, d in enumerate(docs)}
    rows, codes = [], []
    for code, found in enumerate(clusters):
        for member in found["members"]:
            if member in row_of:
                rows.append(row_of[member])
                codes.append(code)
    codes, rows = np.array(codes, dtype=int), np.array(rows, dtype=int)
    sizes = np.bincount(codes, minlength=len(clusters)).astype(float)
    window = prep.hours if window_hours is None else np.asarray(window_hours, dtype=float)
    window = np.sort(window[np.isfinite(window)])
    scale = pairs.time_scale(window)
    return HotspotState(models, v.subset(rows), codes, [c["id"] for c in clusters], sizes, prep.origin, mode, scale,
                        pairs.local_scales(prep.hours, scale, window)[rows], window)


def scores(doc: dict, state: HotspotState, places=None) -> np.ndarray:
    """Return the doc's mean evidence (probability or similarity) to each hotspot's members."""
    prep = prepare([doc], places, origin=state.origin)
    st = pairs.stats(state.models.transform(prep), state.members)
    value = pairs.archive_similarity(st) if state.mode == "archive" else pairs.live_probability(st, _units(prep, state))
    total = np.bincount(state.codes, weights=np.ravel(value), minlength=len(state.hotspot_ids))
    return total / np.maximum(state.sizes, 1)


def _units(prep, state: HotspotState):
    """Return the time unit of the new report's pairs with the members (the stream's unit for an old state)."""
    if state.units is None:
        return state.time_scale
    new = prep.hours[np.isfinite(prep.hours)]
    around = np.insert(state.window_hours, np.searchsorted(state.window_hours, new), new)  # sorted, the report in it
    return pairs.pair_scale(pairs.local_scales(prep.hours, state.time_scale, around)[:, None], state.units[None, :])


def assign(doc: dict, state: HotspotState, places=None) -> str | None:
    """Return the id of the hotspot a new report belongs to, or None."""
    if not state.hotspot_ids or not len(state.codes):
        return None
    mean = scores(doc, state, places)
    best = int(np.argmax(mean))
    threshold = ARCHIVE_ASSIGN if state.mode == "archive" else ASSIGN
    return state.hotspot_ids[best] if mean[best] >= threshold else None
