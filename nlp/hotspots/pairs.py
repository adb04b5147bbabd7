"""Evidence that two reports concern the same hazard: text, place names, position and time."""

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from nlp.hotspots import hazards

# Log-odds that two reports in a live window are about the same incident, as a linear function of
# the features in design(); L2 strength chosen by cross-validation and fitted by
# `python -m bench.nlp.hotspot_fit` on generated training sets (see docs/hotspots.md).
LIVE_WEIGHTS = {
    "sc_log": 1.0, "sw_log": -0.17, "sc_short": -0.5, "place_sim": 4.02, "place_conf": -3.12, "geo_known": -2.39,
    "geo_km": -3.69, "geo_log": -3.43, "dt_log": -1.43, "hazard_conf": -6.38, "hazard_same": 1.77, "nuisance": 2.7,
    "place_none": -0.16, "sc_log_near": 0.85,
}
LIVE_BIAS = 2.66
# Archive mode (an input spanning months): similarity is a weighted mean of three cosines.
ARCHIVE_WEIGHTS = {"sc": 0.4, "sw": 0.4, "sp": 0.2}
UNKNOWN_HOURS = 4.0  # assumed time apart (in time units) when either time is unknown
MAX_KM, MAX_UNITS = 3.0, 240.0
# Time apart is measured in units of RATE_REF / (reports per hour): in a busy stream, ten minutes
# apart holds more unrelated reports than in a quiet one, so it is weaker evidence.
RATE_REF, MIN_SCALE, MAX_SCALE = 2.0, 0.05, 4.0
# A bad half hour (a storm, a blackout, a crowd at an accident) brings unrelated reports within minutes of each other,
# where minutes apart say less than in the stream's average hour. Each report's unit shrinks with the reports within
# LOCAL_HOURS of it (never above the stream's unit, never below MIN_LOCAL_SCALE hours), and a pair is measured in the
# longer of its two units, so a report from a quiet hour keeps the evidence of time it had (docs/hotspots.md, "Bursts").
LOCAL_HOURS, MIN_LOCAL_SCALE = 0.5, 0.01


def time_scale(hours: np.ndarray) -> float:
    """Return the hours in one time unit for reports with these times (see RATE_REF)."""
    known = hours[np.isfinite(hours)]
    if len(known) < 2:
        return 1.0
    span = max(float(np.percentile(known, 98) - np.percentile(known, 2)), 1.0)
    return float(np.clip(RATE_REF * span / len(known), MIN_SCALE, MAX_SCALE))


def local_scales(hours: np.ndarray, base: float, around: np.ndarray | None = None) -> np.ndarray:
    """Return each report's hours per time unit: RATE_REF / (reports per hour within LOCAL_HOURS of it, counted among
    ``around``, sorted times without NaN, by default ``hours`` themselves), at most base (the stream's unit,
    time_scale); base without a time."""
    ref = np.sort(hours[np.isfinite(hours)]) if around is None else around
    out = np.full(len(hours), float(base))
    known = np.isfinite(hours)
    near = np.searchsorted(ref, hours[known] + LOCAL_HOURS, "right") - np.searchsorted(ref, hours[known] - LOCAL_HOURS)
    out[known] = np.clip(RATE_REF * 2 * LOCAL_HOURS / np.maximum(near, 1), MIN_LOCAL_SCALE, base)
    return out


