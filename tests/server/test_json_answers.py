"""JSON answers (server/web/json_provider.py): what orjson writes is what the standard encoder wrote before."""
import json
import uuid
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from server import create_app
from tests.conftest import app_config

NAIVE = datetime(2026, 12, 7, 8, 30, 15, 250000)
SHANGHAI = timezone(timedelta(hours=8))
ID = uuid.UUID("3f1c5a0e-8c2b-4d7e-9a51-0b6f2d4e8c11")


@pytest.fixture
def json_app(sqlite_url, tmp_path):
    app = create_app(app_config(sqlite_url, tmp_path))
    answers = {
        "mixed": lambda: {"when": NAIVE, "local": NAIVE.replace(tzinfo=SHANGHAI), "day": date(2026, 12, 7),
                          "amount": Decimal("12.50"), "id": ID, "counts": {3: "三级", 1: "一级"},
                          "text": "燃气泄漏", "nested": [{"z": 1, "a": None}]},
        "surrogate": lambda: {"text": "half \ud800 a pair", "n": 1},
        "huge": lambda: {"n": 2 ** 70},
    }
    for name, answer in answers.items():
        app.add_url_rule(f"/test-json/{name}", name, lambda answer=answer: answer())
    return app


def test_dates_decimals_uuids_and_int_keys_read_as_before(json_app):
    answer = json_app.test_client().get("/test-json/mixed")
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    body = answer.get_json()
    assert body["when"] == "2026-12-07T08:30:15.250000+00:00"  # naive is UTC, with its offset
    assert body["local"] == "2026-12-07T08:30:15.250000+08:00"
    assert body["day"] == "2026-12-07" and body["amount"] == "12.50" and body["id"] == str(ID)
    assert body["counts"] == {"1": "一级", "3": "三级"}
    raw = answer.get_data(as_text=True)
    assert "燃气泄漏" in raw, "Chinese is written as itself, not as \\u escapes"
    assert raw.endswith("\n") and "\n" not in raw[:-1], "compact, one line"
    assert list(json.loads(raw)) == sorted(body), "keys sorted, as Flask sorts them"
    assert raw.index('"a"') < raw.index('"z"')


def test_what_orjson_refuses_is_written_by_the_standard_encoder(json_app):
    client = json_app.test_client()
    surrogate = client.get("/test-json/surrogate")
    assert surrogate.status_code == 200
    assert json.loads(surrogate.get_data()) == {"n": 1, "text": "half \ud800 a pair"}
    huge = client.get("/test-json/huge")
    assert huge.status_code == 200 and json.loads(huge.get_data()) == {"n": 2 ** 70}


def test_answers_are_indented_when_not_compact(json_app):
    json_app.json.compact = False
    raw = json_app.test_client().get("/test-json/mixed").get_data(as_text=True)
    assert raw.startswith("{\n  \"amount\"")
    assert json.loads(raw)["when"] == "2026-12-07T08:30:15.250000+00:00"
