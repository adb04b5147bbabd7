"""Sign-in throttling, tokens, the password policy, security headers, personal data, media URLs, the audit log."""
import re
from datetime import timedelta

import pytest

from server.extensions import db
from server.models import AdminAuditLog, ApiToken, Report, User, utcnow

from ..helpers import PASSWORDS, new_uuid
from . import services


@pytest.fixture
def app(world, tmp_path):
    """An app on a copy of the world with tight sign-in limits."""
    app = world.app(tmp_path, SIGNIN_FAILURE_LIMIT="3 per minute", SIGNIN_RATE_LIMIT="8 per minute",
                    REGISTER_RATE_LIMIT="2 per hour")
    yield app
    with app.app_context():
        db.engine.dispose()


def _login(client, username, password, **kwargs):
    return client.post("/api/v1/auth/login", json={"username": username, "password": password}, **kwargs)


# Sign-in throttling

def test_failed_sign_ins_for_one_account_are_throttled_with_retry_after(app):
    client = app.test_client()
    for _ in range(3):
        assert _login(client, "gas01", "wrong-pass-1").status_code == 401
    refused = _login(client, "gas01", "wrong-pass-1")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    body = refused.get_json()
    assert body["code"] == "too_many_requests" and "该账号" in body["message"] and body["errors"] == {}
    assert _login(client, "gas01", PASSWORDS["gas01"]).status_code == 429, "even the right password, for now"
    assert _login(client, "fire01", PASSWORDS["fire01"]).status_code == 200, "other accounts are not locked out"


