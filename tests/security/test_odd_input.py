"""Odd input is a 4xx with an error body, never a 500, on SQLite and PostgreSQL: a lone surrogate in any JSON body
or form, JSON nested 5,000 deep, dates near year 1 or 9999, Open311 ids beyond 64 bits, NUL characters in Open311
tokens, service codes and fields (the findings of an independent test; the fuzzer in test_fuzz.py generalises
them)."""
import json
from xml.etree import ElementTree as ET

from server.extensions import db
from server.models import Case, Report

from ..helpers import LOGIN, login, new_uuid
from ..server.test_cases_support import case_in

SURROGATE = '"\\ud800"'
DEEP_ARRAY = "[" * 5000 + "]" * 5000
DEEP_OBJECT = '{"a":' * 5000 + "1" + "}" * 5000
FAR_DATES = ["0001-01-01T00:00:00+08:00", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59-08:00",
             "9999-12-31T23:59:59Z", "0001-01-01", "9999-12-31"]


def _json_probes(case_id: int, key: str) -> list[tuple]:
    """(role, method, path, raw JSON body) with a lone surrogate, a NUL or deep nesting."""
    report = '{"client_uuid": "%s", "text": %s, "lat": 28.2, "lon": 112.9}'
    probes = [
        (None, "POST", "/api/v1/auth/login", '{"username": %s, "password": "x"}' % SURROGATE),
        (None, "POST", "/api/v1/auth/login", '{"username": "13800000001", "password": %s}' % SURROGATE),
        (None, "POST", "/api/v1/auth/register", '{"phone": "13700000001", "password": "ab\\ud800cd-1234"}'),
        ("resident", "POST", "/api/v1/reports", report % (new_uuid(), SURROGATE)),
        ("resident", "POST", "/api/v1/reports", report % (new_uuid(), '"\\udfff\\u0000"')),
        ("resident", "POST", "/api/v1/reports",
         '{"client_uuid": "%s", "text": "ok", "address": %s, "lat": 28.2, "lon": 112.9}' % (new_uuid(), SURROGATE)),
        ("resident", "POST", "/api/v1/reports", '{"client_uuid": %s, "text": "ok"}' % SURROGATE),
        ("supervisor", "POST", f"/api/v1/cases/{case_id}/actions/escalate", '{"note": %s}' % SURROGATE),
        ("dept_staff", "POST", f"/api/v1/cases/{case_id}/actions/send_back", '{"reason": "不归我们\\ud83d"}'),
        ("supervisor", "POST", f"/api/v1/cases/{case_id}/actions/dispatch", '{%s: "GAS"}' % SURROGATE),
        ("admin", "POST", "/api/v1/webhooks", '{"department": %s, "url": "https://127.0.0.1/x"}' % SURROGATE),
        ("admin", "POST", "/api/v1/webhooks", '{"department": "GAS", "url": "https://a.example/\\ud800"}'),
        ("admin", "POST", "/api/v1/apikeys", '{"name": %s}' % SURROGATE),
        ("admin", "POST", "/api/v1/apikeys", '{"name": "hotline\\u0000"}'),
        ("admin", "PUT", "/api/v1/open311/services/accident.gas_leak/attributes",
         '[{"code": "x", "datatype": "string", "description": %s}]' % SURROGATE),
        (None, "POST", f"/open311/v2/requests.json?api_key={key}",
         '{"service_code": %s, "lat": 28.2, "long": 112.9}' % SURROGATE),
        (None, "POST", f"/open311/v2/requests.json?api_key={key}",
         '{"service_code": "accident.gas_leak", "description": %s, "lat": 28.2, "long": 112.9}' % SURROGATE),
        (None, "POST", f"/open311/v2/requests.xml?api_key={key}",
         '{"service_code": "accident.electrical", "description": "a\\u0000b", "lat": 28.2, "long": 112.9}'),
        (None, "POST", f"/open311/v2/requests.json?api_key={key}",
         '{"service_code": "accident.elec\\u0000trical", "lat": 28.2, "long": 112.9}'),
        (None, "POST", f"/open311/v2/requests.json?api_key={key}",
         '{"service_code": "accident.electrical", "address_string": "\\u0000", "first_name": %s}' % SURROGATE),
    ]
    for role, path in [(None, "/api/v1/auth/login"), (None, "/api/v1/auth/register"), ("resident", "/api/v1/reports"),
                       ("supervisor", f"/api/v1/cases/{case_id}/actions/escalate"), ("admin", "/api/v1/webhooks"),
                       ("admin", "/api/v1/apikeys"), (None, f"/open311/v2/requests.json?api_key={key}")]:
        probes += [(role, "POST", path, DEEP_ARRAY), (role, "POST", path, DEEP_OBJECT)]
    return probes


