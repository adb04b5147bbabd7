"""Large issues over an archive: one estate's (school's, site's) many complaints form one parent hotspot.

On a message board, residents of one estate write about its smoke, its noise and its late-night stalls in
separate threads; topic clustering finds each sub-topic, while a supervisor sees one issue. Clusters whose
members mostly (MAJORITY) name the same specific place (an estate, a school, a site: not a road or a
district) merge into one parent, and reports left out of every cluster that name that place in their head
join it; min_size or more left-out reports naming one such place form a parent of their own. The
sub-clusters are kept as the parent's topics.
"""

from collections import Counter

import numpy as np

from nlp.hotspots import placenames
from nlp.hotspots.split import canonical

MAJORITY = 0.5
SUFFIXED = 0.3
GENERIC_SUFFIXES = 3


def specific_places(display_names: list) -> list[list[str]]:
    """Return, per report, the cores of the specific places it names (estate, school, site), first first.

    A core is specific when at least SUFFIXED of its mentions carry an estate, school or site suffix (魅力之城
    counts when a third write 魅力之城小区; 政府, once written 政府广场, does not). A core written before
    GENERIC_SUFFIXES or more different suffixes (实验小学, 实验中学, 实验幼儿园) is a kind, not a name.
    """
    seen, suffixed, kinds = Counter(), Counter(), {}
    for found in display_names:
        for core, written in found:
            seen[core] += 1
            suffixed[core] += placenames.specificity(written) == 2
            kinds.setdefault(core, set()).add(written[len(core):])
    specific = {c for c in seen if suffixed[c] >= SUFFIXED * seen[c] and c not in placenames.SUFFIXES
                and len(kinds[c] - {""}) < GENERIC_SUFFIXES}
    return canonical([[core for core, _ in found if core in specific] for found in display_names])


def merge(labels: np.ndarray, places: list[list[str]], min_size: int) -> tuple[np.ndarray, dict]:
    """Return (labels with same-place clusters merged and same-place noise attached, {parent: [child labels]})."""
    labels = np.asarray(labels).copy()
    owner = {}
    for label in np.unique(labels[labels >= 0]):
        members = np.flatnonzero(labels == label)
        named = Counter(p[0] for p in (places[i] for i in members) if p)
        if named:
            place, count = named.most_common(1)[0]
            if count >= MAJORITY * len(members):
                owner.setdefault(place, []).append(int(label))
    left = Counter(p[0] for i, p in enumerate(places) if p and labels[i] == -1 and p[0] not in owner)
    fresh = int(labels.max(initial=-1)) + 1
    for place, count in left.items():  # many left-out reports about one place are an issue of their own
        if count >= min_size:
            owner[place] = [fresh]
            fresh += 1
    topics = {}
    for place, group in owner.items():
        parent = min(group)
        labels[np.isin(labels, group)] = parent
        noise = [i for i in np.flatnonzero(labels == -1) if places[i] and places[i][0] == place]
        labels[noise] = parent
        if len(group) > 1:
            topics[parent] = group
    for group in owner.values():  # a place's parent must still be large enough
        parent = min(group)
        if (labels == parent).sum() < min_size:
            labels[labels == parent] = -1
    return labels, topics
