"""The access-control matrix (access_matrix.py) run against the world, plus completeness and anonymity checks."""
import io
import re

import pytest

from server.extensions import db

from .. import media_fixtures as mf
from ..helpers import new_uuid
from .access_matrix import MATRIX
from .world import ROLES

PLACEHOLDER = re.compile(r"\{(\w+)\}")
READ_ONLY = {"GET", "HEAD"}


@pytest.fixture(scope="module")
def shared_app(world, tmp_path_factory):
    """One app on a copy of the world for the read-only requests."""
    app = world.app(tmp_path_factory.mktemp("shared"))
    yield app
    with app.app_context():
        db.engine.dispose()


def _resolve(value, ids: dict):
    """Fill world ids into a path or body."""
    if isinstance(value, str):
        whole = PLACEHOLDER.fullmatch(value)
        if whole:
            if whole.group(1) == "shipped_plans":
                from server.plans.service import shipped_plans
                return {"plans": shipped_plans()}
            return ids[whole.group(1)]
        return PLACEHOLDER.sub(lambda m: str(ids[m.group(1)]), value)
    if isinstance(value, dict):
        return {k: _resolve(v, ids) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return type(value)(_resolve(v, ids) for v in value)
    return value


def send(client, world, method: str, path: str, body, role: str):
    """Send one matrix request as a role."""
    path, body = _resolve(path, world.ids), _resolve(body, world.ids)
    headers = world.headers(role)
    if method == "POST" and (path == "/api/v1/reports" or path.endswith("/support")):
        body = {**body, "client_uuid": new_uuid()}
    if isinstance(body, tuple) and body[0] == "multipart":
        data = {**body[1], "photos": [(io.BytesIO(mf.jpeg_bytes()), "p.jpg")]}
        return client.open(path, method=method, data=data, headers=headers, content_type="multipart/form-data")
    if body is None:
        return client.open(path, method=method, headers=headers)
    return client.open(path, method=method, json=body, headers=headers)


CASES = [pytest.param(r, role, expected, id=f"{r.method} {r.path} [{role}]")
         for r in MATRIX for role, expected in zip(ROLES, r.expect)]


@pytest.fixture(scope="module")
def writable_app(world, tmp_path_factory):
    """One app for the requests that may change the world, reset to the world before each of them."""
    app = world.app(tmp_path_factory.mktemp("writes"))
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("entry, role, expected", CASES)
def test_matrix(entry, role, expected, world, shared_app, writable_app):
    if entry.method in READ_ONLY:
        app = shared_app
    else:
        app = writable_app
        world.reset(app)  # the world as built: the request may change it
    response = send(app.test_client(), world, entry.method, entry.path, entry.body, role)
    assert response.status_code == expected, (response.status_code, response.get_data(as_text=True)[:400])
    if response.status_code >= 400:
        body = response.get_json()
        assert body and {"code", "message", "errors"} <= set(body), "the one JSON error shape"


def _rules(app) -> set[tuple[str, str]]:
    """(METHOD, rule) of every API route."""
    return {(method, rule.rule) for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1")
            for method in rule.methods - {"HEAD", "OPTIONS"}}


def test_every_api_route_is_in_the_matrix(shared_app):
    covered = set()
    adapter = shared_app.url_map.bind("localhost")
    for entry in MATRIX:
        path = PLACEHOLDER.sub("1", entry.path.split("?")[0])
        rule, _ = adapter.match(path, method=entry.method, return_rule=True)
        covered.add((entry.method, rule.rule))
    missing = sorted(_rules(shared_app) - covered)
    assert not missing, f"add rows to tests/security/access_matrix.py for: {missing}"


def test_every_row_names_every_role():
    assert len(ROLES) == 9 and all(len(entry.expect) == len(ROLES) for entry in MATRIX)


# Anonymity: an anonymous report never shows its reporter to departments (nor to grid workers).

def _texts(value) -> str:
    """Every string in a JSON value, joined."""
    if isinstance(value, dict):
        return " ".join(_texts(v) for v in value.values())
    if isinstance(value, list):
        return " ".join(_texts(v) for v in value)
    return str(value) if value is not None else ""


def test_anonymous_report_hides_the_reporter_from_departments(world, tmp_path):
    app = world.app(tmp_path)
    client = app.test_client()
    ids = world.ids
    owner_view = client.get(f"/api/v1/reports/{ids['report_anon']}", headers=world.headers("owner")).get_json()
    assert owner_view["reporter"] == "张女士" and owner_view["anonymous"] is True
    for role in ("dept_routed", "grid_same"):
        report = client.get(f"/api/v1/reports/{ids['report_anon']}", headers=world.headers(role)).get_json()
        case = client.get(f"/api/v1/cases/{ids['case_anon']}", headers=world.headers(role)).get_json()
        listed = client.get("/api/v1/reports", headers=world.headers(role)).get_json()
        inbox = client.get("/api/v1/cases", headers=world.headers(role)).get_json()
        assert report["reporter"] is None
        for seen in (report, case, [r for r in listed["items"] if r["id"] == ids["report_anon"]], inbox):
            text = _texts(seen)
            for secret in ("张女士", "13800000001", "13912345678", "138****0001"):
                assert secret not in text, (role, secret)
    # Supervisors may know who it was (they arbitrate); the public-facing roles never do.
    supervisor = client.get(f"/api/v1/reports/{ids['report_anon']}", headers=world.headers("supervisor")).get_json()
    assert supervisor["reporter"] == "张女士"


def test_rating_of_an_anonymous_report_does_not_reveal_the_reporter(world, tmp_path):
    """The reporter's rating is an event on the case: departments must not see who rated."""
    from server.models import Case, Report
    app = world.app(tmp_path)
    client = app.test_client()
    ids = world.ids
    with app.app_context():  # make the closed case's report anonymous
        db.session.get(Report, ids["report_closed"]).anonymous = True
        db.session.commit()
        assert db.session.get(Case, ids["case_closed"]).status == "closed"
    rated = client.post(f"/api/v1/reports/{ids['report_closed']}/rating", json={"rating": "satisfied"},
                        headers=world.headers("owner"))
    assert rated.status_code == 201, rated.get_json()
    case = client.get(f"/api/v1/cases/{ids['case_closed']}", headers=world.headers("dept_routed")).get_json()
    assert "张女士" not in _texts(case) and "13800000001" not in _texts(case)
    rate_events = [e for e in case["events"] if e["action"] == "rate"]
    assert rate_events and all(e["actor"] == {"id": None, "name": "居民", "role": "resident"} for e in rate_events)
    supervisor = client.get(f"/api/v1/cases/{ids['case_closed']}", headers=world.headers("supervisor")).get_json()
    assert [e["actor"]["name"] for e in supervisor["events"] if e["action"] == "rate"] == ["张女士"]
