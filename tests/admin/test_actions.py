"""Every POST action of the admin pages, through the test client: the case service, hotspot reviews,
transcripts, administration, jobs; and the exports' contents."""
import io
import json
import re
from datetime import timedelta

from openpyxl import load_workbook

from server.extensions import db
from server.models import (AdminAuditLog, Area, Case, Category, Department, Hotspot, HotspotReview, Media, Report,
                           Transcript, TranscriptCorrection, User, utcnow)

from ..media_fixtures import png_bytes
from .conftest import ADMIN, DEPT, SUPERVISOR, post


def _case(app, **where) -> Case:
    with app.app_context():
        query = db.select(Case).order_by(Case.id)
        for key, value in where.items():
            query = query.where(getattr(Case, key) == value)
        return db.session.execute(query).scalars().first()


def _gas_case(app, status="dispatched") -> int:
    """A case GAS leads, in the status."""
    with app.app_context():
        for case in db.session.execute(db.select(Case).where(Case.status == status).order_by(Case.id)).scalars():
            if any(d.role == "lead" and d.department.code == "GAS" for d in case.departments):
                return case.id
    raise AssertionError("no GAS case")


def _status(app, case_id) -> str:
    with app.app_context():
        return db.session.get(Case, case_id).status


def test_supervisor_dispatches_a_manual_case(admin_app, as_user):
    case = _case(admin_app, status="received")
    client = as_user(SUPERVISOR)
    response = post(client, f"/admin/cases/{case.id}/act/dispatch", {"lead": "GAS", "assist": ["FIRE"], "severity": "2"})
    assert response.status_code == 302
    with admin_app.app_context():
        row = db.session.get(Case, case.id)
        assert row.status == "dispatched" and row.severity == 2
        assert {d.department.code: d.role for d in row.departments} == {"GAS": "lead", "FIRE": "assist"}
        assert db.session.execute(db.select(AdminAuditLog.action).where(AdminAuditLog.action == "case.dispatch")).first()


def test_department_signs_sends_back_and_supervisor_rules(admin_app, as_user):
    case_id = _gas_case(admin_app)
    dept, sup = as_user(DEPT), as_user(SUPERVISOR)
    assert "已签收" in post(dept, f"/admin/cases/{case_id}/act/sign", {"note": "收到"}, follow_redirects=True
                          ).get_data(as_text=True)
    assert _status(admin_app, case_id) == "accepted"
    post(dept, f"/admin/cases/{case_id}/act/send_back", {"reason": "不属于本部门职责"})
    assert _status(admin_app, case_id) == "returned"
    page = sup.get("/admin/queues/send_back").get_data(as_text=True)
    assert f'data-case="{case_id}"' in page
    post(sup, f"/admin/cases/{case_id}/act/rule_send_back", {"decision": "redispatch", "lead": "FIRE"})
    with admin_app.app_context():
        case = db.session.get(Case, case_id)
        assert case.status == "dispatched" and case.department_ids("lead") == [
            db.session.execute(db.select(Department.id).where(Department.code == "FIRE")).scalar_one()]


def test_a_send_back_without_a_reason_is_refused_by_the_schema(admin_app, as_user):
    case_id = _gas_case(admin_app)
    dept = as_user(DEPT)
    post(dept, f"/admin/cases/{case_id}/act/sign")
    page = post(dept, f"/admin/cases/{case_id}/act/send_back", {"reason": ""}, follow_redirects=True)
    assert "请检查表单" in page.get_data(as_text=True) and _status(admin_app, case_id) == "accepted"


def test_extension_is_asked_and_approved(admin_app, as_user):
    case_id = _gas_case(admin_app)
    dept, sup = as_user(DEPT), as_user(SUPERVISOR)
    post(dept, f"/admin/cases/{case_id}/act/sign")
    post(dept, f"/admin/cases/{case_id}/act/extend_request", {"days": "3", "reason": "需要更换管道"})
    assert _status(admin_app, case_id) == "extension_requested"
    assert f'data-case="{case_id}"' in sup.get("/admin/queues/extension").get_data(as_text=True)
    post(sup, f"/admin/cases/{case_id}/act/extend_decide", {"approve": "true"})
    with admin_app.app_context():
        case = db.session.get(Case, case_id)
        assert case.status == "in_progress" and case.events[-1].data["approve"] is True