def _query_probes(report_id: int, key: str) -> list[tuple]:
    """(role, method, path, form or None) with far dates, huge ids and NUL characters."""
    probes = []
    for date in FAR_DATES:
        for name in ("since", "until"):
            probes += [("supervisor", "GET", f"/api/v1/reports?{name}={date.replace('+', '%2B')}", None),
                       ("supervisor", "GET", f"/api/v1/cases?{name}={date.replace('+', '%2B')}", None)]
        for name in ("start_date", "end_date"):
            for method in ("requests", "servicerequestupdates"):
                for fmt in ("json", "xml"):
                    probes.append((None, "GET", f"/open311/v2/{method}.{fmt}?{name}={date.replace('+', '%2B')}",
                                   None))
        probes.append(("grid_worker", "GET", f"/api/v1/patrols/tasks?date={date[:10]}", None))
    for fmt in ("json", "xml"):
        probes += [
            (None, "GET", f"/open311/v2/requests/99999999999999999999999.{fmt}", None),
            (None, "GET", f"/open311/v2/requests/18446744073709551617.{fmt}", None),
            (None, "GET", f"/open311/v2/requests/4294967296.{fmt}", None),
            (None, "GET", f"/open311/v2/requests/{report_id}%00.{fmt}", None),
            (None, "GET", f"/open311/v2/requests.{fmt}?service_request_id=99999999999999999999", None),
            (None, "GET", f"/open311/v2/requests.{fmt}?service_request_id=1,18446744073709551616", None),
            (None, "GET", f"/open311/v2/requests.{fmt}?service_code=accident.gas%00leak", None),
            (None, "GET", f"/open311/v2/requests.{fmt}?status=open%00", None),
            (None, "GET", f"/open311/v2/tokens/abc%00def.{fmt}", None),
            (None, "GET", f"/open311/v2/tokens/abc%0Adef.{fmt}", None),  # no route matches: still Open311's shape
            (None, "GET", f"/open311/v2/requests/%0A.{fmt}", None),
            (None, "GET", f"/open311/v2/services/accident.gas%00leak.{fmt}", None),
            (None, "POST", f"/open311/v2/requests.{fmt}",
             {"api_key": key + "\x00", "service_code": "accident.electrical", "lat": "28.2", "long": "112.9"}),
            (None, "POST", f"/open311/v2/requests.{fmt}",
             {"api_key": key, "service_code": "accident.electrical\x00", "lat": "28.2", "long": "112.9"}),
            (None, "POST", f"/open311/v2/requests.{fmt}",
             {"api_key": key, "service_code": "accident.electrical", "description": "煤气\x00味", "lat": "28.2",
              "long": "112.9"}),
            (None, "POST", f"/open311/v2/requests.{fmt}",
             {"api_key": key, "service_code": "accident.electrical", "address_string": "人民路\x00", "email": "a@b.cn"}),
            (None, "POST", f"/open311/v2/requests.{fmt}",
             {"api_key": key, "service_code": "accident.gas_leak", "attribute[indoors]": "indoor\x00",
              "lat": "28.2", "long": "112.9"}),
        ]
    probes.append(("resident", "POST", "/api/v1/reports", {"client_uuid": new_uuid(), "text": "煤气\x00味"}))
    probes.append(("resident", "POST", "/api/v1/reports",
                   {"client_uuid": new_uuid(), "text": "ok", "occurred_at": "0001-01-01T00:00:00+08:00"}))
    probes.append((None, "POST", "/api/v1/auth/login", {"username": "admin\x00", "password": "x"}))
    return probes


