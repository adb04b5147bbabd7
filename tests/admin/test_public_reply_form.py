"""The department's feedback form in the admin web has an internal note and a reply for the public: Open311 (no
sign-in) shows the reply, never the note."""
from server.extensions import db
from server.models import Case

from .conftest import DEPT, post


def test_feedback_form_keeps_the_note_internal_and_publishes_the_reply(admin_app, as_user):
    with admin_app.app_context():
        case_id = next(c.id for c in db.session.execute(db.select(Case).where(Case.status == "dispatched")
                                                         .order_by(Case.id)).scalars()
                       if any(d.role == "lead" and d.department.code == "GAS" for d in c.departments))
    dept = as_user(DEPT)
    post(dept, f"/admin/cases/{case_id}/act/sign")
    page = dept.get(f"/admin/cases/{case_id}").get_data(as_text=True)
    assert 'name="public_reply"' in page
    response = post(dept, f"/admin/cases/{case_id}/act/feedback",
                    {"measures": "关阀检修", "result": "已修复", "note": "内部：住户王先生13955556666，不要告诉居民",
                     "public_reply": "燃气管道已修复，请放心使用"}, content_type="multipart/form-data")
    assert response.status_code == 302
    with admin_app.app_context():
        event = db.session.get(Case, case_id).events[-1]
        assert event.action == "feedback" and event.public and event.data["public_reply"] == "燃气管道已修复，请放心使用"
    for fmt in ("json", "xml"):
        body = admin_app.test_client().get(f"/open311/v2/servicerequestupdates.{fmt}").get_data(as_text=True)
        assert "燃气管道已修复，请放心使用" in body and "不要告诉居民" not in body and "13955556666" not in body