def test_feedback_with_a_photo_then_close_and_reopen(admin_app, as_user):
    case_id = _gas_case(admin_app)
    dept, sup = as_user(DEPT), as_user(SUPERVISOR)
    post(dept, f"/admin/cases/{case_id}/act/sign")
    response = post(dept, f"/admin/cases/{case_id}/act/feedback",
                    {"measures": "关阀检修", "result": "已修复", "photos": (io.BytesIO(png_bytes()), "fix.png")},
                    content_type="multipart/form-data")
    assert response.status_code == 302 and _status(admin_app, case_id) == "feedback_submitted"
    with admin_app.app_context():
        case = db.session.get(Case, case_id)
        attachments = case.events[-1].data["attachments"]
        report = db.session.get(Report, case.origin_report_id)
        report.grid_id = None  # no grid: no grid worker's verification needed before closing
        db.session.commit()
    assert len(attachments) == 1
    detail = sup.get(f"/admin/cases/{case_id}").get_data(as_text=True)
    assert attachments[0]["id"] in detail and "留痕链校验通过" in detail
    assert sup.get(f"/admin/cases/{case_id}/files/{attachments[0]['id']}").status_code == 200
    post(sup, f"/admin/cases/{case_id}/act/close", {"note": "办结"})
    assert _status(admin_app, case_id) == "closed"
    post(sup, f"/admin/cases/{case_id}/act/reopen", {"reason": "群众反映仍有气味"})
    assert _status(admin_app, case_id) == "reopened"


def test_overdue_case_is_escalated_and_a_plan_activated(admin_app, as_user):
    case_id = _gas_case(admin_app)
    with admin_app.app_context():
        case = db.session.get(Case, case_id)
        case.resolve_by, case.severity = utcnow() - timedelta(hours=1), 1
        db.session.commit()
    sup = as_user(SUPERVISOR)
    assert f'data-case="{case_id}"' in sup.get("/admin/queues/overdue").get_data(as_text=True)
    post(sup, f"/admin/cases/{case_id}/act/escalate", {"note": "请立即处置"})
    assert _status(admin_app, case_id) == "escalated"
    assert f'data-case="{case_id}"' in sup.get("/admin/queues/plans").get_data(as_text=True)
    page = post(sup, f"/admin/cases/{case_id}/plan", {"level": "1"}, follow_redirects=True).get_data(as_text=True)
    assert "已启动应急预案" in page


def test_hotspot_confirm_opens_the_case_and_records_the_review(admin_app, as_user):
    sup = as_user(SUPERVISOR)
    with admin_app.app_context():
        hotspot = db.session.execute(db.select(Hotspot).order_by(Hotspot.heat.desc())).scalars().first()
    page = sup.get(f"/admin/hotspots/{hotspot.id}").get_data(as_text=True)
    assert hotspot.label in page and "<audio" in page or "data-report" in page
    post(sup, f"/admin/hotspots/{hotspot.id}/confirm", {"merge_members": "1", "note": "同一隐患"})
    with admin_app.app_context():
        row = db.session.get(Hotspot, hotspot.id)
        case = db.session.get(Case, row.case_id)
        assert row.status == "confirmed" and case.hotspot_id == row.id
        review = db.session.execute(db.select(HotspotReview).where(HotspotReview.hotspot_id == row.id)).scalar_one()
        assert review.action == "confirm" and review.data["case_id"] == case.id
        merged = db.session.execute(db.select(db.func.count(Case.id)).where(Case.merged_into_id == case.id)).scalar()
        assert merged == len(review.data["merged_cases"]) > 0


def test_hotspot_relabel_move_out_merge_and_dismiss(admin_app, as_user):
    sup = as_user(SUPERVISOR)
    with admin_app.app_context():
        first, second, third = db.session.execute(db.select(Hotspot).order_by(Hotspot.id).limit(3)).scalars().all()
        member = db.session.execute(db.select(Report.id).where(Report.hotspot_id == first.id)).scalars().first()
        second_size = second.size
    post(sup, f"/admin/hotspots/{first.id}/relabel", {"label": "新名称<b>"})
    post(sup, f"/admin/hotspots/{first.id}/move_out", {"reports": [str(member)]})
    post(sup, f"/admin/hotspots/{first.id}/merge", {"other": [str(second.id)]})
    post(sup, f"/admin/hotspots/{third.id}/dismiss", {"note": "误报"})
    with admin_app.app_context():
        row = db.session.get(Hotspot, first.id)
        assert row.label == "新名称<b>" and row.status == "reviewed"
        assert db.session.get(Report, member).hotspot_id is None
        assert db.session.get(Hotspot, second.id).status == "merged"
        assert row.size == db.session.execute(db.select(db.func.count(Report.id)).where(
            Report.hotspot_id == row.id)).scalar() >= second_size
        assert db.session.get(Hotspot, third.id).status == "dismissed"
        actions = db.session.execute(db.select(HotspotReview.action).order_by(HotspotReview.id)).scalars().all()
        assert actions == ["relabel", "move_out", "merged_into", "merge", "dismiss"]
    page = sup.get(f"/admin/hotspots/{first.id}").get_data(as_text=True)
    assert "新名称&lt;b&gt;" in page and "新名称<b>" not in page


