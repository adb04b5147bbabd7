"""Tests for following hotspots over time: stable ids, incremental assignment, near-duplicates."""

import datetime as dt
import pickle
from collections import Counter

import pytest

from nlp.hotspots import assign, build_state, cluster, find_duplicate, match_ids
from tests.data.hotspots.generate import make_set

NOW = dt.datetime(2025, 6, 3, 12, 0)


def test_match_ids_keeps_overlapping_ids_and_mints_new_ones():
    previous = {"hs-a": {1, 2, 3, 4}, "hs-b": {5, 6, 7}, "hs-gone": {20, 21, 22}}
    clusters = [{"id": "hs-own", "members": [9, 10, 11]}, {"members": [1, 2, 3, 4, 8]}, {"members": [5, 6]},
                {"members": [2, 3, 30]}]
    ids = match_ids(previous, clusters)
    assert ids[1] == "hs-a" and ids[2] == "hs-b"  # the best overlap keeps the id ...
    assert ids[0] == "hs-own"  # ... a new cluster keeps its own id ...
    assert ids[3] not in previous and ids[3].startswith("hs-")  # ... or gets a fresh one
    assert len(set(ids)) == len(ids)
    assert match_ids({}, clusters)[0] == "hs-own" and match_ids(previous, []) == []


def test_match_ids_never_reuses_an_old_id_for_a_weak_overlap():
    ids = match_ids({"hs-a": set(range(10))}, [{"id": "hs-a", "members": [0, 50, 51, 52, 53, 54, 55, 56]}])
    assert ids != ["hs-a"]


def test_ids_are_stable_across_reclustering_with_new_reports():
    reports = make_set("far", 7)
    cut = len(reports) * 2 // 3
    first = cluster(reports[:cut])
    previous = {h["id"]: set(h["members"]) for h in first}
    second = cluster(reports)
    ids = match_ids(previous, second)
    incident = {r["id"]: r["incident"] for r in reports}
    main = lambda h: Counter(incident[m] for m in h["members"]).most_common(1)[0][0]  # noqa: E731
    before = {main(h): h["id"] for h in first}
    after = {main(h): i for h, i in zip(second, ids)}
    kept = [inc for inc in before if after.get(inc) == before[inc]]
    assert len(kept) == len(before) >= 5


@pytest.fixture(scope="module")
def state_and_held_out():
    """A state built from the crowded dev set without one late report of each incident."""
    reports = make_set("crowded", 7)
    held = {}
    for r in reports[len(reports) // 3:]:
        if r["incident"] and r["incident"] not in held:
            held[r["incident"]] = r
    base = [r for r in reports if r not in held.values()]
    hotspots = cluster(base)
    owner = {m: h["id"] for h in hotspots for m in h["members"]}
    incident_of = {}
    for r in base:
        if r["id"] in owner:
            incident_of.setdefault(owner[r["id"]], Counter())[r["incident"]] += 1
    truth = {hid: c.most_common(1)[0][0] for hid, c in incident_of.items()}
    return build_state(base, hotspots), list(held.values()), truth


def test_assign_puts_new_reports_in_their_incident(state_and_held_out):
    state, held, truth = state_and_held_out
    state = pickle.loads(pickle.dumps(state))
    right = sum(truth.get(assign(r, state)) == r["incident"] for r in held)
    assert right >= len(held) - 1


def test_assign_leaves_unrelated_reports_alone(state_and_held_out):
    state, _, _ = state_and_held_out
    far_away = {"id": "x1", "text": "公园里的健身器材坏了，螺丝都松了", "lat": 28.5, "lon": 113.3,
                "created_at": "2025-06-03T10:00:00+08:00"}
    assert assign(far_away, state) is None
    assert assign(far_away, build_state([], [])) is None


def report(rid, text, hours, lat=28.2, lon=112.95):
    """Return a report hours after NOW, at (lat, lon) (None for no position)."""
    return {"id": rid, "text": text, "created_at": NOW + dt.timedelta(hours=hours), "lat": lat, "lon": lon}


def test_find_duplicate():
    recent = [
        report(1, "桂花园小区7栋楼道里煤气味好重，像是漏气了", 0),
        report(2, "人民路下穿隧道积水好深，车子开不过去", 1, 28.25, 113.0),
        report(3, "桂花园小区7栋燃气泄漏，一股臭鸡蛋味", 2, 28.3, 113.1),  # same words, far away
    ]
    again = report(9, "桂花园7栋楼道煤气味很重，好像漏气了", 3, 28.2005, 112.9503)
    assert find_duplicate(again, recent) == 1
    assert find_duplicate(dict(again, created_at=NOW + dt.timedelta(hours=80)), recent) is None
    assert find_duplicate(report(9, "桂花园小区7栋电梯又困人了", 3), recent) is None
    assert find_duplicate(report(9, "桂花园小区12栋楼道里煤气味好重，像是漏气了", 3), recent) is None
    no_position = report(9, "桂花园小区7栋楼道里煤气味很重，怀疑漏气", 3, None, None)
    assert find_duplicate(no_position, recent) in (1, 3)
    assert find_duplicate(report(9, "丹桂苑小区7栋楼道里煤气味好重，像是漏气了", 3, None, None), recent) is None
    assert find_duplicate(again, []) is None


def test_duplicate_text_similarity_equals_sklearn_tfidf():
    """The hand-rolled char 1-3-gram TF-IDF cosine gives sklearn's numbers."""
    import random

    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    from bench.nlp.textgen import report_texts
    from nlp.hotspots.duplicates import char_similarities

    texts = [t.replace(" ", "") for t in report_texts(200)] + ["AbC井盖", "abc井盖缺失"]
    rng = random.Random(5)
    for _ in range(30):
        pool = rng.sample(texts, rng.randint(2, 25))
        vec = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True).fit_transform(pool)
        expected = (vec[1:] @ vec[0].T).toarray().ravel()
        assert np.allclose(char_similarities(pool[0], pool[1:]), expected, atol=1e-12)


def test_kept_gram_arrays_give_the_same_cosines_as_fresh_ones(monkeypatch):
    """Candidates' counts are turned into arrays once and kept; reused in other pools, evicted, or after the gram
    ids start again, the cosines are still sklearn's."""
    import random

    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    from bench.nlp.textgen import report_texts
    from nlp.hotspots import duplicates

    texts = [t.replace(" ", "") for t in report_texts(120)]
    counts = {t: duplicates._grams(t.lower()) for t in texts}  # one counts object per text, as decoded signatures
    monkeypatch.setattr(duplicates._Grams, "MAX_VECTORS", 40)
    monkeypatch.setattr(duplicates._Grams, "MAX_GRAMS", 500)
    rng = random.Random(11)
    tables = []  # the tables themselves, kept: no two can share an id()
    for _ in range(60):
        pool = rng.sample(texts, rng.randint(2, 30))
        vec = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True).fit_transform(pool)
        expected = (vec[1:] @ vec[0].T).toarray().ravel()
        got = duplicates.gram_similarities(duplicates._grams(pool[0].lower()), [counts[t] for t in pool[1:]])
        assert np.allclose(got, expected, atol=1e-12)
        if not tables or tables[-1] is not duplicates._Grams.current():
            tables.append(duplicates._Grams.current())
        assert len(duplicates._Grams.current().vectors) <= 40
    assert len(tables) > 1  # the ids started again at least once on the way