def test_failures_spread_over_addresses_are_slowed_per_account_but_the_owner_still_gets_in(world, tmp_path):
    app = world.app(tmp_path, SIGNIN_FAILURE_LIMIT="3 per minute", SIGNIN_ACCOUNT_FAILURE_LIMIT="4 per minute")
    client = app.test_client()
    home = {"REMOTE_ADDR": "10.9.9.9"}
    assert _login(client, "gas01", PASSWORDS["gas01"], environ_base=home).status_code == 200
    for i in range(4):
        assert _login(client, "GAS01", "wrong-pass-1", environ_base={"REMOTE_ADDR": f"10.0.0.{i}"}).status_code == 401
    assert _login(client, "gas01", "x-wrong-99", environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 429
    assert _login(client, "gas01", PASSWORDS["gas01"], environ_base={"REMOTE_ADDR": "10.0.0.10"}).status_code == 429, \
        "a new address waits"
    assert _login(client, "gas01", PASSWORDS["gas01"], environ_base=home).status_code == 200, \
        "where the owner signed in before, the right password still works"
    with app.app_context():
        db.engine.dispose()


def test_failures_elsewhere_do_not_lock_the_owner_out(app):
    client = app.test_client()
    attacker, owner = {"REMOTE_ADDR": "10.0.0.66"}, {"REMOTE_ADDR": "10.0.0.7"}
    for _ in range(3):
        assert _login(client, "gas01", "wrong-pass-1", environ_base=attacker).status_code == 401
    assert _login(client, "gas01", PASSWORDS["gas01"], environ_base=attacker).status_code == 429
    assert _login(client, "gas01", PASSWORDS["gas01"], environ_base=owner).status_code == 200, \
        "ten wrong guesses from elsewhere do not lock the real user out"


def test_one_failure_counter_for_the_api_and_the_admin_form(app):
    if "admin.login" not in app.view_functions:
        pytest.skip("no admin web in this build")
    client = app.test_client()
    form = client.get("/admin/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
    assert _login(client, "command01", "wrong-pass-1").status_code == 401
    assert client.post("/admin/login", data={"username": "command01", "password": "wrong-pass-2",
                                             "csrf_token": csrf}).status_code == 401
    assert _login(client, "command01", "wrong-pass-3").status_code == 401
    assert _login(client, "command01", "wrong-pass-4").status_code == 429, "3 failures in all, not 3 per door"
    assert client.post("/admin/login", data={"username": "command01", "password": "wrong-pass-5",
                                             "csrf_token": csrf}).status_code == 429


def test_failures_over_many_accounts_from_one_address_are_capped(world, tmp_path):
    app = world.app(tmp_path, SIGNIN_ADDRESS_FAILURE_LIMIT="4 per minute")
    client = app.test_client()
    here = {"REMOTE_ADDR": "10.3.3.3"}
    for name in ("gas01", "fire01", "waterx01", "admin"):
        assert _login(client, name, "wrong-pass-1", environ_base=here).status_code == 401
    assert _login(client, "command01", "wrong-pass-1", environ_base=here).status_code == 429
    assert _login(client, "command01", PASSWORDS["command01"], environ_base={"REMOTE_ADDR": "10.3.3.4"}
                  ).status_code == 200
    with app.app_context():
        db.engine.dispose()


def test_every_attempt_from_one_address_counts(app):
    client = app.test_client()
    statuses = [_login(client, f"user{i}", "wrong-pass-1").status_code for i in range(9)]
    assert statuses[:8] == [401] * 8 and statuses[8] == 429
    other = _login(client, "fire01", PASSWORDS["fire01"], environ_base={"REMOTE_ADDR": "10.1.1.1"})
    assert other.status_code == 200


def test_registration_is_throttled_per_address(app):
    client = app.test_client()
    statuses = [client.post("/api/v1/auth/register", json={"phone": f"1370000001{i}", "password": "fresh-pass-77"}
                            ).status_code for i in range(3)]
    assert statuses == [201, 201, 429]


def test_admin_web_sign_in_form_is_throttled_too(app):
    if "admin.login" not in app.view_functions:
        pytest.skip("no admin web in this build")
    client = app.test_client()
    form = client.get("/admin/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
    statuses = [client.post("/admin/login", data={"username": "command01", "password": "wrong-pass-1",
                                                  "csrf_token": csrf}).status_code for _ in range(4)]
    assert statuses[:3] != [429] * 3 and statuses[3] == 429


def test_counters_live_in_redis_when_configured_and_sign_in_survives_redis_going_away(world, tmp_path):
    if services.redis_server() is None:
        pytest.skip("redis-server not found")
    from redis import Redis
    redis = services.PrivateRedis()
    try:
        app = world.app(tmp_path, REDIS_URL=redis.url, SIGNIN_FAILURE_LIMIT="3 per minute")
        client = app.test_client()
        for _ in range(3):
            assert _login(client, "gas01", "wrong-pass-1").status_code == 401
        assert _login(client, "gas01", "wrong-pass-1").status_code == 429
        assert any(b"gridwatch-limits" in k for k in Redis.from_url(redis.url).keys("*")), \
            "shared by every web process"
        assert _login(client, "+86 138 0000 0001", "wrong-pass-1").status_code == 401
        assert not [k for k in Redis.from_url(redis.url).keys("*") if b"0000 0001" in k or b"13800000001" in k], \
            "no phone number in the keys"
        redis.stop()
        assert _login(client, "fire01", PASSWORDS["fire01"]).status_code == 200, "falls back to memory"
        with app.app_context():
            db.engine.dispose()
    finally:
        redis.destroy()


# Tokens

def test_tokens_are_stored_hashed_expire_and_are_revoked(app, world):
    client = app.test_client()
    body = _login(client, "gas01", PASSWORDS["gas01"]).get_json()
    token = body["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    with app.app_context():
        rows = db.session.execute(db.select(ApiToken)).scalars().all()
        assert all(token not in (r.token_hash or "") for r in rows) and all(len(r.token_hash) == 64 for r in rows)
        from server.accounts.security import token_hash
        row = next(r for r in rows if r.token_hash == token_hash(token))
        assert row.user.username == "gas01" and row.revoked_at is None
        assert abs((row.expires_at - utcnow()) - timedelta(hours=app.config["TOKEN_TTL_HOURS"])) < timedelta(minutes=1)
        row_id = row.id
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 200
    with app.app_context():  # expiry
        db.session.get(ApiToken, row_id).expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    expired = client.get("/api/v1/auth/me", headers=headers)
    assert expired.status_code == 401 and expired.get_json()["code"] == "invalid_token"
    # revocation: signing out ends that token only
    fresh = {"Authorization": "Bearer " + _login(client, "gas01", PASSWORDS["gas01"]).get_json()["access_token"]}
    assert client.post("/api/v1/auth/logout", headers=fresh).status_code == 204
    for url in ("/api/v1/auth/me", "/api/v1/reports", f"/api/v1/media/{world.ids['media']}"):
        assert client.get(url, headers=fresh).status_code == 401
    assert client.post("/api/v1/auth/logout", headers=fresh).status_code == 401
    assert client.get("/api/v1/auth/me", headers=world.headers("dept_routed")).status_code == 200


def test_deactivated_users_tokens_stop_working_at_once(app, world):
    client = app.test_client()
    assert client.get("/api/v1/auth/me", headers=world.headers("owner")).status_code == 200
    with app.app_context():
        from server.accounts.service import find_user
        find_user("13800000001").active = False
        db.session.commit()
    assert client.get("/api/v1/auth/me", headers=world.headers("owner")).status_code == 401
    assert _login(client, "13800000001", PASSWORDS["13800000001"]).status_code == 401


@pytest.mark.parametrize("header", ["Bearer", "Bearer ", "Basic abc", "bearer " + "x" * 43, "Token abc", ""])
def test_malformed_authorization_is_401(app, header):
    response = app.test_client().get("/api/v1/auth/me", headers={"Authorization": header})
    assert response.status_code == 401 and response.get_json()["code"] in ("unauthorized", "invalid_token")


# The password policy

@pytest.mark.parametrize("password, why", [
    ("short1!", "at least 8"),
    ("12345678901", "only digits"),
    ("abcdefghij", "mix"),
    ("password123", "too common"),
    ("qwerty123", "too common"),
    ("aaaaaaaa1", "too common"),
    ("13700000055", "only digits"),
    ("x13700000055!", "phone"),
])
def test_register_refuses_weak_passwords_with_a_clear_message(app, password, why):
    response = app.test_client().post("/api/v1/auth/register", json={"phone": "13700000055", "password": password},
                                      headers={"Accept-Language": "en"})  # the English text (Chinese by default)
    body = response.get_json()
    assert response.status_code == 422 and body["code"] in ("validation_error", "unprocessable_entity"), body
    assert why in body["errors"]["password"][0], body


def test_user_creation_applies_the_same_policy(app):
    from server.accounts.service import AccountError, create_user
    with app.app_context():
        for password in ("12345678", "gridwatch123", "inspector7-x", "Inspector7"):
            with pytest.raises(AccountError):
                create_user(username="inspector7", role="supervisor", password=password)
        assert create_user(username="inspector7", role="supervisor", password="long-walk-42").id


def test_good_passwords_are_accepted():
    from server.accounts.passwords import password_problem
    for password in ("demo-resident-2026", "桂花园-2026", "correct horse battery", "Xk9#mv2q"):
        assert password_problem(password, username="13800000001", phone="13800000001") is None


# Security headers

def test_api_responses_carry_security_headers_and_hsts_only_over_https(app, world):
    client = app.test_client()
    plain = client.get("/api/v1/reports", headers=world.headers("owner"))
    for name, value in (("X-Content-Type-Options", "nosniff"), ("X-Frame-Options", "DENY"),
                        ("Referrer-Policy", "same-origin")):
        assert plain.headers[name] == value
    assert "default-src 'none'" in plain.headers["Content-Security-Policy"]
    assert "Strict-Transport-Security" not in plain.headers
    secure = client.get("/api/v1/categories", base_url="https://gridwatch.example")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    error = client.get("/api/v1/nothing-here")
    assert error.status_code == 404 and error.headers["X-Content-Type-Options"] == "nosniff"


def test_proxy_headers_are_trusted_only_when_configured(world, tmp_path):
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    untrusted = world.app(tmp_path / "a").test_client().get("/api/v1/categories", headers=forwarded)
    assert "Strict-Transport-Security" not in untrusted.headers
    trusted = world.app(tmp_path / "b", TRUSTED_PROXIES=1).test_client().get("/api/v1/categories", headers=forwarded)
    assert "Strict-Transport-Security" in trusted.headers


def test_admin_pages_get_a_csp_with_only_this_server_and_the_tile_host(world, tmp_path):
    from server.web.headers import admin_csp
    app = world.app(tmp_path, ADMIN_TILE_URL="https://{s}.tile.example.org/{z}/{x}/{y}.png")
    if "admin.login" not in app.view_functions:
        pytest.skip("no admin web in this build")
    page = app.test_client().get("/admin/login")
    assert page.status_code == 200
    csp = page.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["img-src"] == "'self' data: blob: https://*.tile.example.org"
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    html = page.get_data(as_text=True)
    assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", html), "no inline scripts"
    assert " style=" not in html and "<style" not in html, "no inline styles"
    for src in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert not src.startswith(("http:", "https:", "//")), f"not self-hosted: {src}"
    assert "img-src 'self' data: blob:;" in admin_csp(None)


# Personal data

def test_phone_numbers_are_encrypted_at_rest_and_masked_in_the_api(app, world):
    with app.app_context():
        from server.accounts.security import blind_index
        raw = db.session.execute(db.text("SELECT username, phone_enc, phone_index FROM users WHERE phone_index = :i"),
                                 {"i": blind_index("13800000001")}).one()
    assert raw.username.startswith("r_")
    assert "13800000001" not in raw.phone_enc and raw.phone_enc.startswith("gAAAA") and len(raw.phone_index) == 64
    me = app.test_client().get("/api/v1/auth/me", headers=world.headers("owner")).get_json()
    assert me["phone"] == "138****0001"


def test_departments_see_a_masked_name_and_masked_text_supervisors_the_original(app, world):
    client = app.test_client()
    rid = world.ids["report"]
    dept = client.get(f"/api/v1/reports/{rid}", headers=world.headers("dept_routed")).get_json()
    grid = client.get(f"/api/v1/reports/{rid}", headers=world.headers("grid_same")).get_json()
    sup = client.get(f"/api/v1/reports/{rid}", headers=world.headers("supervisor")).get_json()
    owner = client.get(f"/api/v1/reports/{rid}", headers=world.headers("owner")).get_json()
    assert dept["reporter"] == grid["reporter"] == "张**"
    assert sup["reporter"] == owner["reporter"] == "张女士"
    assert "13912345678" not in dept["text"] and "139****5678" in dept["text"] and "13912345678" in sup["text"]


def test_transcript_segments_are_masked_for_departments(app, world):
    from server.models import Media, Transcript
    with app.app_context():
        media = db.session.get(Media, world.ids["media"])
        db.session.add(Transcript(report_id=media.report_id, media_id=media.id, status="ok",
                                  text="我的电话13912345678", segments=[{"start": 0.0, "end": 2.0,
                                                                        "text": "我的电话13912345678"}]))
        db.session.commit()
    client = app.test_client()
    dept = client.get(f"/api/v1/reports/{world.ids['report']}", headers=world.headers("dept_routed")).get_json()
    sup = client.get(f"/api/v1/reports/{world.ids['report']}", headers=world.headers("supervisor")).get_json()
    assert "13912345678" not in str(dept["transcripts"]) and "13912345678" in str(sup["transcripts"])


# Media URLs

def test_media_urls_cannot_be_guessed_and_are_checked_on_every_request(app, world):
    client = app.test_client()
    report = client.get(f"/api/v1/reports/{world.ids['report']}", headers=world.headers("owner")).get_json()
    media = report["media"][0]
    media_id = media["url"].rsplit("/", 1)[-1]
    assert len(media_id) >= 24 and re.fullmatch(r"[A-Za-z0-9_-]+", media_id), "about 144 random bits"
    with app.app_context():
        row = db.session.execute(db.text("SELECT storage_key, sha256 FROM media WHERE id = :id"),
                                 {"id": media_id}).one()
    assert row.storage_key not in str(report) and row.sha256 not in str(report), "no storage keys or hashes shown"
    seen = client.get(media["url"], headers=world.headers("grid_same"))
    assert seen.status_code == 200 and seen.headers["Cache-Control"].startswith("private")
    assert seen.headers["X-Content-Type-Options"] == "nosniff"
    with app.app_context():  # the grid worker moves to another grid: the same URL stops working at once
        from server.models import Area
        other = db.session.execute(db.select(Area).where(Area.code == "D01-S01-C01-G03")).scalar_one()
        db.session.execute(db.update(User).where(User.username == "grid01").values(grid_id=other.id))
        db.session.commit()
    assert client.get(media["url"], headers=world.headers("grid_same")).status_code == 404
    assert client.get(media["url"]).status_code == 401
    near = media_id[:-1] + ("A" if media_id[-1] != "A" else "B")  # one character off
    assert client.get(f"/api/v1/media/{near}", headers=world.headers("supervisor")).status_code == 404
    assert client.get("/api/v1/media/..%2F..%2Fetc%2Fpasswd", headers=world.headers("supervisor")).status_code == 404


# Audit

def test_admin_changes_through_the_api_are_audited(app, world):
    from server.plans.service import shipped_plans
    client = app.test_client()
    response = client.put("/api/v1/plans", json={"plans": shipped_plans()}, headers=world.headers("admin"))
    assert response.status_code == 200, response.get_json()
    refused = client.put("/api/v1/plans", json={"plans": []}, headers=world.headers("supervisor"))
    assert refused.status_code == 403
    with app.app_context():
        rows = db.session.execute(db.select(AdminAuditLog).where(AdminAuditLog.action == "plans.replace")).scalars()
        rows = list(rows)
        assert len(rows) == 1 and rows[0].user.username == "admin" and rows[0].data["via"] == "api"
        assert rows[0].ip and "accident.gas_leak" in rows[0].data["categories"]


def test_reports_are_never_deleted_through_the_api(app, world):
    client = app.test_client()
    for role in ("owner", "supervisor", "admin"):
        assert client.delete(f"/api/v1/reports/{world.ids['report']}", headers=world.headers(role)).status_code == 405
    with app.app_context():
        assert db.session.get(Report, world.ids["report"]) is not None


def test_new_report_by_resident_is_not_visible_to_another(app, world):
    client = app.test_client()
    created = client.post("/api/v1/reports", json={"client_uuid": new_uuid(), "text": "电梯困人了"},
                          headers=world.headers("other_resident"))
    assert created.status_code == 201
    assert client.get(f"/api/v1/reports/{created.get_json()['id']}", headers=world.headers("owner")).status_code == 404


def test_unknown_accounts_cost_the_same_password_check(app, monkeypatch):
    """No timing oracle for who has an account (phone numbers are personal data)."""
    from server.accounts import security
    calls = []
    original = security.verify_password
    monkeypatch.setattr("server.accounts.api.verify_password", lambda h, p: calls.append(h) or original(h, p))
    client = app.test_client()
    assert _login(client, "13999999999", "wrong-pass-1").status_code == 401
    assert _login(client, "gas01", "wrong-pass-1").status_code == 401
    assert len(calls) == 2 and all(h.startswith("$argon2id$") for h in calls)


def test_interop_administration_through_the_api_is_audited(app, world):
    client = app.test_client()
    admin, staff = world.headers("admin"), world.headers("dept_routed")
    key = client.post("/api/v1/apikeys", json={"name": "partner-audit"}, headers=admin)
    assert key.status_code == 201
    assert client.delete(f"/api/v1/apikeys/{key.get_json()['id']}", headers=admin).status_code == 200
    hook = client.post("/api/v1/webhooks", json={"url": "https://127.0.0.1:9/other-hook"}, headers=staff)
    assert hook.status_code == 201
    assert client.post(f"/api/v1/webhooks/{hook.get_json()['id']}/secret", headers=staff).status_code == 200
    assert client.delete(f"/api/v1/webhooks/{hook.get_json()['id']}", headers=staff).status_code == 200
    assert client.put("/api/v1/open311/services/accident.gas_leak/attributes", json={"attributes": []},
                      headers=admin).status_code == 200
    assert client.delete("/api/v1/webhooks/999999", headers=staff).status_code == 404
    with app.app_context():
        rows = db.session.execute(db.select(AdminAuditLog).order_by(AdminAuditLog.id)).scalars().all()
        actions = [(r.action, r.user.username if r.user else None) for r in rows if r.data.get("via") == "api"]
    assert actions == [("apikey.create", "admin"), ("apikey.revoke", "admin"), ("webhook.create", "gas01"),
                       ("webhook.rotate_secret", "gas01"), ("webhook.disable", "gas01"),
                       ("open311.attributes", "admin")]


def test_security_headers_keep_a_views_own_and_replace_the_forced_ones():
    from server.web.headers import API_CSP, add_security_headers, admin_csp
    headers = [("Content-Type", "application/json; charset=utf-8"), ("X-Frame-Options", "SAMEORIGIN"),
               ("x-frame-options", "ALLOW-FROM https://evil.example"), ("Referrer-Policy", "no-referrer")]
    add_security_headers({"PATH_INFO": "/public/map.json", "wsgi.url_scheme": "https"}, headers)
    names = [name.lower() for name, _ in headers]
    assert names.count("x-frame-options") == 1 and dict(headers)["X-Frame-Options"] == "DENY"
    assert dict(headers)["Referrer-Policy"] == "no-referrer", "the view's own policy stays"
    assert dict(headers)["Content-Security-Policy"] == API_CSP, "JSON outside /api/ gets the API policy too"
    assert dict(headers)["X-Content-Type-Options"] == "nosniff"
    assert dict(headers)["Strict-Transport-Security"].startswith("max-age=")
    page = [("Content-Type", "text/html"), ("Content-Security-Policy", "default-src *")]
    add_security_headers({"PATH_INFO": "/admin/cases", "wsgi.url_scheme": "http"}, page, None)
    assert [v for k, v in page if k == "Content-Security-Policy"] == [admin_csp(None)], "the admin's replaces any"
    assert "Strict-Transport-Security" not in dict(page)
