"""Schemathesis against /api/v1/openapi.json on the WSGI app, signed in as each role: no 5xx, answers as documented.

One test per operation; every generated request is sent as each of the nine roles. Bounded for the suite
(FUZZ_EXAMPLES per operation, default 4); a deeper run: ``FUZZ_EXAMPLES=200 pytest tests/security/test_fuzz.py``.
"""
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings

from server import create_app
from server.extensions import db

from .world import ROLES

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "4"))
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
