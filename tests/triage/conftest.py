"""Fixtures for the learned classifier: the committed routing sample and a model trained on it."""
import csv
from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "routing_sample.csv"


@pytest.fixture(scope="session")
def routing_sample() -> dict[str, list[dict]]:
    """The sample's rows by form: 'segmented' (training text) and 'raw' (messages as they arrive)."""
    with SAMPLE.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return {form: [r for r in rows if r["form"] == form] for form in ("segmented", "raw")}


@pytest.fixture(scope="session")
def sample_model(routing_sample):
    """A model trained on the sample's segmented rows (a couple of seconds)."""
    from triage.learn import train

    rows = routing_sample["segmented"]
    return train([r["text"] for r in rows], [r["label"] for r in rows])
