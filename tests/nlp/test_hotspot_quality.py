"""Clustering quality on the labelled dev sets: adjusted Rand index against the true incidents.

Convention: a report in no hotspot (noise) counts as a cluster of its own, and so does every true
singleton (a report of no incident). Lumping noise into one "-1" cluster would reward or punish
leaving reports out in ways that depend on how many singletons a set has.
"""

import json
from pathlib import Path

import pytest
from sklearn.metrics import adjusted_rand_score

from nlp.hotspots import cluster
from tests.data.hotspots.generate import VARIANTS, make_set

DATA = Path(__file__).resolve().parents[1] / "data" / "hotspots"
DEMO = Path(__file__).resolve().parents[2] / "server" / "demo" / "data" / "reports.json"
TARGETS = {"far": 0.95, "crowded": 0.85, "nocoords": 0.70}


def ari(reports: list[dict]) -> float:
    """Return the ARI of cluster() on reports carrying their true "incident" (None for singletons)."""
    docs = [{k: r[k] for k in ("id", "text", "lat", "lon", "created_at") if k in r} for r in reports]
    found = {m: h["id"] for h in cluster(docs) for m in h["members"]}
    truth = [r["incident"] or f"single-{r['id']}" for r in reports]
    labels = [found.get(r["id"], f"noise-{r['id']}") for r in reports]
    return adjusted_rand_score(truth, labels)


def load(variant: str) -> list[dict]:
    """Return a committed dev set."""
    return [json.loads(line) for line in (DATA / f"{variant}.jsonl").read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("variant", VARIANTS)
def test_committed_sets_are_what_the_generator_makes(variant):
    assert load(variant) == make_set(variant, 7)


@pytest.mark.parametrize("variant", VARIANTS)
def test_ari_on_committed_set(variant):
    assert ari(load(variant)) >= TARGETS[variant]


@pytest.mark.parametrize("variant", VARIANTS)
def test_ari_on_a_differently_seeded_set(variant):
    assert ari(make_set(variant, 8)) >= TARGETS[variant]


def test_ari_on_the_demo_city_reports():
    import datetime as dt

    now = dt.datetime(2025, 6, 10, tzinfo=dt.timezone.utc)
    reports = [{"id": i, "text": r["text"], "lat": r["lat"], "lon": r["lon"], "incident": r["incident"],
                "created_at": (now - dt.timedelta(hours=r["hours_ago"])).isoformat()}
               for i, r in enumerate(json.loads(DEMO.read_text(encoding="utf-8")))]
    assert ari(reports) >= 0.85
