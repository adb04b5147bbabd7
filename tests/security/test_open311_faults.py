"""Open311 while PostgreSQL is down: a 503 in the spec's error shape (XML or JSON), as the API answers, and the
endpoint recovers on its own. A private PostgreSQL server is started for this module (the shared one is never
touched)."""
import json
from xml.etree import ElementTree as ET

import pytest

from server import create_app
from server.extensions import db

from ..conftest import app_config, fresh_database
from . import services

pytestmark = pytest.mark.skipif(services.missing_reason() is not None, reason=services.missing_reason() or "")
PATHS = ["/open311/v2/services.json", "/open311/v2/services.xml", "/open311/v2/services/accident.gas_leak.json",
         "/open311/v2/requests.json", "/open311/v2/requests.xml", "/open311/v2/requests/1.xml",
         "/open311/v2/tokens/abc.json", "/open311/v2/servicerequestupdates.json",
         "/open311/v2/servicerequestupdates.xml"]


@pytest.fixture(scope="module")
def private_pg():
    server = services.PrivatePostgres()
    yield server
    server.destroy()


def _errors(response) -> list[tuple[int, str]]:
    """(code, description) of an Open311 error body in either format."""
    if response.content_type.startswith("text/xml"):
        root = ET.fromstring(response.data)
        assert root.tag == "errors"
        return [(int(e.findtext("code")), e.findtext("description")) for e in root.findall("error")]
    return [(e["code"], e["description"]) for e in json.loads(response.data)]


def test_open311_answers_503_while_postgres_is_down_and_recovers(private_pg, tmp_path):
    app = create_app(app_config(private_pg.url, tmp_path))
    fresh_database(app)
    from server.demo.seed import seed_reference
    from server.open311.keys import create_key
    with app.app_context():
        seed_reference()
        _, key = create_key("hotline")
    client = app.test_client()
    assert client.get("/open311/v2/requests.json").status_code == 200
    post = {"api_key": key, "service_code": "accident.electrical", "lat": "28.2", "long": "112.9",
            "description": "学士路小学门口电线垂下来了"}
    private_pg.stop()
    try:
        for path in PATHS:
            response = client.get(path)
            assert response.status_code == 503, (path, response.get_data(as_text=True)[:300])
            assert _errors(response) == [(503, "The database is unavailable; try again shortly.")], path
        for fmt in ("json", "xml"):
            response = client.post(f"/open311/v2/requests.{fmt}", data=post)
            assert response.status_code == 503 and _errors(response)[0][0] == 503, response.get_data(as_text=True)
        api = client.get("/api/v1/categories")
        assert api.status_code == 503 and api.get_json()["code"] == "database_unavailable"
    finally:
        private_pg.start()
    for path in PATHS[:5]:
        assert client.get(path).status_code == 200, path
    created = client.post("/open311/v2/requests.json", data=post)
    assert created.status_code == 201, created.get_data(as_text=True)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
