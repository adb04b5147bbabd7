"""Sign-in, registration, tokens and roles."""
from datetime import timedelta

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
        user = db.session.execute(db.select(User).where(User.username == "13912345678")).scalar_one()
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
