"""Follow-up reports: a resident asking after an incident already reported ("还没人来修", "今晚又开始了", "抢修车来了没").

Such a report is short and names neither the place nor, often, the hazard: its words match no cluster well enough to
join one, so it would be left out of the incident it asks about. ``attach`` gives it the incident under way at its time
that it matches best, when it names no place and has no position.
"""

import re

import numpy as np
import scipy.sparse as sp

from nlp.hotspots.refine import membership

# Words that ask after something already known: still, again, more and more, not yet, has anyone come, worse than.
MARKERS = re.compile(
    r"还(?:没|未|在|是|有)|又|再次|越来越|更(?!换|新|改|正)|仍|依然|依旧|至今|到现在|迟迟|一直没|了没|到没到|有人管吗|"
    r"比.{1,4}(?:还|更)")
# Longer reports carry their own context (place, hazard) and are clustered on it.
MAX_CHARS = 30
# An incident is under way at a report's time when one of its reports came before it, at most this many hours before.
OPEN_HOURS = 48.0
# The least mean pair probability to the incident's members at which a follow-up joins it.
FLOOR = 0.05


def is_follow_up(text: str) -> bool:
    """Tell whether a report reads as a short question or complaint about something already reported."""
    text = (text or "").strip()
    return 0 < len(text) <= MAX_CHARS and bool(MARKERS.search(text))


def under_way(member_hours: np.ndarray, hour: float, open_hours: float = OPEN_HOURS) -> bool:
    """Tell whether an incident with members at ``member_hours`` is under way at ``hour``: one of them came before it,
    at most ``open_hours`` before."""
    before = member_hours[member_hours <= hour]
    return bool(len(before)) and hour - before.max() <= open_hours


def attach(prob, labels: np.ndarray, follow: np.ndarray, hours: np.ndarray, words: list, hazards: np.ndarray,
           floor: float = FLOOR, open_hours: float = OPEN_HOURS) -> np.ndarray:
    """Return labels with each left-out report marked in ``follow`` given, among the clusters under way at its time
    that it has something in common with (a token of ``words``, one sequence per report, or a hazard bit of
    ``hazards`` that one of their members has), the one of highest mean pair probability ``prob`` when that mean
    reaches ``floor``. An unrelated grumble with a 又 in it (物业费又乱涨了) shares nothing with a gas leak's reports
    and stays out. The clusters are those of ``labels``; the reports attached do not change them for one another."""
    labels = np.asarray(labels).copy()
    rows = np.flatnonzero((labels < 0) & follow & np.isfinite(hours))
    ids, _, member, size = membership(labels)
    if not len(rows) or not len(ids):
        return labels
    by_cluster = member.T.tocsr()  # row c: the members of cluster c
    mean = sp.coo_matrix(sp.csr_matrix(prob[rows]) @ member / size)  # only the clusters the row has evidence with
    order = np.lexsort((-mean.data, mean.row))
    seen = {}

    def cluster_of(c: int):
        if c not in seen:
            rows_c = by_cluster.indices[by_cluster.indptr[c]:by_cluster.indptr[c + 1]]
            seen[c] = (hours[rows_c], set().union(*(words[m] for m in rows_c)),
                       int(np.bitwise_or.reduce(hazards[rows_c])))
        return seen[c]

    chosen = {}
    for k in order:
        r, c = rows[mean.row[k]], mean.col[k]
        if r in chosen or mean.data[k] < floor:
            continue
        member_hours, vocab, kinds = cluster_of(c)
        if under_way(member_hours, hours[r], open_hours) and (set(words[r]) & vocab or int(hazards[r]) & kinds):
            chosen[r] = ids[c]
    for r, c in chosen.items():
        labels[r] = c
    return labels
