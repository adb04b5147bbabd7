"""Open311 GeoReport v2: an independent client (georeport) over real HTTP, POST through the intake, errors,
tokens, date and status filters, servicerequestupdates, API keys."""
import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from xml.etree import ElementTree as ET

import pytest
from georeport import GeoReport

from server.cli import cli
from server.extensions import db
from server.models import Case, Channel, Open311Request, Report
from server.tasks.queue import backend
from server.accounts.security import decrypt

from ..helpers import LOGIN, login, new_uuid
from .interop_support import live_server, open311_post, xml_errors


@pytest.fixture
def key(app, city):
    """The demo city with the shipped service attributes and one Open311 API key."""
    from server.open311.keys import create_key
    from server.open311.services import load_default_attributes
    with app.app_context():
        assert load_default_attributes() == 5
        _, plaintext = create_key("市12345热线 hotline")
    return plaintext


def _routed(app, client, key, **fields) -> int:
    """POST a request and run the pipeline; the request id."""
    response = open311_post(client, key, **fields)
    assert response.status_code == 201, response.get_data(as_text=True)
    assert backend(app).drain(timeout=120)
    return response.get_json()[0]["service_request_id"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_independent_client_lists_services_and_reads_requests(app, client, key, fmt):
    first = _routed(app, client, key)
    second = _routed(app, client, key, service_code="natural_disaster.flood_waterlogging", **{
        "attribute[indoors]": None, "attribute[depth_cm]": "35", "description": "人民路下穿通道积水很深，没过膝盖"})
    with live_server(app) as base:
        geo = GeoReport(base + "/open311/v2", output_format=fmt)
        services = {s["service_code"]: s for s in geo.get_service_list()}
        assert len(services) == 22 and "accident.gas_leak" in services
        gas = services["accident.gas_leak"]
        assert gas["service_name"] == "燃气泄漏" and gas["group"] == "事故灾难" and gas["type"] == "realtime"
        assert str(gas["metadata"]).lower() == "true" and str(services["accident.electrical"]["metadata"]).lower() \
            == "false"

        definition = geo.get_service_definition("accident.gas_leak")
        attributes = definition["attributes"] if fmt == "json" else definition["attributes"]["attribute"]
        indoors = attributes[0]
        assert indoors["code"] == "indoors" and indoors["datatype"] == "singlevaluelist"
        assert str(indoors["required"]).lower() == "true"
        values = indoors["values"] if fmt == "json" else indoors["values"]["value"]
        assert [v["key"] for v in values] == ["indoor", "outdoor"]

        requests_ = geo.get_service_requests()
        assert [int(r["service_request_id"]) for r in requests_] == [second, first], "newest first"
        gas_request = requests_[1]
        assert gas_request["status"] == "open" and gas_request["service_code"] == "accident.gas_leak"
        assert "已派发" in gas_request["status_notes"] and gas_request["agency_responsible"] == "燃气集团"
        assert "13812345678" not in gas_request["description"], "personal data is masked"
        assert datetime.fromisoformat(gas_request["requested_datetime"]).utcoffset() is not None
        assert float(gas_request["lat"]) == 28.2345 and float(gas_request["long"]) == 112.9067

        only = geo.get_service_requests(service_code="natural_disaster.flood_waterlogging")
        only = [only] if isinstance(only, dict) else only  # xmltodict gives a lone element as a dict
        assert [int(r["service_request_id"]) for r in only] == [second]

        one = geo.get_service_request(str(first))
        assert int(one["service_request_id"]) == first and one["service_name"] == "燃气泄漏"
        assert one["expected_datetime"], "the case's resolve-by deadline"


def test_xml_is_utf8_with_a_declaration_and_json_matches(app, client, key):
    request_id = _routed(app, client, key)
    xml = client.get(f"/open311/v2/requests/{request_id}.xml")
    assert xml.status_code == 200 and xml.mimetype == "text/xml" and xml.mimetype_params["charset"] == "utf-8"
    assert xml.data.startswith(b'<?xml version="1.0" encoding="utf-8"?>\n<service_requests><request>')
    item = ET.fromstring(xml.data).find("request")
    as_json = client.get(f"/open311/v2/requests/{request_id}.json").get_json()
    assert isinstance(as_json, list) and len(as_json) == 1, "a list of one"
    for field in ("service_request_id", "status", "status_notes", "service_code", "requested_datetime",
                  "updated_datetime", "expected_datetime", "agency_responsible"):
        assert item.findtext(field) == str(as_json[0][field]), field
    assert item.find("zipcode") is not None and item.findtext("zipcode") in ("", None), "empty, not missing"
    discovery = client.get("/open311/v2/discovery.xml")
    root = ET.fromstring(discovery.data)
    assert root.tag == "discovery"
    endpoint = root.find("endpoints/endpoint")
    assert endpoint.findtext("url").endswith("/open311/v2")
    assert [f.text for f in endpoint.findall("formats/format")] == ["text/xml", "application/json"]
    assert client.get("/open311/v2/discovery.json").get_json()["endpoints"][0]["specification"].endswith("GeoReport_v2")


def test_post_enters_the_same_intake_idempotently_and_reaches_a_case(app, client, key):
    own_id = new_uuid()
    first = open311_post(client, key, client_uuid=own_id, email="li@example.cn", first_name="李", phone="13900001111",
                         device_id="kiosk-7", account_id="acct-42", media_url="https://city.example/p/1.jpg")
    assert first.status_code == 201
    created = first.get_json()[0]
    assert created["account_id"] == "acct-42" and created["token"] and created["service_notice"]
    again = open311_post(client, key, client_uuid=own_id, email="li@example.cn", first_name="李",
                         phone="13900001111", device_id="kiosk-7", account_id="acct-42",
                         media_url="https://city.example/p/1.jpg")
    assert again.status_code == 200 and again.get_json()[0]["service_request_id"] == created["service_request_id"]
    changed = open311_post(client, key, client_uuid=own_id, description="另一件事：路灯不亮")
    assert changed.status_code == 409
    assert "client_uuid" in changed.get_json()[0]["description"]

    token = client.get(f"/open311/v2/tokens/{created['token']}.json").get_json()
    assert token == [{"service_request_id": created["service_request_id"], "token": created["token"]}]
    token_xml = ET.fromstring(client.get(f"/open311/v2/tokens/{created['token']}.xml").data)
    assert token_xml.findtext("request/service_request_id") == str(created["service_request_id"])

    assert backend(app).drain(timeout=120)
    with app.app_context():
        report = db.session.get(Report, created["service_request_id"])
        assert report.channel == Channel.OPEN311.value and report.category_hint == "accident.gas_leak"
        assert report.reporter.display_name.startswith("Open311：") and not report.reporter.active
        assert report.stage == "routed" and report.case_id
        case = db.session.get(Case, report.case_id)
        assert case.status == "dispatched"
        assert {d.department.code for d in case.departments if d.role == "lead"} == {"GAS"}
        extra = db.session.execute(db.select(Open311Request).where(Open311Request.report_id == report.id)).scalar_one()
        assert extra.attributes == {"indoors": "indoor"} and extra.device_id == "kiosk-7"
        assert "13900001111" not in (extra.contact_enc or ""), "contact details are encrypted at rest"
        assert json.loads(decrypt(extra.contact_enc))["phone"] == "13900001111"
    seen = client.get(f"/open311/v2/requests/{created['service_request_id']}.json").get_json()[0]
    assert seen["media_url"] == "https://city.example/p/1.jpg" and seen["status_notes"].startswith("已派发")
    supervisor = login(client, LOGIN["supervisor"])
    shown = client.get(f"/api/v1/reports/{created['service_request_id']}", headers=supervisor).get_json()
    assert shown["channel"] == "open311" and shown["case_id"] == report.case_id


def test_address_id_is_an_area_code_and_answers_without_description_make_the_text(app, client, key):
    response = open311_post(client, key, lat=None, long=None, description=None, address_id="D01-S01-C01-G01",
                            **{"attribute[people_evacuated]": "no"})
    assert response.status_code == 201, response.get_data(as_text=True)
    request_id = response.get_json()[0]["service_request_id"]
    with app.app_context():
        report = db.session.get(Report, request_id)
        assert report.lat is None and report.address  # the grid's name
        assert report.text.startswith("燃气泄漏") and "室内" in report.text and "否" in report.text
    shown = client.get(f"/open311/v2/requests/{request_id}.json").get_json()[0]
    assert shown["address_id"] == "D01-S01-C01-G01"
    by_address = open311_post(client, key, lat=None, long=None, address_string="人民路88号")
    assert by_address.status_code == 201


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_every_error_answers_the_specs_list_with_its_status(app, client, key, fmt):
    def errors(response, status):
        assert response.status_code == status, response.get_data(as_text=True)
        if fmt == "xml":
            return xml_errors(response)
        body = response.get_json()
        assert isinstance(body, list) and all(set(e) == {"code", "description"} for e in body)
        return [(str(e["code"]), e["description"]) for e in body]

    assert errors(open311_post(client, None, fmt), 403)[0][0] == "403"
    assert "api_key" in errors(open311_post(client, "gw311_wrong", fmt), 403)[0][1]
    missing = errors(open311_post(client, key, fmt, lat=None, long=None), 400)
    assert missing == [("400", "A location is required: lat and long, address_string or address_id.")]
    assert "long" in errors(open311_post(client, key, fmt, long=None), 400)[0][1]
    assert "service_code" in errors(open311_post(client, key, fmt, service_code="no.such"), 400)[0][1]
    assert "service_code" in errors(open311_post(client, key, fmt, service_code=None), 400)[0][1]
    assert "attribute[indoors]" in errors(open311_post(client, key, fmt, **{"attribute[indoors]": None}), 400)[0][1]
    assert "attribute[indoors]" in errors(open311_post(client, key, fmt, **{"attribute[indoors]": "roof"}), 400)[0][1]
    assert "attribute[colour]" in errors(open311_post(client, key, fmt, **{"attribute[colour]": "red"}), 400)[0][1]
    assert "address_id" in errors(open311_post(client, key, fmt, lat=None, long=None, address_id="X99"), 400)[0][1]
    assert "lat" in errors(open311_post(client, key, fmt, lat="91"), 400)[0][1]
    assert "email" in errors(open311_post(client, key, fmt, email="not-an-address"), 400)[0][1]
    assert errors(client.get(f"/open311/v2/requests/424242.{fmt}"), 404)[0][0] == "404"
    assert errors(client.get(f"/open311/v2/requests/abc.{fmt}"), 404)[0][0] == "404"
    assert errors(client.get(f"/open311/v2/services/no.such.{fmt}"), 404)[0][0] == "404"
    assert errors(client.get(f"/open311/v2/tokens/unknown-token.{fmt}"), 404)[0][0] == "404"
    assert errors(client.get(f"/open311/v2/requests.{fmt}?start_date=yesterday"), 400)[0][1].startswith("start_date")
    assert errors(client.get(f"/open311/v2/requests.{fmt}?status=pending"), 400)[0][1].startswith("status")
    assert errors(client.get(f"/open311/v2/nothing-here.{fmt}"), 404)[0][0] == "404"
    unknown_format = client.get("/open311/v2/services.yaml")
    assert unknown_format.status_code == 404 and xml_errors(unknown_format)[0][0] == "404", "XML, the required one"
    with app.app_context():
        assert db.session.execute(db.select(db.func.count(Report.id))).scalar() == 0, "no error stored a report"


def test_a_revoked_key_is_refused_and_the_key_records_its_last_use(app, client, key):
    from server.open311.keys import find_key, list_keys, revoke_key
    assert open311_post(client, key).status_code == 201
    with app.app_context():
        row = list_keys()[0]
        assert row.last_used_at is not None and row.prefix == key[:12]
        assert row.key_hash != key and key not in row.key_hash, "only a hash is stored"
        revoke_key(row.id)
        assert find_key(row.name).revoked_at is not None
    assert xml_errors(open311_post(client, key, "xml"))[0][0] == "403"


def _shift(app, report_id: int, days: int) -> None:
    with app.app_context():
        report = db.session.get(Report, report_id)
        report.created_at = report.created_at - timedelta(days=days)
        db.session.commit()


def test_date_window_defaults_to_90_days_and_filters_apply(app, client, key):
    old = _routed(app, client, key, description="半年前：和平街井盖丢了", service_code="accident.road_facility",
                  **{"attribute[indoors]": None, "attribute[facility]": "manhole"})
    month = _routed(app, client, key, description="上个月：桂花园小区有煤气味")
    today = _routed(app, client, key)
    _shift(app, old, 120)
    _shift(app, month, 30)

    def ids(query: str = "") -> list[int]:
        response = client.get("/open311/v2/requests.json" + query)
        assert response.status_code == 200, response.get_data(as_text=True)
        return [r["service_request_id"] for r in response.get_json()]

    assert ids() == [today, month], "the last 90 days by default"
    now = datetime.now(timezone.utc)
    start = (now - timedelta(days=125)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (now - timedelta(days=100)).strftime("%Y-%m-%dT%H:%M:%S+08:00")
    assert ids(f"?start_date={start}&end_date={end}") == [old]
    assert ids(f"?start_date={start}") == [old], "90 days from the start"
    assert ids(f"?end_date={(now - timedelta(days=20)).isoformat().replace('+00:00', 'Z')}") == [month]
    too_long = client.get(f"/open311/v2/requests.xml?start_date={start}&end_date={now.strftime('%Y-%m-%dT%H:%M:%SZ')}")
    assert too_long.status_code == 400 and "90 days" in xml_errors(too_long)[0][1]
    reversed_ = client.get(f"/open311/v2/requests.json?start_date={end}&end_date={start}")
    assert reversed_.status_code == 400
    assert ids(f"?service_request_id={old},{today}") == [today, old], "ids override the window"
    assert ids("?service_code=accident.gas_leak,accident.electrical") == [today, month]

    with app.app_context():
        case = db.session.get(Case, db.session.get(Report, month).case_id)
        case.status = "closed"
        db.session.commit()
    assert ids("?status=closed") == [month]
    assert ids("?status=open") == [today]
    assert ids("?status=open,closed") == [today, month]
    closed = client.get(f"/open311/v2/requests/{month}.json").get_json()[0]
    assert closed["status"] == "closed" and closed["status_notes"].startswith("已办结")
    assert closed["expected_datetime"] is None


def test_servicerequestupdates_lists_case_events_for_polling(app, client, key):
    request_id = _routed(app, client, key)
    response = client.get("/open311/v2/servicerequestupdates.xml")
    assert response.status_code == 200
    updates = ET.fromstring(response.data).findall("request_update")
    assert [u.findtext("external_status_code") for u in updates] == ["received", "dispatched"]
    assert {u.findtext("service_request_id") for u in updates} == {str(request_id)}
    assert updates[1].findtext("status") == "action_scheduled" and updates[1].findtext("description").startswith("派发")
    later = (datetime.now(timezone.utc) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert client.get(f"/open311/v2/servicerequestupdates.json?start_date={later}").get_json() == []
    staff = login(client, LOGIN["dept_staff"])
    with app.app_context():
        case_id = db.session.get(Report, request_id).case_id
    assert client.post(f"/api/v1/cases/{case_id}/actions/sign", json={}, headers=staff).status_code == 200
    latest = client.get("/open311/v2/servicerequestupdates.json").get_json()[-1]
    assert latest["external_status_code"] == "accepted" and latest["description"].startswith("签收")


def test_api_keys_by_admins_over_the_api_and_the_command(app, client, city):
    def post(api_key):  # no attributes are defined in this city
        return open311_post(client, api_key, **{"attribute[indoors]": None})

    admin = login(client, LOGIN["admin"])
    assert client.get("/api/v1/apikeys", headers=login(client, LOGIN["supervisor"])).status_code == 403
    created = client.post("/api/v1/apikeys", json={"name": "区政务App"}, headers=admin)
    assert created.status_code == 201
    body = created.get_json()
    assert body["key"].startswith("gw311_") and body["active"] and body["prefix"] == body["key"][:12]
    assert client.post("/api/v1/apikeys", json={"name": "区政务App"}, headers=admin).status_code == 409
    assert client.post("/api/v1/apikeys", json={}, headers=admin).status_code == 422
    listed = client.get("/api/v1/apikeys", headers=admin).get_json()
    assert [k["name"] for k in listed] == ["区政务App"] and "key" not in listed[0]
    assert post(body["key"]).status_code == 201
    revoked = client.delete(f"/api/v1/apikeys/{body['id']}", headers=admin)
    assert revoked.status_code == 200 and revoked.get_json()["revoked_at"]
    assert post(body["key"]).status_code == 403
    assert client.delete("/api/v1/apikeys/999", headers=admin).status_code == 404

    runner = app.test_cli_runner()
    result = runner.invoke(cli, ["apikey", "create", "市热线"])
    assert result.exit_code == 0, result.output
    plaintext = result.output.split()[-1]
    assert post(plaintext).status_code == 201
    listing = runner.invoke(cli, ["apikey", "list"]).output
    assert "市热线" in listing and plaintext not in listing and "revoked" in listing
    assert runner.invoke(cli, ["apikey", "revoke", "市热线"]).exit_code == 0
    assert post(plaintext).status_code == 403
    assert runner.invoke(cli, ["apikey", "revoke", "nobody"]).exit_code != 0


@pytest.mark.redis
@pytest.mark.postgres
def test_a_post_with_a_key_reaches_a_case_through_a_real_rq_worker(redis_app):
    from server.open311.keys import create_key
    with redis_app.app_context():
        _, plaintext = create_key("市12345热线")
    client = redis_app.test_client()
    response = open311_post(client, plaintext, **{"attribute[indoors]": None})
    assert response.status_code == 201, response.get_data(as_text=True)
    request_id = response.get_json()[0]["service_request_id"]
    assert redis_app.extensions["gridwatch_queue"].counts()["reports"] == 1, "enqueued like the app's reports"
    cfg = redis_app.config
    env = {**os.environ, "GRIDWATCH_ENV": "test", "DATABASE_URL": cfg["SQLALCHEMY_DATABASE_URI"],
           "REDIS_URL": cfg["REDIS_URL"], "MEDIA_ROOT": cfg["MEDIA_ROOT"], "GRIDWATCH_INSTANCE": cfg["INSTANCE_DIR"],
           "WHISPER_MODEL": cfg["WHISPER_MODEL"], "WHISPER_MODEL_DIR": cfg["WHISPER_MODEL_DIR"]}
    result = subprocess.run([sys.executable, "-m", "server.cli", "worker", "--burst", "--queues", "reports"],
                            env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    shown = client.get(f"/open311/v2/requests/{request_id}.json").get_json()[0]
    assert shown["status"] == "open" and shown["status_notes"].startswith("已派发")
    assert shown["agency_responsible"] == "燃气集团" and shown["service_notice"].startswith("案件编号 GW")


def test_characters_xml_forbids_never_reach_the_xml(app, client, key):
    """A vertical tab and a control in a report's text and a backspace in its address (from the app and from
    Open311) are dropped from XML, which strict parsers then read; JSON keeps them escaped."""
    resident = login(client, LOGIN["resident"])
    posted = client.post("/api/v1/reports", headers=resident, json={
        "client_uuid": new_uuid(), "text": "桂花园小区煤气味\x0b\x01很重\ufffe", "address": "人民路\x08 12号\uffff",
        "lat": 28.2345, "lon": 112.9067})
    assert posted.status_code == 201, posted.get_json()
    from_open311 = _routed(app, client, key, description="楼道积水\x0b\x1f严重", address_string="解放路\x08 3号")
    assert backend(app).drain(timeout=120)
    ids = [posted.get_json()["id"], from_open311]
    for path in ["/open311/v2/requests.xml", "/open311/v2/servicerequestupdates.xml"] + [
            f"/open311/v2/requests/{i}.xml" for i in ids]:
        response = client.get(path)
        assert response.status_code == 200, path
        root = ET.fromstring(response.data)  # expat: strict XML 1.0, refuses any forbidden character
        assert root.tag in ("service_requests", "service_request_updates")
    listed = {int(r.findtext("service_request_id")): r for r in ET.fromstring(client.get(
        "/open311/v2/requests.xml").data).findall("request")}
    assert listed[ids[0]].findtext("description") == "桂花园小区煤气味很重"
    assert listed[ids[0]].findtext("address") == "人民路 12号"
    assert listed[from_open311].findtext("address") == "解放路 3号"
    shown = client.get(f"/open311/v2/requests/{ids[0]}.json").get_json()[0]
    assert shown["description"] == "桂花园小区煤气味\x0b\x01很重\ufffe", "JSON carries them escaped"
