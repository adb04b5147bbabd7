"""Schemathesis against /api/v1/openapi.json on the WSGI app, signed in as each role: no 5xx, answers as documented;
then property-based tests of any text and any date in every JSON field, date query and Open311 input (below).

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
                                SIGNIN_FAILURE_LIMIT="10000 per minute", REGISTER_RATE_LIMIT="10000 per minute",
                                SIGNIN_ADDRESS_FAILURE_LIMIT="10000 per minute",
                                SIGNIN_ACCOUNT_FAILURE_LIMIT="10000 per minute"))
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


# --- property-based: any text and any date in every JSON field, date query and Open311 input -------------------
#
# Schemathesis above generates values that mostly fit the documented schema. These tests put what clients should
# never send, but attackers do, into every field: unicode of every category (lone surrogates, NUL, C0 and C1
# controls, U+FFFE), dates from year 1 to 9999 in every offset, integers beyond 64 bits, and wrong types, one field at
# a time or several together (the other fields keep plausible values so that the request gets past the first
# check). The property: never a 5xx; every 4xx has the error shape (the API's, or Open311's in XML or JSON); XML
# that Open311 answers always parses. Bounded for the suite (FUZZ_PROPERTY_EXAMPLES per operation, default 6);
# a deeper run: ``FUZZ_PROPERTY_EXAMPLES=300 pytest tests/security/test_fuzz.py -k property``.

import json  # noqa: E402
import re  # noqa: E402
import uuid  # noqa: E402
from datetime import datetime, timedelta, timezone  # noqa: E402
from urllib.parse import quote  # noqa: E402
from xml.etree import ElementTree as ET  # noqa: E402

from hypothesis import example  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

PROPERTY_EXAMPLES = int(os.environ.get("FUZZ_PROPERTY_EXAMPLES", "6"))
SPECIALS = ["\x00", "\ud800", "\udfff", "\ud83d", "\x0b", "\x01", "\x08", "\x7f", "\x85", "\ufffe", "\uffff",
            "\u202e", "\ufeff", "%00", "\\u0000", "'", '"', "<x/>", "&amp;", "]]>"]
ODD_TEXT = st.lists(st.one_of(st.text(st.characters(exclude_categories=()), max_size=12), st.sampled_from(SPECIALS)),
                    max_size=4).map("".join)
FORM_TEXT = ODD_TEXT.map(lambda s: re.sub("[\ud800-\udfff]", "\x00", s))  # forms carry UTF-8 bytes, not surrogates
ZONES = st.one_of(st.none(), st.sampled_from([timezone.utc, timezone(timedelta(hours=14)),
                                              timezone(timedelta(hours=-12)), timezone(timedelta(hours=8))]))
EDGE_DATES = ["0001-01-01T00:00:00+14:00", "0001-01-01T00:00:00-12:00", "9999-12-31T23:59:59-12:00",
              "9999-12-31T23:59:59.999999+14:00", "0001-01-01", "9999-12-31", "0000-01-01T00:00:00Z",
              "2026-02-30T00:00:00Z", "2026-13-01", "1969-12-31T23:59:59Z", "2200-01-01T00:00:00Z", "2026-01-01T24:00",
              "+275760-09-13T00:00:00Z", "2026-01-01T00:00:00+99:00", "2026-01-01T00:00:00\x00"]
ODD_DATE = st.one_of(
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59), timezones=ZONES)
    .map(lambda d: d.isoformat()),
    st.dates().map(lambda d: d.isoformat()), st.sampled_from(EDGE_DATES))
ODD_VALUE = st.one_of(ODD_TEXT, ODD_DATE, st.integers(min_value=-2**70, max_value=2**70), st.floats(), st.booleans(),
                      st.none(), st.lists(ODD_TEXT, max_size=3), st.dictionaries(ODD_TEXT, ODD_TEXT, max_size=2))
# Plausible values by field name, so that one odd field meets code past the first validation.
PLAUSIBLE = {"text": "楼道里煤气味很重", "lat": 28.2345, "lon": 112.9067, "long": 112.9067, "username": "command01",
             "password": "secret-pass-2026", "phone": "13700000123", "lead": "GAS", "assist": ["FIRE"],
             "reason": "不属于本单位职责", "days": 2, "approve": True, "decision": "uphold", "rating": "satisfied",
             "measures": "关阀、更换软管", "result": "漏点已修复", "public_reply": "已修复，请放心", "name": "市热线",
             "department": "GAS", "url": "https://127.0.0.1:9/hook", "service_code": "accident.gas_leak",
             "description": "楼道里煤气味很重", "address_string": "人民路12号", "email": "a@example.org",
             "category": "accident.gas_leak", "code": "indoors", "datatype": "string"}
ROLE_CHOICES = ["owner", "dept_routed", "supervisor", "admin", "grid_same", "anonymous"]


def _spec() -> dict:
    app = create_app({"GRIDWATCH_ENV": "test", "SQLALCHEMY_DATABASE_URI": "sqlite://", "REDIS_URL": None})
    return app.test_client().get("/api/v1/openapi.json").get_json()


SPEC = _spec()


def _resolve(schema: dict) -> dict:
    while "$ref" in schema:
        schema = SPEC["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _plausible(schema: dict, name: str = ""):
    """A value that fits the documented schema."""
    schema = _resolve(schema)
    if name in PLAUSIBLE:
        return PLAUSIBLE[name]
    if schema.get("enum"):
        return schema["enum"][0]
    kind, fmt = schema.get("type"), schema.get("format")
    if fmt == "uuid":
        return str(uuid.uuid4())
    if fmt == "date-time":
        return "2026-11-30T08:00:00+08:00"
    if fmt == "date":
        return "2026-11-30"
    if kind == "integer":
        return max(1, schema.get("minimum", 1))
    if kind == "number":
        return 1.0
    if kind == "boolean":
        return True
    if kind == "array":
        return [_plausible(schema.get("items", {}))]
    if kind == "object":
        return {k: _plausible(v, k) for k, v in schema.get("properties", {}).items()}
    return "测试"


def _field(schema: dict, name: str = "", depth: int = 0):
    """A strategy for one field: its plausible value, or anything odd (dates for date fields), or (for arrays and
    objects) the same one level down."""
    schema = _resolve(schema)
    odd = st.one_of(ODD_DATE, ODD_TEXT) if schema.get("format") in ("date-time", "date") else ODD_VALUE
    options = [st.just(_plausible(schema, name)), odd]
    if depth < 2 and schema.get("type") == "array":
        options.append(st.lists(_field(schema.get("items", {}), name, depth + 1), max_size=2))
    if depth < 2 and schema.get("type") == "object" and schema.get("properties"):
        options.append(_object(schema, depth + 1))
    return st.one_of(*options)


def _object(schema: dict, depth: int = 0):
    props = _resolve(schema).get("properties", {})
    return st.fixed_dictionaries({k: _field(v, k, depth) for k, v in props.items()})


def _everywhere(schema: dict, text: str | None = None, date: str | None = None):
    """The plausible body with every string field (``text``) or every date field (``date``) replaced: the explicit
    examples every run tries first, whatever the generator draws."""
    schema = _resolve(schema)
    fmt, kind = schema.get("format"), schema.get("type")
    if fmt in ("date-time", "date"):
        return date or text or _plausible(schema)
    if kind == "object":
        return {k: _everywhere(v, text, date) for k, v in schema.get("properties", {}).items()}
    if kind == "array":
        return [_everywhere(schema.get("items", {}), text, date)]
    if kind == "string" and text is not None and not schema.get("enum"):
        return text
    return _plausible(schema)


EXPLICIT_TEXTS = ["\ud800", "a\x00b", "\udfff\x0b\x01\x08\ufffe"]
EXPLICIT_DATES = ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00", "0001-01-01", "9999-12-31"]


def _explicit(run, schema: dict, where: dict, roles=("supervisor", "admin", "owner")):
    """``run`` with the explicit examples of ``_everywhere`` (as each of ``roles``)."""
    bodies = [_everywhere(schema, text=t) for t in EXPLICIT_TEXTS] + [_everywhere(schema, date=d)
                                                                       for d in EXPLICIT_DATES]
    for body in bodies:
        for role in roles:
            run = example(body=body, role=role, where=where)(run)
    return run


def _json_operations() -> list[str]:
    """'METHOD /path' of every operation taking a JSON body (signing out aside)."""
    return [f"{m.upper()} {p}" for p, item in SPEC["paths"].items() for m, op in item.items()
            if m in ("post", "put", "patch") and "application/json" in op.get("requestBody", {}).get("content", {})
            and f"{m.upper()} {p}" not in SKIPPED]


def _date_queries() -> list[tuple[str, list[str]]]:
    """(path, date query names) of every GET with date or date-time query parameters."""
    out = []
    for p, item in SPEC["paths"].items():
        names = [x["name"] for x in item.get("get", {}).get("parameters", [])
                 if x.get("in") == "query" and _resolve(x.get("schema", {})).get("format") in ("date-time", "date")]
        if names:
            out.append((p, names))
    return out


def _path_values(world) -> dict:
    ids = world.ids
    return {"case_id": [ids["case"], ids["case_fb"], ids["case_returned"], ids["case_ext"], ids["case_closed"],
                        ids["case_plan"]],
            "report_id": [ids["report"], ids["report_closed"]], "task_id": [ids["patrol_task"], ids["plan_task"]],
            "key_id": [ids["apikey"]], "hook_id": [ids["webhook"]], "delivery_id": [1],
            "attachment_id": [ids["attachment"]], "media_id": [ids["media"]], "code": ["accident.gas_leak"],
            "request_id": [ids["share_pending"], ids["share_approved"]], "credential_id": [ids["share_link_id"]]}


def _checked(response, open311: bool = False) -> None:
    """No 5xx; errors in their shape; Open311 XML well-formed."""
    text = response.get_data(as_text=True)
    assert response.status_code < 500, f"{response.status_code}: {text[:500]}"
    if open311:
        if response.content_type.startswith("text/xml"):
            root = ET.fromstring(response.data)
            assert response.status_code < 400 or (root.tag == "errors" and root.findtext("error/description"))
        elif response.status_code >= 400:
            body = json.loads(response.data)
            assert body[0]["code"] == response.status_code and body[0]["description"], text[:500]
    elif response.status_code >= 400 and response.status_code != 405:
        body = response.get_json(silent=True)
        assert body and set(body) == {"code", "message", "errors"} and body["message"], text[:500]


def _property_settings(examples: int = PROPERTY_EXAMPLES):
    return settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])


@pytest.fixture(scope="module")
def prop_app(world, tmp_path_factory):
    """An app on a copy of the world, with an Open311 key and the shipped service questions."""
    app = world.app(tmp_path_factory.mktemp("prop"))
    from server.open311.keys import create_key
    from server.open311.services import load_default_attributes
    with app.app_context():
        load_default_attributes()
        _, app.config["FUZZ_OPEN311_KEY"] = create_key("fuzz")
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize("label", _json_operations())
def test_property_any_text_or_date_in_every_json_field(label, prop_app, world):
    method, path = label.split(" ", 1)
    op = SPEC["paths"][path][method.lower()]
    body_schema = op["requestBody"]["content"]["application/json"]["schema"]
    params = [p for p in re.findall(r"{(\w+)}", path)]
    values = _path_values(world)
    client = prop_app.test_client()

    def run(body, role, where):
        url = path.format(**where)
        raw = json.dumps(body, ensure_ascii=True)  # lone surrogates travel as \\ud800 escapes
        _checked(client.open(url, method=method, data=raw, content_type="application/json",
                             headers=world.headers(role)))

    first = {p: values[p][0] for p in params}
    _property_settings()(given(body=_object(body_schema), role=st.sampled_from(ROLE_CHOICES),
                               where=st.fixed_dictionaries({p: st.sampled_from(values[p]) for p in params}))(
        _explicit(run, body_schema, first)))()


@pytest.mark.parametrize("path,names", _date_queries())
def test_property_any_date_in_every_date_query(path, names, prop_app, world):
    client = prop_app.test_client()

    @_property_settings()
    @given(dates=st.fixed_dictionaries({}, optional={n: st.one_of(ODD_DATE, ODD_TEXT) for n in names}),
           role=st.sampled_from(["supervisor", "admin", "grid_same", "owner"]))
    @example(dates={n: EXPLICIT_DATES[0] for n in names}, role="supervisor")
    @example(dates={n: EXPLICIT_DATES[1] for n in names}, role="grid_same")
    @example(dates={n: EXPLICIT_DATES[2] for n in names}, role="admin")
    @example(dates={n: EXPLICIT_DATES[3] for n in names}, role="grid_same")
    @example(dates={n: "a\x00" for n in names}, role="owner")
    def run(dates, role):
        query = "&".join(f"{k}={quote(v.encode('utf-8', 'surrogatepass'), safe='')}" for k, v in dates.items())
        _checked(client.get(f"{path}?{query}", headers=world.headers(role)))

    run()


OPEN311_FIELDS = {"service_code": "accident.gas_leak", "lat": "28.2345", "long": "112.9067",
                  "description": "楼道里煤气味很重", "address_string": "人民路12号", "address_id": None,
                  "email": None, "first_name": "张", "last_name": None, "phone": None, "device_id": None,
                  "account_id": None, "media_url": None, "jurisdiction_id": None, "client_uuid": None,
                  "attribute[indoors]": "indoor", "api_key": None}


def _open311_fields(text):
    return st.fixed_dictionaries({k: st.one_of(st.just(v), text) for k, v in OPEN311_FIELDS.items()})


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_property_open311_post_takes_any_field(fmt, prop_app):
    client = prop_app.test_client()
    key = prop_app.config["FUZZ_OPEN311_KEY"]

    @_property_settings(PROPERTY_EXAMPLES * 3)
    @given(fields=_open311_fields(st.one_of(ODD_TEXT, ODD_DATE, ODD_VALUE)), as_json=st.booleans())
    @example(fields={k: "\ud800" for k in OPEN311_FIELDS if k != "api_key"}, as_json=True)
    @example(fields={**OPEN311_FIELDS, "description": "\ud800"}, as_json=True)
    @example(fields={**OPEN311_FIELDS, "service_code": "accident.gas_leak\x00"}, as_json=True)
    @example(fields={**OPEN311_FIELDS, "description": "煤气\x00味"}, as_json=False)
    @example(fields={**OPEN311_FIELDS, "api_key": "x\x00"}, as_json=False)
    @example(fields={**OPEN311_FIELDS, "attribute[indoors]": "\ud800"}, as_json=True)
    def run(fields, as_json):
        fields = {k: v for k, v in fields.items() if v is not None}
        fields.setdefault("api_key", key)
        if as_json:
            response = client.post(f"/open311/v2/requests.{fmt}", data=json.dumps(fields, ensure_ascii=True),
                                   content_type="application/json")
        else:
            form = {k: re.sub("[\ud800-\udfff]", "\x00", v if isinstance(v, str) else json.dumps(v))
                    for k, v in fields.items()}
            response = client.post(f"/open311/v2/requests.{fmt}", data=form)
        _checked(response, open311=True)

    run()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_property_open311_reads_take_any_id_code_token_and_date(fmt, prop_app):
    client = prop_app.test_client()
    segment = st.one_of(ODD_TEXT, st.integers(min_value=-2**70, max_value=2**70).map(str), st.just("1"))

    def enc(value: str) -> str:
        return quote(value.encode("utf-8", "surrogatepass"), safe="")

    @_property_settings(PROPERTY_EXAMPLES * 3)
    @given(method=st.sampled_from(["requests/{}", "tokens/{}", "services/{}"]), value=segment,
           query=st.fixed_dictionaries({}, optional={
               "start_date": st.one_of(ODD_DATE, ODD_TEXT), "end_date": st.one_of(ODD_DATE, ODD_TEXT),
               "service_request_id": segment, "service_code": ODD_TEXT, "status": ODD_TEXT}),
           listing=st.sampled_from(["requests", "servicerequestupdates"]))
    @example(method="requests/{}", value="99999999999999999999999", listing="requests",
             query={"service_request_id": "18446744073709551617", "start_date": EXPLICIT_DATES[0]})
    @example(method="tokens/{}", value="a\nb", listing="requests", query={})
    @example(method="tokens/{}", value="abc\x00", listing="servicerequestupdates",
             query={"end_date": EXPLICIT_DATES[1]})
    @example(method="services/{}", value="accident.gas_leak\x00", listing="requests",
             query={"service_code": "a\x00", "end_date": EXPLICIT_DATES[2]})
    def run(method, value, query, listing):
        _checked(client.get(f"/open311/v2/{method.format(enc(value))}.{fmt}"), open311=True)
        args = "&".join(f"{k}={enc(v)}" for k, v in query.items())
        _checked(client.get(f"/open311/v2/{listing}.{fmt}?{args}"), open311=True)

    run()
