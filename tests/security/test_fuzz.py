"""Schemathesis against /api/v1/openapi.json on the WSGI app, signed in as each role: no 5xx, answers as documented.

One test per operation; every generated request is sent as each of the nine roles, on SQLite (the world) and on
PostgreSQL (which refuses NUL characters, out-of-range integers and over-long strings where SQLite does not).
Bounded for the suite (FUZZ_EXAMPLES per operation, default 4; FUZZ_EXAMPLES_PG, default 3); a deeper run:
``FUZZ_EXAMPLES=200 FUZZ_EXAMPLES_PG=100 pytest tests/security/test_fuzz.py``.
"""
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings

from server import create_app
from server.extensions import db

from .world import ROLES

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "4"))
EXAMPLES_PG = int(os.environ.get("FUZZ_EXAMPLES_PG", "3"))
PG_ROLES = {"owner": "13800000001", "grid_same": "grid01", "dept_routed": "gas01", "supervisor": "command01",
            "admin": "admin"}
# Signing out would revoke the role's token for the rest of the run; it has its own tests.
SKIPPED = {"POST /api/v1/auth/logout"}


def _checks():
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (content_type_conformance, response_schema_conformance,
                                                   status_code_conformance)
    return [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _operations() -> list[str]:
    """'METHOD /path' of every documented operation (the document needs no database)."""
    app = create_app({"GRIDWATCH_ENV": "test", "SQLALCHEMY_DATABASE_URI": "sqlite://", "REDIS_URL": None})
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    return [f"{method.upper()} {path}" for path, item in spec["paths"].items() for method in item
            if method in ("get", "post", "put", "patch", "delete")]


@pytest.fixture(scope="module")
def fuzz_schema(world, tmp_path_factory):
    """The schema loaded from one app on a copy of the world (the fuzzer may change it as it likes)."""
    app = world.app(tmp_path_factory.mktemp("fuzz"))
    yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    with app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("label", [op for op in _operations() if op not in SKIPPED])
def test_operation_as_every_role(label, fuzz_schema, world):
    method, path = label.split(" ", 1)
    operation = fuzz_schema[path][method]
    checks = _checks()

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
    @given(case=operation.as_strategy())
    def run(case):
        for role in ROLES:
            case.call_and_validate(headers={**(case.headers or {}), **world.headers(role)}, checks=checks)

    run()


@pytest.fixture(scope="module")
def pg_fuzz(pg_url, tmp_path_factory):
    """The schema from an app on PostgreSQL with the demo city's reference data, and tokens for five roles."""
    from ..conftest import app_config, fresh_database
    from ..helpers import PASSWORDS
    app = create_app(app_config(pg_url, tmp_path_factory.mktemp("pgfuzz"), SIGNIN_RATE_LIMIT="10000 per minute",
                                SIGNIN_FAILURE_LIMIT="10000 per minute", REGISTER_RATE_LIMIT="10000 per minute"))
    fresh_database(app)
    from server.demo.seed import seed_reference
    with app.app_context():
        seed_reference()
    client = app.test_client()
    headers = {"anonymous": {}}
    for role, name in PG_ROLES.items():
        token = client.post("/api/v1/auth/login", json={"username": name, "password": PASSWORDS[name]}
                            ).get_json()["access_token"]
        headers[role] = {"Authorization": f"Bearer {token}"}
    yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app), headers
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.mark.postgres
@pytest.mark.parametrize("label", [op for op in _operations() if op not in SKIPPED])
def test_operation_on_postgres(label, pg_fuzz):
    schema, headers = pg_fuzz
    method, path = label.split(" ", 1)
    operation = schema[path][method]
    checks = _checks()

    @settings(max_examples=EXAMPLES_PG, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
    @given(case=operation.as_strategy())
    def run(case):
        for role_headers in headers.values():
            case.call_and_validate(headers={**(case.headers or {}), **role_headers}, checks=checks)

    run()
