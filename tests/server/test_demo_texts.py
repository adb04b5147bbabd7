"""The demo's hand-written report texts: a data file build_city.py reads, with known keys and real categories."""
import json
from pathlib import Path

from server.demo.data.report_texts import INCIDENTS, SINGLETONS
from triage.taxonomy import load_default

DATA = Path(__file__).resolve().parents[2] / "server" / "demo" / "data"
REPORT_KEYS = {"text", "cat", "ch", "anon", "coords", "addr", "photo", "voice", "who", "t"}
CHANNELS = {"app", "web", "hotline", "patrol"}


def all_reports():
    """Every hand-written report, incidents' first."""
    return [r for inc in INCIDENTS for r in inc["reports"]] + SINGLETONS


def test_incidents_have_an_anchor_a_window_and_reports():
    ids = [inc["id"] for inc in INCIDENTS]
    assert len(ids) == len(set(ids)) > 0
    for inc in INCIDENTS:
        assert set(inc) <= {"id", "title", "landmark", "offset_m", "start_hours_ago", "span_hours", "reports"}
        assert inc["title"] and inc["landmark"] and inc["span_hours"] > 0 and inc["reports"]
        assert set().union(*inc["reports"]) <= REPORT_KEYS, inc["id"]


def test_singletons_are_placed_by_a_landmark_or_a_grid():
    for spec in SINGLETONS:
        assert set(spec) <= REPORT_KEYS | {"landmark", "grid", "hours_ago"}, spec["text"]
        assert ("landmark" in spec) != ("grid" in spec), spec["text"]


def test_reports_name_real_categories_and_channels():
    taxonomy = load_default()
    for spec in all_reports():
        assert spec["text"].strip()
        assert spec.get("ch", "app") in CHANNELS, spec["text"]
        assert "cat" not in spec or taxonomy.subcategory(spec["cat"]) is not None, spec["cat"]


def test_the_generated_demo_reports_come_from_these_texts():
    generated = [r["text"] for r in json.loads((DATA / "reports.json").read_text(encoding="utf-8"))]
    assert [spec["text"] for spec in all_reports()] == generated[:len(all_reports())]
