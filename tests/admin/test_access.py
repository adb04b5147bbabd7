"""Signing in, roles and menus, CSRF, language: the fast checks with Flask's test client."""
import re

import pytest

from server.extensions import db
from server.models import AdminAuditLog, Case

from .conftest import ADMIN, DEPT, GRID_WORKER, RESIDENT, SUPERVISOR, csrf_token, post, sign_in

MENUS = {
    SUPERVISOR: {"overview", "city_map", "hotspot_list", "queues", "case_list", "transcript_list", "metrics", "jobs",
                 "exports", "library_page", "sharing_list", "sharing_audit"},
    DEPT: {"overview", "inbox", "case_list", "metrics", "library_page", "sharing_list"},
    ADMIN: {"overview", "city_map", "case_list", "transcript_list", "metrics", "jobs", "exports", "manage_taxonomy",
            "audit_log", "library_page", "sharing_list", "sharing_audit"},
}


def menu(page: str) -> set[str]:
    return set(re.findall(r'data-menu="([a-z_]+)"', page))


def test_signed_out_visitors_go_to_the_sign_in_page(admin_app):
    client = admin_app.test_client()
    response = client.get("/admin/cases")
    assert response.status_code == 302 and "/admin/login" in response.headers["Location"]
    page = client.get("/admin/login").get_data(as_text=True)
    assert "登录" in page and 'lang="zh-CN"' in page


@pytest.mark.parametrize("username", [SUPERVISOR, DEPT, ADMIN])
def test_each_role_sees_its_menu(admin_app, username):
    client = admin_app.test_client()
    assert sign_in(client, username).headers["Location"].endswith("/admin/")
    page = client.get("/admin/").get_data(as_text=True)
    assert menu(page) == MENUS[username]


@pytest.mark.parametrize("username", [GRID_WORKER, RESIDENT])
def test_grid_workers_and_residents_are_refused_politely(admin_app, username):
    client = admin_app.test_client()
    response = sign_in(client, username)
    assert response.status_code == 403
    assert "手机App" in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302  # no session was made


def test_a_wrong_password_is_refused_and_recorded(admin_app):
    client = admin_app.test_client()
    response = client.post("/admin/login", data={"username": SUPERVISOR, "password": "wrong-password-1",
                                                 "csrf_token": csrf_token(client)})
    assert response.status_code == 401 and "用户名或密码错误" in response.get_data(as_text=True)
    with admin_app.app_context():
        assert db.session.execute(db.select(AdminAuditLog.action)).scalars().all() == ["sign_in_failed"]


def test_sign_in_refuses_a_post_without_the_csrf_token(admin_app):
    client = admin_app.test_client()
    response = client.post("/admin/login", data={"username": SUPERVISOR, "password": "demo-command-2026"})
    assert response.status_code == 400 and "表单已失效" in response.get_data(as_text=True)


def test_an_action_without_the_csrf_token_changes_nothing(admin_app, as_user):
    client = as_user(SUPERVISOR)
    with admin_app.app_context():
        case = db.session.execute(db.select(Case).where(Case.status == "received")).scalars().first()
    response = client.post(f"/admin/cases/{case.id}/act/dispatch", data={"lead": "GAS"})
    assert response.status_code == 400
    response = client.post(f"/admin/cases/{case.id}/act/dispatch", data={"lead": "GAS", "csrf_token": "forged"})
    assert response.status_code == 400
    with admin_app.app_context():
        assert db.session.get(Case, case.id).status == "received"


def test_the_api_needs_no_csrf_token(admin_app):
    client = admin_app.test_client()
    response = client.post("/api/v1/auth/login", json={"username": SUPERVISOR, "password": "demo-command-2026"})
    assert response.status_code == 200


@pytest.mark.parametrize("username,url", [
    (DEPT, "/admin/queues"), (DEPT, "/admin/hotspots"), (DEPT, "/admin/map"), (DEPT, "/admin/manage/users"),
    (DEPT, "/admin/jobs"), (DEPT, "/admin/exports/cases.csv"), (SUPERVISOR, "/admin/manage/taxonomy"),
    (SUPERVISOR, "/admin/manage/keys"), (SUPERVISOR, "/admin/inbox"), (SUPERVISOR, "/admin/audit"),
    (ADMIN, "/admin/queues"), (ADMIN, "/admin/hotspots"), (ADMIN, "/admin/inbox"),
    (DEPT, "/admin/sharing/audit"),
])
def test_pages_outside_a_role_answer_403(as_user, username, url):
    response = as_user(username).get(url)
    assert response.status_code == 403
    assert "当前角色无权访问" in response.get_data(as_text=True)