def test_transcript_correction_keeps_the_original(admin_app, as_user):
    sup = as_user(SUPERVISOR)
    with admin_app.app_context():
        transcript = db.session.execute(db.select(Transcript)).scalars().first()
        original = transcript.text
    assert sup.get(f"/admin/transcripts/{transcript.media_id}").status_code == 200
    post(sup, f"/admin/transcripts/{transcript.media_id}", {"corrected_text": "楼道燃气泄漏"})
    post(sup, f"/admin/transcripts/{transcript.media_id}", {"corrected_text": "三楼楼道燃气泄漏"})
    with admin_app.app_context():
        row = db.session.get(Transcript, transcript.id)
        assert row.text == original and row.corrected_text == "三楼楼道燃气泄漏"
        history = db.session.execute(db.select(TranscriptCorrection).order_by(TranscriptCorrection.id)).scalars().all()
        assert [(h.previous_text, h.corrected_text) for h in history] == [
            (original, "楼道燃气泄漏"), ("楼道燃气泄漏", "三楼楼道燃气泄漏")]
    assert sup.get(f"/admin/media/{transcript.media_id}").status_code == 200


def test_media_is_served_only_to_those_who_may_see_the_report(admin_app, as_user):
    with admin_app.app_context():
        cases = db.session.execute(db.select(Case)).scalars().all()
        other = {c.origin_report_id for c in cases if "GAS" not in {d.department.code for d in c.departments}}
        media = db.session.execute(db.select(Media).where(Media.report_id.in_(other))).scalars().first()
    assert as_user(DEPT).get(f"/admin/media/{media.id}").status_code == 404
    assert as_user(SUPERVISOR).get(f"/admin/media/{media.id}").status_code == 200


def test_admin_edits_taxonomy_departments_and_users(admin_app, as_user):
    client = as_user(ADMIN)
    with admin_app.app_context():
        category = db.session.execute(db.select(Category).where(Category.parent_id.is_not(None))).scalars().first()
    post(client, f"/admin/manage/taxonomy/{category.id}", {"name": category.name, "lead": "FIRE", "assist": "GAS",
                                                            "default_severity": "2", "active": "1"})
    post(client, "/admin/manage/departments", {"code": "WATER2", "name": "第二水务所", "type": "operational_support"})
    post(client, "/admin/manage/users", {"username": "waterx01", "role": "dept_staff", "password": "water-pass-2026",
                                         "department": "WATER2"})
    with admin_app.app_context():
        user = db.session.execute(db.select(User).where(User.username == "waterx01")).scalar_one()
        row = db.session.get(Category, category.id)
        assert row.lead_department.code == "FIRE" and row.assist_department_codes == ["GAS"]
        assert row.default_severity == 2 and user.department.code == "WATER2"
    api = admin_app.test_client()
    token = api.post("/api/v1/auth/login", json={"username": "waterx01", "password": "water-pass-2026"}).get_json()
    bearer = {"Authorization": "Bearer " + token["access_token"]}
    assert api.get("/api/v1/auth/me", headers=bearer).status_code == 200
    post(client, f"/admin/manage/users/{user.id}", {"role": "dept_staff", "department": "WATER2", "active": "1",
                                                    "password": "waterx01-new"})
    assert api.get("/api/v1/auth/me", headers=bearer).status_code == 200, "a password built on the name is refused"
    post(client, f"/admin/manage/users/{user.id}", {"role": "dept_staff", "department": "WATER2", "active": "1",
                                                    "password": "Fresh-pass-2027"})
    assert api.get("/api/v1/auth/me", headers=bearer).status_code == 401, "a new password ends the old sessions"
    post(client, f"/admin/manage/users/{user.id}", {"role": "supervisor", "active": "0"})
    with admin_app.app_context():
        user = db.session.get(User, user.id)
        assert user.role == "supervisor" and not user.active
        me = db.session.execute(db.select(User).where(User.username == ADMIN)).scalar_one()
    page = post(client, f"/admin/manage/users/{me.id}", {"role": "resident", "active": "1"}, follow_redirects=True)
    assert "不能修改自己的角色" in page.get_data(as_text=True)


