"""The case library in the admin web: the case page's 相似案例 panel, the feedback form's reply template, model cases
marked by supervisors, the library page, admins' reply templates."""
import html

from server.accounts.service import find_user
from server.cases import library
from server.cases.service import Context, apply_action
from server.extensions import db
from server.models import Case, CaseLibraryEntry, ReplyTemplate, utcnow

from .conftest import ADMIN, DEPT, SUPERVISOR, post


def _gas_case(app, status: str) -> int:
    """A demo case of the gas company (lead) in this status."""
    with app.app_context():
        return next(c.id for c in db.session.execute(db.select(Case).where(Case.status == status)
                                                     .order_by(Case.id)).scalars()
                    if any(d.role == "lead" and d.department.code == "GAS" for d in c.departments))


def _handle_to_the_end(app, count: int) -> list[int]:
    """Close this many dispatched gas cases through the case service (the grid's 核查 taken as done)."""
    closed = []
    with app.app_context():
        gas, command = find_user(DEPT), find_user(SUPERVISOR)
        for _ in range(count):
            case = db.session.get(Case, _gas_case(app, "dispatched"))
            for action in ("sign", "start"):
                apply_action(case, action, Context(gas, {}))
            apply_action(case, "feedback", Context(gas, {"measures": "关阀、更换软管", "result": "漏点已修复"}))
            case.verified_at = utcnow()
            apply_action(case, "close", Context(command, {}))
            closed.append(case.id)
    return closed


def test_closed_cases_join_the_library_and_the_case_page_shows_similar_ones(admin_app, as_user):
    library.invalidate()
    with admin_app.app_context():
        closed = _handle_to_the_end(admin_app, 3)
        stored = db.session.execute(db.select(CaseLibraryEntry.case_id)).scalars().all()
        assert sorted(stored) == sorted(closed)  # each got its vector on close
    case_id = _gas_case(admin_app, "dispatched")
    page = as_user(DEPT).get(f"/admin/cases/{case_id}").get_data(as_text=True)
    assert 'id="similar-cases"' in page and "相似案例" in page
    assert page.count('class="library-item') >= 1


def test_the_feedback_form_starts_from_the_reply_template(admin_app, as_user):
    case_id = _gas_case(admin_app, "dispatched")
    dept = as_user(DEPT)
    post(dept, f"/admin/cases/{case_id}/act/sign")
    post(dept, f"/admin/cases/{case_id}/act/start")
    plain = dept.get(f"/admin/cases/{case_id}").get_data(as_text=True)
    assert "reply_template=1" in plain and '<textarea name="measures" required></textarea>' in plain
    filled = html.unescape(dept.get(f"/admin/cases/{case_id}?reply_template=1").get_data(as_text=True))
    measures = filled.split('<textarea name="measures" required>')[1].split("</textarea>")[0]
    assert measures and "{" not in measures and "年" in measures  # dates filled in, the Chinese way
    with admin_app.app_context():
        number = db.session.get(Case, case_id).number
    assert number in filled.split('<textarea name="public_reply">')[1].split("</textarea>")[0]


def test_supervisors_mark_model_cases_and_the_library_finds_them(admin_app, as_user):
    library.invalidate()
    case_id = _handle_to_the_end(admin_app, 2)[0]
    supervisor, dept = as_user(SUPERVISOR), as_user(DEPT)
    assert post(dept, f"/admin/cases/{case_id}/model", {"summary": "先关阀再排查"}).status_code == 403
    assert post(supervisor, f"/admin/cases/{case_id}/model", {"summary": "短"}).status_code == 302
    with admin_app.app_context():
        assert not db.session.get(CaseLibraryEntry, case_id).model  # too short: refused
    assert post(supervisor, f"/admin/cases/{case_id}/model", {"summary": "夜间燃气泄漏：先疏散、关阀，再排查漏点"}
                ).status_code == 302
    with admin_app.app_context():
        entry = db.session.get(CaseLibraryEntry, case_id)
        assert entry.model and entry.summary.startswith("夜间燃气泄漏") and entry.marked_by_id
        number = db.session.get(Case, case_id).number
    page = dept.get("/admin/library?model=1").get_data(as_text=True)
    assert number in page and "典型案例" in page and "夜间燃气泄漏" in page
    found = dept.get("/admin/library", query_string={"q": "燃气味", "category": "accident.gas_leak"})
    assert found.status_code == 200 and "最相似的在前" in found.get_data(as_text=True)
    post(supervisor, f"/admin/cases/{case_id}/model", {"unmark": "1"})
    with admin_app.app_context():
        assert not db.session.get(CaseLibraryEntry, case_id).model


def test_admins_edit_reply_templates_with_known_placeholders_only(admin_app, as_user):
    admin = as_user(ADMIN)
    page = admin.get("/admin/library/templates").get_data(as_text=True)
    assert 'id="tpl-accident.gas_leak"' in page and "{address}" in page
    url = "/admin/library/templates/accident.gas_leak"
    post(admin, url, {"measures": "到{address}处置{secret}", "result": "已处理"})
    with admin_app.app_context():
        assert db.session.execute(db.select(ReplyTemplate)).first() is None
    post(admin, url, {"measures": "到{address}处置", "result": "已处理", "public_reply": "案件{number}已办结"})
    with admin_app.app_context():
        row = db.session.execute(db.select(ReplyTemplate)).scalar_one()
        assert row.measures == "到{address}处置" and row.category.code == "accident.gas_leak"
    assert as_user(DEPT).get("/admin/library/templates").status_code == 403
    post(admin, url, {"reset": "1"})
    with admin_app.app_context():
        assert db.session.execute(db.select(ReplyTemplate)).first() is None
