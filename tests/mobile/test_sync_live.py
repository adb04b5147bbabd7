"""The phone's core against the real server on a local port with its pipeline worker: reports go out exactly
once whatever the network does, statuses, feedback and patrols come back."""
import io
import time

import pytest

from server.models import CaseRating, PatrolItemResult, PatrolTask, Report

from .. import media_fixtures as mf
from ..helpers import PASSWORDS, LOGIN
from .conftest import Phone
from mobile.gridwatch_mobile.core.api import ApiClient
from mobile.gridwatch_mobile.core.outbox import Kind, Status

GAS = "桂花园小区7栋楼道里有很浓的煤气味"
GRID_SPOT = {"lat": 28.2345, "lon": 112.9067}  # inside the demo grid D01-S01-C01-G01


def sign_in(phone: Phone, role: str):
    phone.core.login(LOGIN[role], PASSWORDS[LOGIN[role]])


def files(tmp_path):
    photo, voice = tmp_path / "IMG_0001.jpg", tmp_path / "rec.wav"
    photo.write_bytes(mf.jpeg_with_exif())
    voice.write_bytes(mf.audio_bytes("wav"))
    return str(photo), str(voice)


def wait_for(predicate, timeout=60.0, every=0.3):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError("timed out")


def routed(phone: Phone, client_uuid: str):
    """Refresh my reports until the server has routed this one; the cached report."""
    def check():
        phone.core.refresh_reports()
        report = phone.core.reports.get(client_uuid)
        return report if report and report["stage"] in ("routed", "failed") else None
    return wait_for(check)


def test_a_report_with_photo_and_voice_is_sent_processed_and_its_status_comes_back(live, phone, tmp_path):
    sign_in(phone, "resident")
    photo, voice = files(tmp_path)
    item = phone.core.submit_report(GAS, "accident.gas_leak", address="桂花园小区7栋", photos=[photo], audio=voice,
                                    **GRID_SPOT)
    assert [e["client_uuid"] for e in phone.core.reports.entries()] == [item.client_uuid], "listed before sending"
    result = phone.core.sync_now()
    assert [i.client_uuid for i in result.sent] == [item.client_uuid]
    assert phone.core.outbox.get(item.id).last_http_status == 201
    report = routed(phone, item.client_uuid)
    assert report["stage"] == "routed" and report["case_id"]
    assert report["category"]["code"] == "accident.gas_leak"
    assert report["timeline"][-1]["stage"].startswith("case.")
    assert {m["kind"] for m in report["media"]} == {"photo", "audio"}
    assert live.count(Report, Report.client_uuid == item.client_uuid) == 1


def test_server_down_queued_then_sent_exactly_once_when_it_is_back(live, phone):
    sign_in(phone, "resident")
    offset = [0.0]
    phone.core.outbox.clock = lambda: time.time() + offset[0]
    live.stop()
    try:
        item = phone.core.submit_report("东风路地下通道积水很深，车辆熄火", lat=28.19, lon=112.98)
        for _ in range(3):  # the user keeps pressing "send now"; each failure backs off
            result = phone.core.sync_now()
            if result.retry:
                offset[0] = phone.core.outbox.get(item.id).next_attempt_at - time.time()
        row = phone.core.outbox.get(item.id)
        assert row.status == Status.FAILED_RETRYABLE.value and row.attempts == 3
        assert "network" in row.last_error
        assert live.count(Report, Report.client_uuid == item.client_uuid) == 0
    finally:
        live.start()
    offset[0] += 3600
    assert [i.id for i in phone.core.sync_now().sent] == [item.id]
    assert phone.core.sync_now().sent == []
    assert live.count(Report, Report.client_uuid == item.client_uuid) == 1


def test_a_crash_after_the_server_stored_it_resends_and_gets_the_same_report(live, phone, tmp_path):
    sign_in(phone, "resident")
    photo, _ = files(tmp_path)
    item = phone.core.submit_report("学士路小学门口护栏倒了", photos=[photo])
    assert phone.core.outbox.claim(item.id)
    status, first = phone.core.api().submit_report({**item.payload, "client_uuid": item.client_uuid},
                                                   [("photos", p) for p in item.file_paths()])
    assert status == 201  # ...and the app dies before recording it
    core = phone.reopen()
    assert core.recovered == 1 and core.outbox.get(item.id).status == Status.QUEUED.value
    core.sync_now()
    row = core.outbox.get(item.id)
    assert row.status == Status.SENT.value and row.last_http_status == 200 and row.server_id == first["id"]
    assert live.count(Report, Report.client_uuid == item.client_uuid) == 1


def test_conflict_and_validation_failures(live, phone):
    sign_in(phone, "resident")
    item = phone.core.submit_report("枫林社区有人私拉电线充电")
    other = ApiClient(live.url, phone.core.settings.token)
    other.submit_report({"client_uuid": item.client_uuid, "text": "another report under the same UUID"}, [])
    bad = phone.core.outbox.add(Kind.REPORT, {"text": "坐标不全", "lat": 28.2})
    phone.core.sync_now()
    assert phone.core.outbox.get(item.id).status == Status.CONFLICT.value
    failed = phone.core.outbox.get(bad.id)
    assert failed.status == Status.FAILED_PERMANENT.value and failed.last_http_status == 422
    new = phone.core.outbox.resend_as_new(item.id)
    phone.core.sync_now()
    assert phone.core.outbox.get(new.id).status == Status.SENT.value
    assert live.count(Report, Report.client_uuid == new.client_uuid) == 1


