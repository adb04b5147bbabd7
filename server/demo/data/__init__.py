"""Demo data for 示范市 (Demo City): areas, departments, users, reports."""

import json
from importlib import resources


def load(name):
    """Return the parsed JSON file ``name`` (e.g. "areas" or "areas.json") of this package."""
    if not name.endswith(".json"):
        name += ".json"
    return json.loads(resources.files(__name__).joinpath(name).read_text(encoding="utf-8"))