def test_geojson_upload_adds_grids_all_or_nothing(admin_app, as_user):
    client = as_user(ADMIN)
    with admin_app.app_context():
        parent = db.session.execute(db.select(Area).where(Area.level == "community")).scalars().first().code
    square = {"type": "Polygon", "coordinates": [[[120.1, 30.2], [120.101, 30.2], [120.101, 30.201], [120.1, 30.201],
                                                  [120.1, 30.2]]]}
    good = {"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": square, "properties": {
        "code": "NEW-G99", "name": "新网格", "level": "grid", "parent": parent}}]}
    bad = {"type": "FeatureCollection", "features": [good["features"][0] | {"properties": {
        "code": "NEW-G98", "name": "坏网格", "level": "grid", "parent": "NO-SUCH"}}]}
    for doc in (bad, good):
        post(client, "/admin/manage/areas", {"file": (io.BytesIO(json.dumps(doc).encode()), "grids.geojson")},
             content_type="multipart/form-data")
    with admin_app.app_context():
        codes = set(db.session.execute(db.select(Area.code).where(Area.code.like("NEW-%"))).scalars())
    assert codes == {"NEW-G99"}


def test_api_keys_are_created_once_and_revoked(admin_app, as_user):
    client = as_user(ADMIN)
    page = post(client, "/admin/manage/keys", {"name": "12345热线"}).get_data(as_text=True)
    plaintext = re.search(r"<code>(gw311_[^<…]+)</code>", page).group(1)
    assert 'id="new-key"' in page and len(plaintext) > 30
    from server.models import ApiKey
    with admin_app.app_context():
        key = db.session.execute(db.select(ApiKey)).scalar_one()
    assert plaintext not in client.get("/admin/manage/keys").get_data(as_text=True)  # shown once
    post(client, f"/admin/manage/keys/{key.id}/revoke")
    with admin_app.app_context():
        assert db.session.get(ApiKey, key.id).revoked_at is not None


def test_jobs_page_on_the_embedded_backend_and_a_report_retry(admin_app, as_user):
    client = as_user(ADMIN)
    with admin_app.app_context():
        report = db.session.execute(db.select(Report)).scalars().first()
        report.stage, report.stage_reason = "failed", "analysed: boom"
        db.session.commit()
    page = client.get("/admin/jobs").get_data(as_text=True)
    assert 'id="embedded-note"' in page and "analysed: boom" in page
    post(client, f"/admin/jobs/reports/{report.id}/retry")
    with admin_app.app_context():
        assert db.session.get(Report, report.id).stage == "analysed"


def test_metrics_and_exports(admin_app, as_user):
    client = as_user(SUPERVISOR)
    page = client.get("/admin/metrics").get_data(as_text=True)
    assert 'data-department="GAS"' in page and "响应率" in page
    response = client.get("/admin/metrics/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet.cell(1, 1).value == "rank" and sheet.max_row > 1
    with admin_app.app_context():
        report = db.session.execute(db.select(Report)).scalars().first()
        report.text_masked = "=HYPERLINK(\"http://x\")"
        db.session.commit()
    csv_text = client.get("/admin/exports/reports.csv").get_data(as_text=True)
    assert csv_text.startswith("\ufeff编号,") and "'=HYPERLINK" in csv_text
    cases = load_workbook(io.BytesIO(client.get("/admin/exports/cases.xlsx").data)).active
    assert cases.cell(1, 1).value == "案件编号" and cases.max_row > 100
    geo = json.loads(client.get("/admin/exports/reports.geojson").data)
    assert geo["type"] == "FeatureCollection" and len(geo["features"]) > 100
    hotspots = json.loads(client.get("/admin/exports/hotspots.geojson").data)
    assert hotspots["features"] and "heat" in hotspots["features"][0]["properties"]
    assert json.loads(client.get("/admin/map/grids.json").data)["features"]