def _check(response, path: str) -> str | None:
    """What is wrong with the answer to a probe (None when it is a 4xx with a proper error body)."""
    status = response.status_code
    if not 400 <= status < 500:
        return f"{status} for {path}: {response.get_data(as_text=True)[:200]}"
    if path.startswith("/open311/"):
        if ".xml" in path.split("?")[0]:
            root = ET.fromstring(response.data)
            ok = root.tag == "errors" and root.findtext("error/description")
        else:
            body = json.loads(response.data)
            ok = isinstance(body, list) and body and body[0]["code"] == status and body[0]["description"]
    else:
        body = response.get_json(silent=True) or {}
        ok = set(body) == {"code", "message", "errors"} and body["message"]
    return None if ok else f"{status} for {path} without a proper error body: {response.get_data(as_text=True)[:200]}"


def test_odd_input_is_a_4xx_with_an_error_body(app, client, city):
    from server.open311.keys import create_key
    with app.app_context():
        case_id = case_in("dispatched")
        report_id = db.session.get(Case, case_id).origin_report_id
        _, key = create_key("odd input")
        reports_before = db.session.execute(db.select(db.func.count(Report.id))).scalar_one()
    headers = {role: login(client, LOGIN[role]) for role in ("resident", "grid_worker", "dept_staff", "supervisor",
                                                             "admin")}
    headers[None] = {}
    problems = []
    for role, method, path, body in _json_probes(case_id, key):
        response = client.open(path, method=method, data=body, headers=headers[role],
                               content_type="application/json")
        problems.append(_check(response, path))
    for role, method, path, form in _query_probes(report_id, key):
        response = client.open(path, method=method, data=form, headers=headers[role])
        problems.append(_check(response, path))
    assert [p for p in problems if p] == []
    with app.app_context():
        assert db.session.execute(db.select(db.func.count(Report.id))).scalar_one() == reports_before
        assert db.session.get(Case, case_id).status == "dispatched"


def test_a_nul_or_surrogate_is_named_in_the_error(client, city):
    response = client.post("/api/v1/auth/login", data='{"username": "a\\ud800", "password": "secret-pass-1"}',
                           content_type="application/json")
    assert response.status_code == 422
    assert response.get_json()["code"] == "invalid_text" and list(response.get_json()["errors"]) == ["username"]
    deep = client.post("/api/v1/auth/login", data=DEEP_OBJECT, content_type="application/json")
    assert deep.status_code == 400 and deep.get_json()["code"] == "invalid_json"
    # A surrogate written as its own UTF-8 bytes (the parser passes it through), a NUL escaped in the password,
    # and 33 levels of arrays, just past the limit.
    for body, field in ((b'{"username": "a\xed\xa0\x80", "password": "secret-pass-1"}', "username"),
                        (b'{"username": "admin", "password": "x\\u0000y"}', "password")):
        odd = client.post("/api/v1/auth/login", data=body, content_type="application/json")
        assert odd.status_code == 422 and list(odd.get_json()["errors"]) == [field], odd.get_json()
    nested = client.post("/api/v1/auth/login", data="[" * 33 + "]" * 33, content_type="application/json")
    assert nested.status_code == 400 and nested.get_json()["code"] == "invalid_json"
    far = client.get("/api/v1/reports?since=0001-01-01T00:00:00%2B08:00", headers=login(client, LOGIN["supervisor"]))
    assert far.status_code == 422 and list(far.get_json()["errors"]) == ["since"]
    nul = client.get("/open311/v2/tokens/abc%00.json")
    assert nul.status_code == 400 and "name" in nul.get_json()[0]["description"]