def test_department_staff_see_only_their_departments_cases(admin_app, as_user):
    client = as_user(DEPT)
    with admin_app.app_context():
        cases = db.session.execute(db.select(Case)).scalars().all()
        other = next(c for c in cases if c.departments and "GAS" not in {d.department.code for d in c.departments})
        mine = next(c for c in cases if "GAS" in {d.department.code for d in c.departments})
    assert client.get(f"/admin/cases/{other.id}").status_code == 404
    assert client.get(f"/admin/cases/{mine.id}").status_code == 200
    assert client.post(f"/admin/cases/{other.id}/plan", data={"csrf_token": csrf_token(client)}).status_code == 403


def test_a_role_may_not_act_beyond_it_even_by_posting(admin_app, as_user):
    client = as_user(DEPT)
    from server.models import CaseDepartment, Department
    with admin_app.app_context():
        case = db.session.execute(db.select(Case).where(Case.status == "received")).scalars().first()
        ours = db.session.execute(db.select(Case).join(CaseDepartment).join(Department).where(
            Department.code == "GAS", Case.status == "dispatched")).scalars().first()
    assert post(client, f"/admin/cases/{ours.id}/act/dispatch", {"lead": "GAS"}).status_code == 302
    assert "仅限" in client.get("/admin/inbox").get_data(as_text=True)  # the service's refusal, flashed
    # A case the department does not hold is not confirmed to exist.
    assert post(client, f"/admin/cases/{case.id}/act/dispatch", {"lead": "GAS"}).status_code == 302
    assert "没有这个案件" in client.get("/admin/inbox").get_data(as_text=True)
    with admin_app.app_context():
        assert db.session.get(Case, case.id).status == "received"
        assert db.session.get(Case, ours.id).status == "dispatched"


def test_the_language_switches_to_english_and_back(as_user):
    client = as_user(SUPERVISOR)
    assert "总览" in client.get("/admin/").get_data(as_text=True)
    response = post(client, "/admin/lang", {"lang": "en", "next": "/admin/cases"})
    assert response.headers["Location"].endswith("/admin/cases")
    page = client.get("/admin/").get_data(as_text=True)
    assert "Overview" in page and "Open cases" in page and 'lang="en"' in page
    post(client, "/admin/lang", {"lang": "zh", "next": "https://evil.example/"})
    assert "总览" in client.get("/admin/").get_data(as_text=True)


def test_sign_in_never_redirects_off_site(admin_app):
    client = admin_app.test_client()
    response = client.post("/admin/login", data={"username": SUPERVISOR, "password": "demo-command-2026",
                                                 "next": "//evil.example/admin/", "csrf_token": csrf_token(client)})
    assert response.headers["Location"].endswith("/admin/") and "evil" not in response.headers["Location"]


def test_sign_out_ends_the_session(as_user):
    client = as_user(SUPERVISOR)
    assert post(client, "/admin/logout").status_code == 302
    assert client.get("/admin/").status_code == 302


def test_every_text_has_a_chinese_translation():
    """The catalogue covers every literal text the templates and views ask to translate."""
    from pathlib import Path

    import admin
    from admin.catalogue_zh import ZH
    root = Path(admin.__file__).parent
    pattern = re.compile(r'''(?:\b_|gettext)\(\s*(["'])((?:(?!\1).)+)\1''')
    missing = set()
    for path in [*root.rglob("*.html"), *root.rglob("*.py")]:
        for match in pattern.finditer(path.read_text(encoding="utf-8")):
            if match.group(2) not in ZH:
                missing.add(match.group(2))
    from admin.nav import MANAGE_TABS, MENU
    missing |= {label for _e, label, *_r in [*MENU, *MANAGE_TABS] if label not in ZH}
    assert not missing