def test_patrol_checklist_with_a_hazard_report_reaches_the_server(live, tmp_path):
    worker = Phone(tmp_path / "grid-phone", live.url)
    sign_in(worker, "grid_worker")
    tasks = worker.core.refresh_patrol_tasks()
    task = tasks["items"][0]
    worker.network_state = "none"  # in the basement
    hazard_item = task["items"][1]
    report = worker.core.submit_report(f"【巡查】{task['place']['name']}：{hazard_item['text']}", hazard_item["category"],
                                       task["place"]["lat"], task["place"]["lon"], channel="patrol")
    for item in task["items"]:
        if item["code"] == hazard_item["code"]:
            worker.core.save_answer(task["id"], item["code"], "hazard", report_client_uuid=report.client_uuid)
        else:
            worker.core.save_answer(task["id"], item["code"], "ok")
    assert worker.core.checklist(task["id"]).complete
    results = worker.core.submit_checklist(task["id"])
    assert worker.core.sync_now().blocked == "offline" and worker.core.outbox.pending_count() == 2
    worker.network_state = "wifi"
    sent = worker.core.sync_now().sent
    assert {i.id for i in sent} == {report.id, results.id}
    fresh = worker.core.refresh_patrol_tasks()["items"][0]
    assert fresh["status"] == "done" and fresh["progress"]["hazards"] == 1
    linked = next(i for i in fresh["items"] if i["code"] == hazard_item["code"])["result"]
    assert linked["report_id"] == worker.core.outbox.get(report.id).server_id
    assert live.count(PatrolItemResult) == len(task["items"])
    assert live.count(PatrolTask, PatrolTask.status == "done") == 1
    worker.core.close()


def _act(client, headers, case_id, action, **kwargs):
    response = client.post(f"/api/v1/cases/{case_id}/actions/{action}", headers=headers, **kwargs)
    assert response.status_code == 200, response.get_json()


def _headers(client, username):
    token = client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORDS[username]})
    return {"Authorization": "Bearer " + token.get_json()["access_token"]}


def test_feedback_photos_verification_and_rating_round_trip(live, phone, tmp_path):
    sign_in(phone, "resident")
    item = phone.core.submit_report(GAS + "，请尽快处理", "accident.gas_leak", **GRID_SPOT)
    phone.core.sync_now()
    case_id = routed(phone, item.client_uuid)["case_id"]
    client = live.app.test_client()
    gas, boss = _headers(client, "gas01"), _headers(client, LOGIN["supervisor"])
    _act(client, gas, case_id, "sign", json={})
    _act(client, gas, case_id, "feedback", content_type="multipart/form-data", data={
        "measures": "关阀、更换软管", "result": "漏点已修复", "photos": [(io.BytesIO(mf.jpeg_bytes()), "fix.jpg")]})

    worker = Phone(tmp_path / "grid-phone", live.url)
    sign_in(worker, "grid_worker")
    cases = worker.core.refresh_verifications()
    case = next(c for c in cases if c["id"] == case_id)
    feedback = next(e for e in case["events"] if e["action"] == "feedback")
    assert open(feedback["attachments"][0]["local_path"], "rb").read(2) == b"\xff\xd8"
    photo, _ = files(tmp_path)
    with pytest.raises(ValueError):
        worker.core.submit_verification(case_id, True, "没有照片", [])
    worker.core.submit_verification(case_id, True, "复查无异味", [photo])
    assert worker.core.sync_now().sent
    _act(client, boss, case_id, "close", json={"note": "办结"})
    worker.core.close()

    changed = phone.core.refresh_reports()
    report = phone.core.reports.get(item.client_uuid)
    assert report["timeline"][-1]["stage"] == "case.closed"
    assert any(r["client_uuid"] == item.client_uuid and old != "case.closed" for r, old in changed)
    body = phone.core.feedback(report)
    assert body["can_rate"] and body["items"][0]["result"] == "漏点已修复"
    assert open(body["items"][0]["attachments"][0]["local_path"], "rb").read(2) == b"\xff\xd8"
    live.stop()
    try:  # offline: the cached feedback, and the rating waits in the outbox
        assert phone.core.feedback(report)["items"][0]["result"] == "漏点已修复"
        phone.core.rate(report, "basically_satisfied")
        assert phone.core.sync_now().blocked == "unreachable"
    finally:
        live.start()
    phone.core.outbox.retry_now(phone.core.outbox.items(kind="rating")[0].id)
    assert phone.core.sync_now().sent
    assert phone.core.reports.get(item.client_uuid)["local"]["rating"] == "basically_satisfied"
    assert live.count(CaseRating, CaseRating.case_id == case_id) == 1
