"""The pipeline in the embedded default: stages, failures, the sweeper."""
import io
from datetime import timedelta

import pytest

from server.extensions import db
from server.models import Case, CaseEvent, Report, verify_chain
from server.models.types import utcnow
from server.pipeline import stages
from server.tasks.queue import backend
from server.pipeline.sweeper import sweep

from .. import media_fixtures as mf
from ..helpers import LOGIN, login, new_uuid

GAS = "桂花园小区7栋楼道里好大一股煤气味，像是哪家漏气了"


def _post(client, headers, text=GAS, photos=(), audio=None, **fields):
    data = {"client_uuid": new_uuid(), "text": text, **fields}
    if photos:
        data["photos"] = [(io.BytesIO(p), "p.jpg") for p in photos]
    if audio is not None:
        data["audio"] = (io.BytesIO(audio), "v.m4a")
    response = client.post("/api/v1/reports", data=data, headers=headers, content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_text_photo_voice_report_reaches_routed_with_a_case(client, app, city):
    resident = login(client, LOGIN["resident"])
    report = _post(client, resident, photos=[mf.jpeg_with_exif()], audio=mf.audio_bytes("m4a"),
                   lat="28.2345", lon="112.9067")
    assert backend(app).drain(timeout=120)
    seen = client.get(f"/api/v1/reports/{report['id']}", headers=resident).get_json()
    assert seen["stage"] == "routed" and seen["case_id"]
    stages_seen = [e["stage"] for e in seen["timeline"]]
    assert stages_seen[:4] == ["received", "transcribed", "analysed", "routed"]
    assert "case.dispatched" in stages_seen[4:], "the reporter follows the case too"
    assert "transcription_unavailable" in seen["flags"], "no Whisper model in tests → flagged, still routed"
    assert seen["transcripts"][0]["status"] == "unavailable"
    assert seen["grid"]["code"].startswith("D01") and seen["category"]["code"] == "accident.gas_leak"
    with app.app_context():
        case = db.session.get(Case, seen["case_id"])
        assert case.status == "dispatched" and case.origin_report_id == report["id"]
        assert {d.department.code for d in case.departments if d.role == "lead"} == {"GAS"}
        assert verify_chain(case.events)


def test_gas_leak_is_visible_to_the_gas_department_after_routing(client, app, city):
    report = _post(client, login(client, LOGIN["resident"]))
    staff = login(client, LOGIN["dept_staff"])
    assert client.get(f"/api/v1/reports/{report['id']}", headers=staff).status_code == 404
    backend(app).drain()
    assert client.get(f"/api/v1/reports/{report['id']}", headers=staff).status_code == 200
    from server.accounts.service import create_user
    with app.app_context():
        create_user(username="edu01", role="dept_staff", password="edu-pass-2026", department="EDUCATION")
    token = client.post("/api/v1/auth/login", json={"username": "edu01", "password": "edu-pass-2026"}).get_json()
    other = {"Authorization": "Bearer " + token["access_token"]}
    assert client.get(f"/api/v1/reports/{report['id']}", headers=other).status_code == 404


def test_place_named_in_text_gives_a_grid_without_coordinates(client, app, city):
    report = _post(client, login(client, LOGIN["resident"]), text="桂花园社区第一网格这边有个井盖不见了")
    backend(app).drain()
    with app.app_context():
        row = db.session.get(Report, report["id"])
        assert row.grid is not None and row.grid.code == "D01-S01-C01-G01"
        assert row.keywords and row.tokens


def test_a_failing_stage_retries_then_records_failed_with_reason(client, app, city, monkeypatch):
    calls = []

    def broken(report):
        calls.append(report.id)
        raise RuntimeError("routing table unreachable")

    monkeypatch.setattr("server.pipeline.stages._open_or_join", broken)
    report = _post(client, login(client, LOGIN["resident"]))
    backend(app).drain(timeout=30)
    with app.app_context():
        row = db.session.get(Report, report["id"])
        assert row.stage == "failed" and "routing table unreachable" in row.stage_reason
        assert row.attempts == app.config["PIPELINE_MAX_ATTEMPTS"] == len(calls)
        assert row.tokens is None, "a text-only report's stages commit together, so the failure undid the analysis"
        assert db.session.execute(db.select(db.func.count()).select_from(Case)).scalar_one() == 0


def test_running_the_job_twice_makes_one_case(client, app, city):
    from server.pipeline.jobs import process_report
    report = _post(client, login(client, LOGIN["resident"]))
    with app.app_context():
        assert process_report(report["id"]) == "routed"
        assert process_report(report["id"]) == "routed"
        assert db.session.execute(db.select(db.func.count()).select_from(Case)).scalar_one() == 1
        assert db.session.execute(db.select(db.func.count()).select_from(CaseEvent)).scalar_one() == 2


def test_sweeper_enqueues_reports_whose_processing_never_started(client, app, city):
    resident = login(client, LOGIN["resident"])
    report = _post(client, resident)
    queue = backend(app)
    queue.drain()  # the first report is done
    from server.reports.intake import accept_report
    with app.app_context():  # accepted while the queue was unreachable: stored, never enqueued
        user = db.session.get(Report, report["id"]).reporter
        lost, _ = accept_report(user, {"client_uuid": new_uuid(), "text": "路口井盖缺失", "channel": "app",
                                       "category_hint": None, "lat": None, "lon": None, "address": None,
                                       "occurred_at": None, "anonymous": False}, [], None)
        lost_id = lost.id
        assert sweep(grace_seconds=0) == 1
        assert sweep(grace_seconds=0) == 0, "already queued: not enqueued twice"
    queue.drain()
    with app.app_context():
        assert db.session.get(Report, lost_id).stage == "routed"


def test_unclear_report_goes_to_manual_dispatch(client, app, city):
    report = _post(client, login(client, LOGIN["resident"]), text="你好请问一下")
    backend(app).drain()
    with app.app_context():
        case = db.session.get(Case, db.session.get(Report, report["id"]).case_id)
        assert case.needs_manual_dispatch and case.status == "received" and not case.departments


@pytest.mark.parametrize("hint", ["accident.fire_hazard"])
def test_category_hint_from_the_reporter_is_used(client, app, city, hint):
    report = _post(client, login(client, LOGIN["resident"]), text="这里有点问题", category_hint=hint)
    backend(app).drain()
    with app.app_context():
        row = db.session.get(Report, report["id"])
        assert row.category.code == hint and row.suggestions[0][0] == hint


def test_full_text_joins_typed_and_spoken_words():
    class T:
        def __init__(self, text, corrected=None):
            self.text, self.corrected_text = text, corrected

    class R:
        text, has_audio = "打字", True
        transcripts = [T("说的话"), T("错", "改正")]
    assert stages.full_text(R()) == "打字\n说的话\n改正"


def test_keyword_idf_is_fitted_on_the_platforms_own_reports(client, app, city):
    from server.hotspots import keyword_idf
    resident = login(client, LOGIN["resident"])
    ids = [_post(client, resident, text="楼道里飞线充电太危险" if i % 2 else f"学府路{i}号井盖缺失太危险")["id"]
           for i in range(keyword_idf.MIN_DOCS)]
    backend(app).drain(timeout=120)
    with app.app_context():
        assert keyword_idf.current_idf() is None, "too few reports at first: jieba's table"
        assert keyword_idf.refresh_idf() == keyword_idf.MIN_DOCS
        idf = keyword_idf.current_idf()
        half = set(db.session.get(Report, ids[1]).tokens) - set(db.session.get(Report, ids[0]).tokens)
        everywhere = set(db.session.get(Report, ids[1]).tokens) & set(db.session.get(Report, ids[2]).tokens)
        assert half and everywhere
        assert all(idf[w] > idf[e] for w in half for e in everywhere), "rarer words weigh more"
    report = _post(client, resident, text="楼道里飞线充电太危险")
    backend(app).drain()
    with app.app_context():
        row = db.session.get(Report, report["id"])
        word, weight = row.keywords[0]
        assert word in half and weight == pytest.approx(idf[word] * row.tokens.count(word) / len(row.tokens), abs=1e-3)


def test_a_duplicate_joins_the_open_case_and_hotspots_keep_their_ids(client, app, city):
    from server.hotspots.service import recluster
    resident = login(client, LOGIN["resident"])
    first = _post(client, resident, text="桂花园小区7栋楼道里煤气味很重，怕是漏气了", lat="28.2345", lon="112.9067")
    backend(app).drain()
    again = _post(client, login(client, "13800000002"), text="桂花园小区7栋有很重的煤气味，楼道里都是",
                  lat="28.2346", lon="112.9068")
    backend(app).drain()
    with app.app_context():
        one, two = db.session.get(Report, first["id"]), db.session.get(Report, again["id"])
        assert two.duplicate_of_id == one.id and two.case_id == one.case_id
        assert db.session.execute(db.select(db.func.count()).select_from(Case)).scalar_one() == 1
        case = db.session.get(Case, one.case_id)
        assert case.events[-1].action == "report_joined" and verify_chain(case.events)
    texts = ["学府路口井盖不见了，晚上很危险", "学府路那个井盖丢了，差点有人掉下去", "学府路路口井盖缺失好几天了",
             "学府路井盖没了，赶紧来处理"]
    for i, text in enumerate(texts):
        _post(client, login(client, f"1380000000{i + 3}"), text=text, lat=f"{28.2101 + i * 0.0002:.4f}",
              lon="112.9512")
    backend(app).drain()
    with app.app_context():
        assert recluster() >= 1
        from server.models import Hotspot
        keys = {h.key for h in db.session.execute(db.select(Hotspot)).scalars()}
        assert keys and recluster() >= 1
        assert {h.key for h in db.session.execute(db.select(Hotspot)).scalars()} == keys, "ids stable across runs"
    late = _post(client, login(client, "13800000009"), text="学府路井盖还是没人修，太危险了", lat="28.2103", lon="112.9512")
    backend(app).drain()
    with app.app_context():
        assert db.session.get(Report, late["id"]).hotspot_id is not None, "assigned as it was processed"


def test_a_follow_up_without_place_or_position_joins_its_incidents_hotspot_when_reclustered(client, app, city):
    from server.hotspots.service import recluster
    texts = ["红枫苑3栋楼道燃气味很重", "红枫苑有股煤气味，怕是漏了", "红枫苑5号楼天然气泄漏了吧味道好冲",
             "闻到红枫苑那边煤气味", "红枫苑7单元燃气泄漏，大家都下楼了", "红枫苑燃气味越来越浓了"]
    incident = [_post(client, login(client, f"1380000000{i + 1}"), text=text)["id"] for i, text in enumerate(texts)]
    unrelated = _post(client, login(client, "13800000007"), text="物业费又乱涨了")["id"]
    follow_ups = [_post(client, login(client, f"1380000000{8 + i}"), text=text)["id"]
                  for i, text in enumerate(["味道比刚才还大", "燃气公司的人还没到"])]
    backend(app).drain()
    start = utcnow() - timedelta(hours=6)
    minutes = dict(zip(incident, range(0, 120, 20))) | {unrelated: 100, follow_ups[0]: 130, follow_ups[1]: 150}
    with app.app_context():
        for report_id, minute in minutes.items():  # as a gas leak's reports come in over two and a half hours
            db.session.get(Report, report_id).created_at = start + timedelta(minutes=minute)
        db.session.commit()
        assert recluster() >= 1
        hotspot = {db.session.get(Report, i).hotspot_id for i in incident}
        assert len(hotspot) == 1 and None not in hotspot
        assert {db.session.get(Report, i).hotspot_id for i in follow_ups} == hotspot
        assert db.session.get(Report, unrelated).hotspot_id not in hotspot


def test_unrelated_reports_posted_in_the_same_minutes_as_a_gas_leak_stay_out_of_its_hotspot(client, app, city):
    from server.hotspots.service import recluster
    texts = ["红枫苑3栋楼道燃气味很重", "红枫苑有股煤气味，怕是漏了", "红枫苑5号楼天然气泄漏了吧味道好冲",
             "闻到红枫苑那边煤气味", "红枫苑7单元燃气泄漏，大家都下楼了", "红枫苑燃气味越来越浓了"]
    incident = [_post(client, login(client, f"1380000000{i + 1}"), text=text)["id"] for i, text in enumerate(texts)]
    backend(app).drain()
    with app.app_context():
        assert recluster() >= 1
    grumbles = [_post(client, login(client, f"1380000001{i}"), text=text)["id"]
                for i, text in enumerate(["快递柜坏了取不了件", "楼下烧烤店油烟大", "公交站牌歪了", "广场舞音响太大声"])]
    backend(app).drain()
    with app.app_context():
        hotspot = {db.session.get(Report, i).hotspot_id for i in incident}
        assert len(hotspot) == 1 and None not in hotspot
        assert not {db.session.get(Report, i).hotspot_id for i in grumbles} & hotspot, "kept out as processed"
        assert recluster() >= 1
        hotspot = {db.session.get(Report, i).hotspot_id for i in incident}
        assert len(hotspot) == 1 and None not in hotspot
        assert not {db.session.get(Report, i).hotspot_id for i in grumbles} & hotspot, "kept out when re-clustered"


def test_the_assignment_state_counts_every_analysed_report_of_the_window(client, app, city):
    from server.hotspots import service
    from server.hotspots.service import recluster
    texts = ["红枫苑3栋楼道燃气味很重", "红枫苑有股煤气味，怕是漏了", "红枫苑5号楼天然气泄漏了吧味道好冲",
             "闻到红枫苑那边煤气味", "红枫苑7单元燃气泄漏，大家都下楼了"]
    for i, text in enumerate(texts + ["快递柜坏了取不了件", "楼下烧烤店油烟大"]):
        _post(client, login(client, f"1380000000{i + 1}"), text=text)
    backend(app).drain()
    with app.app_context():
        assert recluster() >= 1
        analysed = db.session.execute(db.select(db.func.count()).select_from(Report).where(
            Report.tokens.is_not(None))).scalar()
        state, _ = service._state()
        members = db.session.execute(db.select(db.func.count()).select_from(Report).where(
            Report.hotspot_id.is_not(None))).scalar()
        assert members < analysed == len(state.window_hours)  # the grumbles' times count, though not members
