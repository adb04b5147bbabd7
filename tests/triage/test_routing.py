"""Tests for triage.routing.route."""

import json
from importlib import resources

from triage.routing import route
from triage.taxonomy import from_dict, load_default


def test_default_routes():
    tax = load_default()
    assert route(tax, "accident.gas_leak") == ("GAS", ["FIRE", "STREET"])
    assert route(tax, "accident.special_equipment", "430104") == ("MARKET", ["FIRE"])
    assert route(tax, "social_security.dispute") == ("STREET", ["POLICE"])


def test_unknown_category_goes_to_command():
    tax = load_default()
    assert route(tax, "nope.nothing") == ("COMMAND", [])
    assert route(tax, None) == ("COMMAND", [])
    assert route(tax, "accident") == ("COMMAND", [])


def test_district_override():
    data = json.loads(resources.files("triage").joinpath("data", "taxonomy.json").read_text("utf-8"))
    road = next(s for c in data["classes"] for s in c["subcategories"] if s["code"] == "road_facility")
    road["overrides"] = {
        "430104": {"lead": "TRANSPORT", "assist": ["URBAN", "STREET", "TRANSPORT"]},
        "430105": {"lead": "WATER"},
    }
    tax = from_dict(data)
    assert route(tax, "accident.road_facility") == ("URBAN", ["TRANSPORT"])
    assert route(tax, "accident.road_facility", "430104") == ("TRANSPORT", ["URBAN", "STREET"])
    # An override without "assist" keeps the default assists.
    assert route(tax, "accident.road_facility", "430105") == ("WATER", ["TRANSPORT"])
    assert route(tax, "accident.road_facility", "999999") == ("URBAN", ["TRANSPORT"])
