"""Split a live cluster that holds two incidents: two acute hazards, or one hazard at two named places.

A flood and a missing manhole cover on one street, or gas smells in two estates 800 m apart, are two
incidents however similar their reports read. A cluster is split when at least min_size of its members name
one acute hazard (or one place) and at least min_size others name another, and no member names both (a
report naming both places says they are one matter). Members naming neither join the part they match best
on average. Nuisances of one development (noise, dust, trucks) are never split by kind.
"""

from collections import Counter

import numpy as np
import scipy.sparse as sp

from nlp.hotspots import hazards
from nlp.hotspots.placenames import SUFFIXES


def primary_hazard(mask: int) -> str | None:
    """Return the one acute hazard a report names, or None (none, or several)."""
    acute = [k for k in hazards.kinds_of(mask) if hazards.KINDS[k][1] == "acute"]
    return acute[0] if len(acute) == 1 else None


def _parts(members: np.ndarray, keys: list, named: list, min_size: int) -> dict | None:
    """Return {key: member rows} when two or more keys each hold min_size members and none co-occur."""
    counts = Counter(keys[i] for i in members if keys[i] is not None)
    big = [k for k, n in counts.items() if n >= min_size]
    if len(big) < 2:
        return None
    if any(sum(k in named[i] for k in big) > 1 for i in members):
        return None
    return {k: np.array([i for i in members if keys[i] == k]) for k in big}


def _distinct(parts: dict | None) -> dict | None:
    """Return place parts only when no two names may be one place's spellings (东方厂, 东方涂料厂: same start)."""
    if parts is None:
        return None
    names = list(parts)
    related = any(a[:2] == b[:2] or a in b or b in a for i, a in enumerate(names) for b in names[i + 1:])
    return None if related else parts


def _attach(prob, members: np.ndarray, parts: dict) -> dict:
    """Return the parts with every other member added to the part of highest mean probability."""
    placed = set(np.concatenate(list(parts.values())).tolist())
    rest = [i for i in members if i not in placed]
    if not rest:
        return parts
    groups = list(parts)
    cols = np.concatenate([parts[g] for g in groups])
    block = prob[rest][:, cols]
    block = block.toarray() if sp.issparse(block) else np.asarray(block)
    edges = np.cumsum([0] + [len(parts[g]) for g in groups])
    means = np.column_stack([block[:, edges[k]:edges[k + 1]].mean(axis=1) for k in range(len(groups))])
    out = {g: list(parts[g]) for g in groups}
    for r, i in enumerate(rest):
        out[groups[int(np.argmax(means[r]))]].append(i)
    return {g: np.array(v) for g, v in out.items()}


def canonical(places: list) -> list:
    """Return each report's names with a longer spelling of a name folded into it (银华家园, 银华 -> 银华).

    A name folds into a shorter one it starts with when the rest is a place suffix (家园, 公寓, 雅居): 中建梅溪
    does not fold into 中建.
    """
    names = sorted({n for p in places for n in p}, key=len)
    short = {n: next((m for m in names if len(m) < len(n) and n.startswith(m) and _suffix_rest(n[len(m):])), n)
             for n in names}
    return [list(dict.fromkeys(short[n] for n in p)) for p in places]


def _suffix_rest(rest: str) -> bool:
    """Tell whether what follows a name is a place suffix (or ends with one)."""

    return any(rest.endswith(s) for s in SUFFIXES)


def split(prob, labels: np.ndarray, masks: np.ndarray, places: list, min_size: int = 3) -> np.ndarray:
    """Return labels with clusters holding two hazards or two named places split (see the module docstring).

    masks: hazard bit masks of the reports; places: the place names each report mentions, first one first.
    """
    labels = np.asarray(labels).copy()
    kinds = [primary_hazard(int(m)) for m in masks]
    kind_sets = [set(hazards.kinds_of(int(m))) for m in masks]
    places = canonical(places)
    first = [p[0] if p else None for p in places]
    place_sets = [set(p) for p in places]
    next_label = int(labels.max(initial=-1)) + 1
    todo = [int(x) for x in np.unique(labels[labels >= 0])]
    while todo:
        label = todo.pop()
        members = np.flatnonzero(labels == label)
        parts = _parts(members, kinds, kind_sets, min_size) or _distinct(
            _parts(members, first, place_sets, min_size))
        if parts is None:
            continue
        for k, rows in enumerate(_attach(prob, members, parts).values()):
            if k:
                labels[rows] = next_label
                todo.append(next_label)
                next_label += 1
        todo.append(label)
    return labels