def pair_scale(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Return the time unit of pairs of reports with units a and b: the longer one."""
    return np.maximum(a, b)


@dataclass
class Vectors:
    """Everything pairwise evidence needs about n reports."""

    words: sp.csr_matrix
    chars: sp.csr_matrix
    places: sp.csr_matrix
    has_place: np.ndarray
    xy: np.ndarray
    hours: np.ndarray
    length: np.ndarray
    hazard: np.ndarray | None = None  # bit masks of the hazard kinds each report names (hazards.mask)

    def masks(self) -> np.ndarray:
        """Return the hazard masks (zeros for vectors made before they existed)."""
        return self.hazard if self.hazard is not None else np.zeros(len(self.length), dtype=np.int64)

    def subset(self, rows) -> "Vectors":
        """Return the vectors of some rows."""
        return Vectors(self.words[rows], self.chars[rows], self.places[rows], self.has_place[rows],
                       self.xy[rows], self.hours[rows], self.length[rows], self.masks()[rows])


def _rowdot(a, b, i, j, chunk: int = 100_000) -> np.ndarray:
    """Return the dot products of rows a[i] and b[j], pair by pair."""
    out = np.empty(len(i), dtype=np.float32)
    for s in range(0, len(i), chunk):
        e = s + chunk
        out[s:e] = np.asarray(a[i[s:e]].multiply(b[j[s:e]]).sum(axis=1)).ravel()
    return out


def stats(u: Vectors, v: Vectors | None = None, i=None, j=None) -> dict:
    """Return raw pair statistics: all pairs of u x v (dense), or the pairs (u[i], v[j])."""
    v = u if v is None else v
    if i is None:
        dot = lambda a, b: (a @ b.T).toarray()  # noqa: E731
        xa, xb = u.xy[:, None, :], v.xy[None, :, :]
        ha, hb, pa, pb = u.hours[:, None], v.hours[None, :], u.has_place[:, None], v.has_place[None, :]
        la, lb = u.length[:, None], v.length[None, :]
        ma, mb = u.masks()[:, None], v.masks()[None, :]
    else:
        dot = lambda a, b: _rowdot(a, b, i, j)  # noqa: E731
        xa, xb, ha, hb = u.xy[i], v.xy[j], u.hours[i], v.hours[j]
        pa, pb, la, lb = u.has_place[i], v.has_place[j], u.length[i], v.length[j]
        ma, mb = u.masks()[i], v.masks()[j]
    km = np.sqrt(((xa - xb) ** 2).sum(axis=-1))
    return {"sc": dot(u.chars, v.chars), "sw": dot(u.words, v.words), "sp": dot(u.places, v.places),
            "km": km, "hours": np.abs(ha - hb), "both_place": pa & pb,
            "min_len": np.minimum(la, lb), "hazard_conf": hazards.conflicts(ma, mb),
            "any_place": pa | pb, "hazard_same": hazards.shared(ma, mb), "nuisance": hazards.nuisances(ma, mb)}


def design(st: dict, time_scale=1.0) -> dict:
    """Return the model features of pair statistics (time in units of time_scale hours: one for all pairs, or an
    array of each pair's, pair_scale)."""
    known = np.isfinite(st["km"])
    km = np.where(known, np.minimum(st["km"], MAX_KM), 0.0)
    hours = np.where(np.isfinite(st["hours"]), st["hours"], UNKNOWN_HOURS * time_scale)
    both = st["both_place"].astype(np.float32)
    sp_ = np.where(st["both_place"], st["sp"], 0.0)
    short = 1.0 / (1.0 + st["min_len"] / 8.0)
    units = np.minimum(hours / time_scale, MAX_UNITS)
    sc_log = np.log(st["sc"] + 0.05)
    return {
        "sc": st["sc"], "sw": st["sw"], "sc_short": st["sc"] * short,
        "place_sim": sp_, "place_conf": both * (sp_ < 0.05),
        "geo_known": known.astype(np.float32), "geo_km": km, "geo_log": np.where(known, np.log(km + 0.05), 0.0),
        "dt_log": np.log1p(units), "hazard_conf": st["hazard_conf"],
        # log text similarity: nothing in common is strong evidence against, which a linear term cannot say
        "sc_log": sc_log, "sw_log": np.log(st["sw"] + 0.05),
        "hazard_same": st["hazard_same"], "nuisance": st["nuisance"],
        "place_none": (1.0 - st["any_place"]) * (1.0 - known),
        # ... and stronger still when the two arrive together: within minutes, nearness in time would otherwise
        # make one incident of two reports that share nothing (a crowd's unrelated reports in one bad half hour)
        "sc_log_near": sc_log * np.exp(-units),
    }


def live_logit(st: dict, time_scale=1.0) -> np.ndarray:
    """Return the log-odds that each pair reports the same incident."""
    feats = design(st, time_scale)
    z = np.full(np.shape(st["sc"]), LIVE_BIAS, dtype=np.float64)
    for name, weight in LIVE_WEIGHTS.items():
        z += weight * feats[name]
    return z


def live_probability(st: dict, time_scale=1.0) -> np.ndarray:
    """Return the probability that each pair reports the same incident."""
    return 1.0 / (1.0 + np.exp(-np.clip(live_logit(st, time_scale), -40, 40)))


def archive_similarity(st: dict) -> np.ndarray:
    """Return the topic similarity of each pair (archive mode), in [0, 1]."""
    sp_ = np.where(st["both_place"], st["sp"], 0.0)
    total = sum(ARCHIVE_WEIGHTS.values())
    return (ARCHIVE_WEIGHTS["sc"] * st["sc"] + ARCHIVE_WEIGHTS["sw"] * st["sw"] + ARCHIVE_WEIGHTS["sp"] * sp_) / total
