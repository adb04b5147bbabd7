"""Refinement: a report that names no place and has no position joins the incident nearest in time."""

import numpy as np

from nlp.hotspots.refine import refine


def _scene():
    """Two clusters of four (0-3 at hours 0-1.5, 4-7 at hours 5-6.5) and report 8 at hour 5.2: its words match
    cluster 0-3 better (mean probability 0.6 against 0.4), its time is within cluster 4-7's."""
    n = 9
    prob = np.full((n, n), 0.02)
    for block in (range(0, 4), range(4, 8)):
        for i in block:
            for j in block:
                prob[i, j] = 0.9
    prob[8, :4] = prob[:4, 8] = 0.6
    prob[8, 4:8] = prob[4:8, 8] = 0.4
    np.fill_diagonal(prob, 1.0)
    hours = np.array([0.0, 0.5, 1.0, 1.5, 5.0, 5.5, 6.0, 6.5, 5.2])
    labels = np.array([0, 0, 0, 0, 1, 1, 1, 1, -1])
    return prob, labels, hours


def test_a_report_without_place_or_position_joins_the_cluster_nearest_in_time():
    prob, labels, hours = _scene()
    unplaced = np.zeros(9, dtype=bool)
    unplaced[8] = True
    out = refine(prob, labels, min_size=3, unplaced=unplaced, hours=hours)
    assert out[8] == out[4] != out[0]


def test_a_report_naming_its_place_keeps_the_cluster_its_evidence_favours():
    prob, labels, hours = _scene()
    out = refine(prob, labels, min_size=3, unplaced=np.zeros(9, dtype=bool), hours=hours)
    assert out[8] == out[0] != out[4]


def test_time_decides_only_among_clusters_the_report_may_join():
    prob, labels, hours = _scene()
    prob[8, 4:8] = prob[4:8, 8] = 0.05  # below the assignment threshold: cluster 4-7 is not a candidate
    unplaced = np.zeros(9, dtype=bool)
    unplaced[8] = True
    out = refine(prob, labels, min_size=3, unplaced=unplaced, hours=hours)
    assert out[8] == out[0]


def test_a_report_without_a_time_keeps_the_cluster_its_evidence_favours():
    prob, labels, hours = _scene()
    hours[8] = np.nan
    unplaced = np.zeros(9, dtype=bool)
    unplaced[8] = True
    out = refine(prob, labels, min_size=3, unplaced=unplaced, hours=hours)
    assert out[8] == out[0]


def test_the_cross_validation_settings_reach_refine_by_name():
    import inspect

    from bench.nlp.hotspot_fit import settings
    from nlp.hotspots import refine as module

    before = inspect.signature(module.refine).parameters
    with settings({}, 0.0, merge=0.3, assign=0.4, size_power=0.5):
        inside = inspect.signature(module.refine).parameters
        assert (inside["merge"].default, inside["assign"].default, inside["size_power"].default) == (0.3, 0.4, 0.5)
        assert inside["min_size"].default == before["min_size"].default
        assert inside["unplaced"].default is None and inside["hours"].default is None
    after = inspect.signature(module.refine).parameters
    assert {k: p.default for k, p in after.items()} == {k: p.default for k, p in before.items()}
