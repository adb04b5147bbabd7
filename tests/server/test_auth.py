"""Sign-in, registration, tokens and roles."""
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from server.extensions import db
from server.models import ApiToken, User, utcnow

from ..helpers import LOGIN, PASSWORDS, login


def test_login_returns_token_user_and_expiry(client, city):
    response = client.post("/api/v1/auth/login", json={"username": "gas01", "password": PASSWORDS["gas01"]})
    body = response.get_json()
    assert response.status_code == 200
    assert body["access_token"] and body["expires_at"]
    assert body["user"]["role"] == "dept_staff" and body["user"]["department"] == "GAS"


def test_wrong_password_and_unknown_user_get_the_same_401(client, city):
    wrong = client.post("/api/v1/auth/login", json={"username": "gas01", "password": "nope-12345"})
    unknown = client.post("/api/v1/auth/login", json={"username": "ghost", "password": "nope-12345"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.get_json()["code"] == unknown.get_json()["code"] == "invalid_credentials"


def test_login_validation_error_names_the_field(client, city):
    response = client.post("/api/v1/auth/login", json={"username": "gas01"})
    body = response.get_json()
    assert response.status_code == 422
    assert body["code"] and body["message"] and "password" in body["errors"]


def test_resident_registers_with_phone_stored_encrypted_and_shown_masked(client, app):
    response = client.post("/api/v1/auth/register", json={"phone": "13912345678", "password": "safe-pass-1"})
    assert response.status_code == 201
    assert response.get_json()["user"]["phone"] == "139****5678"
    with app.app_context():
        user = db.session.get(User, response.get_json()["user"]["id"])
        assert "13912345678" not in (user.phone_enc or "") and user.phone_index
    again = client.post("/api/v1/auth/register", json={"phone": "13912345678", "password": "safe-pass-1"})
    assert again.status_code == 409
    by_phone = client.post("/api/v1/auth/login", json={"username": "13912345678", "password": "safe-pass-1"})
    assert by_phone.status_code == 200


def test_register_rejects_bad_phone_and_weak_password(client, app):
    response = client.post("/api/v1/auth/register", json={"phone": "12345", "password": "password"})
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"phone", "password"}


def test_passwords_are_hashed_with_argon2(app, city):
    with app.app_context():
        user = db.session.execute(db.select(User).where(User.username == "admin")).scalar_one()
        assert user.password_hash.startswith("$argon2id$")


def test_missing_bad_expired_and_revoked_tokens_are_refused(client, app, city):
    assert client.get("/api/v1/auth/me").status_code == 401
    assert client.get("/api/v1/auth/me", headers={"Authorization": "Bearer junk"}).status_code == 401
    headers = login(client, LOGIN["resident"])
    assert client.get("/api/v1/auth/me", headers=headers).get_json()["role"] == "resident"
    with app.app_context():
        db.session.execute(db.update(ApiToken).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401
    headers = login(client, LOGIN["resident"])
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    assert client.get("/api/v1/auth/me", headers=headers).get_json()["code"] == "invalid_token"


# Phone numbers: never in clear, one spelling (issue 12, item 9 and the low item on normalisation)

def _tables_holding(app, needle: str) -> list[str]:
    """Every table.column whose text contains ``needle`` (any column type, cast to text)."""
    found = []
    with app.app_context():
        inspector = sa.inspect(db.engine)
        for table in inspector.get_table_names():
            for column in inspector.get_columns(table):
                sql = f'SELECT COUNT(*) FROM "{table}" WHERE CAST("{column["name"]}" AS TEXT) LIKE :needle'
                if db.session.execute(sa.text(sql), {"needle": f"%{needle}%"}).scalar():
                    found.append(f"{table}.{column['name']}")
    return found


def test_registered_phone_number_is_in_no_column_and_shown_masked(client, app):
    registered = client.post("/api/v1/auth/register", json={"phone": "13912345678", "password": "safe-pass-1",
                                                             "display_name": "赵先生"})
    assert registered.status_code == 201
    user = registered.get_json()["user"]
    assert user["username"].startswith("r_") and "13912345678" not in user["username"]
    assert _tables_holding(app, "13912345678") == [], "no column of any table holds the number in clear"
    by_phone = client.post("/api/v1/auth/login", json={"username": "13912345678", "password": "safe-pass-1"})
    assert by_phone.status_code == 200
    headers = {"Authorization": "Bearer " + by_phone.get_json()["access_token"]}
    me = client.get("/api/v1/auth/me", headers=headers).get_json()
    assert me["phone"] == "139****5678" and "13912345678" not in str(me)
    assert _tables_holding(app, "13912345678") == []


@pytest.mark.parametrize("spelling", ["13700000021\n", " 13700000021 ", "１３７００００００２１",
                                      "١٣٧٠٠٠٠٠٠٢١", "+86 137-0000-0021", "008613700000021", "1370000 0021"])
def test_every_spelling_of_a_registered_number_is_the_same_account(client, app, spelling):
    assert client.post("/api/v1/auth/register", json={"phone": "13700000021", "password": "safe-pass-1"}
                       ).status_code == 201
    again = client.post("/api/v1/auth/register", json={"phone": spelling, "password": "safe-pass-2"})
    assert again.status_code == 409 and again.get_json()["code"] == "already_registered"
    signed_in = client.post("/api/v1/auth/login", json={"username": spelling, "password": "safe-pass-1"})
    assert signed_in.status_code == 200
    with app.app_context():
        assert db.session.execute(db.select(db.func.count()).select_from(User)).scalar_one() == 1


@pytest.mark.parametrize("phone", ["12345", "23800000002", "1380000000a", "138000000021", "+1 13800000002",
                                   "1380000000\u0662\u0663", "12800000002", ""])
def test_registration_refuses_what_is_not_a_mainland_mobile_number(client, app, phone):
    response = client.post("/api/v1/auth/register", json={"phone": phone, "password": "safe-pass-1"})
    body = response.get_json()
    assert response.status_code == 422 and "phone" in body["errors"], body
    assert "大陆手机号" in body["errors"]["phone"][0]


def test_accounts_created_with_a_phone_as_username_get_a_generated_one(app, city):
    from server.accounts.service import create_user, find_user
    with app.app_context():
        user = create_user(username="+86 139 0000 0042", role="resident", password="safe-pass-1")
        assert user.username.startswith("r_") and find_user("13900000042").id == user.id
        resident = find_user("13800000001")  # the demo resident, seeded from a phone-shaped login
        assert resident is not None and resident.username.startswith("r_")
    assert _tables_holding(app, "13900000042") == [] and _tables_holding(app, "13800000001") == []


def test_migration_0010_replaces_phone_usernames_and_keeps_the_encrypted_number(tmp_path):
    from flask_migrate import upgrade

    from server import create_app
    from server.accounts.security import blind_index, decrypt, encrypt
    from ..conftest import app_config
    app = create_app(app_config(f"sqlite:///{tmp_path / 'old.db'}", tmp_path))
    with app.app_context():
        upgrade(revision="0009")
        rows = [("13800000077", encrypt("13800000077"), blind_index("13800000077")),
                ("13800000078", None, None), ("gas09", None, None)]
        for name, enc, index in rows:
            db.session.execute(sa.text(
                "INSERT INTO users (username, password_hash, role, phone_enc, phone_index, active, created_at) "
                "VALUES (:u, 'x', 'resident', :e, :i, 1, '2026-01-01 00:00:00')"), {"u": name, "e": enc, "i": index})
        db.session.commit()
        upgrade(revision="0010")
        users = {r.id: r for r in db.session.execute(sa.text(
            "SELECT id, username, phone_enc, phone_index, session_version FROM users ORDER BY id"))}
        assert [u.username.startswith("r_") for u in users.values()] == [True, True, False]
        assert decrypt(users[1].phone_enc) == "13800000077" and users[1].phone_index == blind_index("13800000077")
        assert decrypt(users[2].phone_enc) == "13800000078" and users[2].phone_index == blind_index("13800000078")
        assert users[3].username == "gas09" and all(u.session_version == 0 for u in users.values())
        db.session.remove()
        db.engine.dispose()


# Admin web sessions (issue 12, item 6)

def _csrf(client) -> str:
    page = client.get("/admin/login", follow_redirects=True).get_data(as_text=True)
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)


def _web_sign_in(client, username: str):
    response = client.post("/admin/login", data={"username": username, "password": PASSWORDS[username],
                                                 "csrf_token": _csrf(client)})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return response


def _signed_in(app, cookie: str) -> bool:
    """Whether a browser holding only this session cookie is signed in to the admin pages."""
    other = app.test_client()
    other.set_cookie("session", cookie)
    return other.get("/admin/").status_code == 200


def test_a_copied_session_cookie_stops_working_after_sign_out(app, city):
    client = app.test_client()
    _web_sign_in(client, "command01")
    copied = client.get_cookie("session").value
    assert _signed_in(app, copied)
    assert client.post("/admin/logout", data={"csrf_token": _csrf(client)}).status_code == 302
    assert not _signed_in(app, copied), "the cookie from before sign-out no longer works"
    assert client.get("/admin/").status_code == 302


def test_sessions_end_when_an_admin_changes_the_password_or_access(app, city):
    staff, admin = app.test_client(), app.test_client()
    _web_sign_in(staff, "gas01")
    cookie = staff.get_cookie("session").value
    _web_sign_in(admin, "admin")
    with app.app_context():
        gas01 = db.session.execute(db.select(User).where(User.username == "gas01")).scalar_one()
        user_id, version = gas01.id, gas01.session_version
    form = {"role": "dept_staff", "department": "GAS", "grid": "", "active": "1", "password": "new-gas-pass-77",
            "csrf_token": _csrf(admin)}
    assert admin.post(f"/admin/manage/users/{user_id}", data=form).status_code == 302
    assert not _signed_in(app, cookie), "a new password set by an admin ends the old sessions"
    assert staff.get("/admin/").status_code == 302
    with app.app_context():
        assert db.session.get(User, user_id).session_version > version
    client = app.test_client()
    response = client.post("/admin/login", data={"username": "gas01", "password": "new-gas-pass-77",
                                                 "csrf_token": _csrf(client)})
    assert response.status_code == 302
    cookie = client.get_cookie("session").value
    form.update(password="", department="FIRE", csrf_token=_csrf(admin))
    assert admin.post(f"/admin/manage/users/{user_id}", data=form).status_code == 302
    assert not _signed_in(app, cookie), "a changed department ends the sessions too"


def _set_cookie(response) -> str:
    return next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))


def test_session_cookie_is_lax_httponly_and_secure_outside_demo_and_tests(db_url, tmp_path):
    from server import create_app
    from ..conftest import app_config, fresh_database
    for env, secure in (("test", False), ("production", True)):
        folder = tmp_path / env
        app = create_app(app_config(db_url, folder, GRIDWATCH_ENV=env, SECRET_KEY="k" * 40))
        fresh_database(app)
        from server.demo.seed import seed_reference
        with app.app_context():
            seed_reference()
        client = app.test_client()
        base = "https://gridwatch.example" if secure else "http://localhost"
        page = client.get("/admin/login", base_url=base).get_data(as_text=True)
        token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
        response = client.post("/admin/login", base_url=base, headers={"Referer": base + "/admin/login"},
                               data={"username": "admin", "password": PASSWORDS["admin"], "csrf_token": token})
        assert response.status_code == 302, response.get_data(as_text=True)[:300]
        cookie = _set_cookie(response)
        assert "SameSite=Lax" in cookie and "HttpOnly" in cookie
        assert ("Secure" in cookie) is secure, (env, cookie)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
