"""The intake's token cache (server.accounts.token_cache): no lookup of its own, and every revocation or change of
the user still seen at once, in every process, however it was made."""
import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import event, text

from server import create_app
from server.extensions import db
from server.models import ApiToken, Report, User, utcnow
from tests.conftest import app_config, fresh_database, seed_city

from ..helpers import LOGIN, count, login, new_uuid

REPO = Path(__file__).resolve().parents[2]
CLOSED_PORT_REDIS = "redis://127.0.0.1:1/0"  # nothing listens there: an unreachable Redis


@pytest.fixture
def second(city, tmp_path):
    """Another web process on the same database (its own extensions, so its own token cache)."""
    return create_app(app_config(city.config["SQLALCHEMY_DATABASE_URI"], tmp_path / "second"))


@contextmanager
def statements(app):
    """The statements that touch api_tokens while the block runs: (lookups, others)."""
    lookups, others = [], []

    def watch(_conn, _cursor, statement, *_args):
        if "api_tokens" in statement:
            (lookups if statement.lstrip().upper().startswith("SELECT") else others).append(statement)
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", watch)
    try:
        yield lookups, others
    finally:
        event.remove(engine, "before_cursor_execute", watch)


def post(client, headers, **fields):
    return client.post("/api/v1/reports", json={"client_uuid": new_uuid(), "text": "井盖缺失", **fields},
                       headers=headers)


def warm(client, headers):
    """One intake: it looks the token up and remembers it."""
    assert post(client, headers).status_code == 201


def user_id(client, headers) -> int:
    return client.get("/api/v1/auth/me", headers=headers).get_json()["id"]


def change_user(app, uid: int, **columns):
    with app.app_context():
        user = db.session.get(User, uid)
        for name, value in columns.items():
            setattr(user, name, value)
        db.session.commit()


def test_intake_proves_the_cached_token_inside_its_insert_and_looks_nothing_up(city):
    city.config.update(INTAKE_RATE_LIMIT_ACCOUNT="", INTAKE_RATE_LIMIT_ADDRESS="")  # see the next test
    client = city.test_client()
    headers = login(client, LOGIN["resident"])
    with statements(city) as (lookups, _):
        warm(client, headers)
    assert len(lookups) == 1
    with statements(city) as (lookups, others):
        response = post(client, headers)
    assert response.status_code == 201 and lookups == []
    assert len(others) == 1 and others[0].lstrip().upper().startswith("INSERT INTO REPORTS")
    assert response.get_json()["reporter"]  # the cached user is the session's reporter, name and all
    with statements(city) as (lookups, _):  # other views always look the token up
        assert client.get("/api/v1/auth/me", headers=headers).status_code == 200
    assert len(lookups) == 1


def test_with_an_account_limit_the_cached_token_is_proven_before_it_is_counted(city):
    city.config.update(INTAKE_RATE_LIMIT_ACCOUNT="100 per minute")
    client = city.test_client()
    headers = login(client, LOGIN["resident"])
    warm(client, headers)
    with statements(city) as (lookups, others):
        assert post(client, headers).status_code == 201
    assert len(lookups) == 1 and lookups[0].lstrip().upper().startswith("SELECT EXISTS")  # no row is read
    assert others == []  # proven already: the INSERT is the plain one


def test_logout_in_one_process_ends_the_token_cached_in_another_at_once(city, second):
    one, two = city.test_client(), second.test_client()
    headers = login(one, LOGIN["resident"])
    warm(two, headers)
    assert one.post("/api/v1/auth/logout", headers=headers).status_code == 204
    response = post(two, headers)
    assert response.status_code == 401 and response.get_json()["code"] == "invalid_token"


def test_a_revocation_by_a_separate_os_process_ends_the_cached_token(city, tmp_path):
    """The password-change path (revoke every token of the user) run by another Python process."""
    client = city.test_client()
    headers = login(client, LOGIN["resident"])
    warm(client, headers)
    script = (
        "import sys\nfrom pathlib import Path\n"
        "from server import create_app\n"
        "from server.accounts.auth import revoke_user_tokens\n"
        "from server.extensions import db\n"
        "from tests.conftest import app_config\n"
        "app = create_app(app_config(sys.argv[1], Path(sys.argv[2])))\n"
        "with app.app_context():\n"
        "    print(revoke_user_tokens(int(sys.argv[3])))\n"
        "    db.session.commit()\n")
    done = subprocess.run([sys.executable, "-c", script, city.config["SQLALCHEMY_DATABASE_URI"],
                           str(tmp_path / "other"), str(user_id(client, headers))],
                          cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert int(done.stdout.split()[-1]) >= 1
    assert post(client, headers).status_code == 401
    fresh = login(client, LOGIN["resident"])
    assert post(client, fresh).status_code == 201


def test_deactivation_ends_the_cached_token(city, second):
    client = city.test_client()
    headers = login(client, LOGIN["resident"])
    warm(client, headers)
    change_user(second, user_id(client, headers), active=False)  # no token revoked: the account check alone
    before = count(city, Report)
    assert post(client, headers).status_code == 401
    assert count(city, Report) == before


def test_a_changed_role_is_seen_at_once_not_the_cached_one(city, second):
    client = city.test_client()
    headers = login(client, LOGIN["resident"])
    warm(client, headers)
    change_user(second, user_id(client, headers), role="dept_staff")  # without revoking its tokens
    before = count(city, Report)
    response = post(client, headers, channel="app")  # residents may, department staff may not
    assert response.status_code == 422 and "channel" in response.get_json()["errors"]
    assert count(city, Report) == before


def test_a_changed_name_is_stored_once_under_the_user_as_now(city, second):
    city.config.update(INTAKE_RATE_LIMIT_ACCOUNT="", INTAKE_RATE_LIMIT_ADDRESS="")  # the INSERT finds the change
    client = city.test_client()
    headers = login(client, LOGIN["resident"])
    warm(client, headers)
    change_user(second, user_id(client, headers), display_name="改名以后")
    before = count(city, Report)
    with statements(city) as (lookups, _):
        response = post(client, headers)
    assert response.status_code == 201 and response.get_json()["reporter"] == "改名以后"
    assert count(city, Report) == before + 1
    assert len(lookups) == 1  # looked up again once, then cached as it now is
    with statements(city) as (lookups, _):
        assert post(client, headers).get_json()["reporter"] == "改名以后"
    assert lookups == []


def test_a_bulk_update_of_tokens_ends_every_cached_token(city, second):
    client = city.test_client()
    headers = login(client, LOGIN["resident"])
    warm(client, headers)
    with second.app_context():
        db.session.execute(db.update(ApiToken).values(revoked_at=utcnow()))
        db.session.commit()
    assert post(client, headers).status_code == 401


def test_a_revocation_in_plain_sql_ends_the_cached_token(city, second):
    client = city.test_client()
    headers = login(client, LOGIN["resident"])
    warm(client, headers)
    with second.app_context():  # outside the ORM: no hook of the application sees it
        db.session.execute(text("UPDATE api_tokens SET revoked_at = expires_at"))
        db.session.commit()
    assert post(client, headers).status_code == 401


def test_a_revoked_token_gets_401_not_the_views_answer(city, second):
    client = city.test_client()
    headers = login(client, LOGIN["resident"])
    uuid = new_uuid()
    assert post(client, headers, client_uuid=uuid).status_code == 201
    assert post(client, headers).status_code == 201  # the token is cached
    with second.app_context():
        db.session.execute(db.update(ApiToken).values(revoked_at=utcnow()))
        db.session.commit()
    invalid = post(client, headers, lat=123.0)  # a 422 for a live token
    assert invalid.status_code == 401 and invalid.get_json()["code"] == "invalid_token"
    resend = post(client, headers, client_uuid=uuid)  # a re-send does not hand out the stored report
    assert resend.status_code == 401 and "text" not in resend.get_json()


def test_a_revoked_cached_token_is_not_counted_against_its_account(city, second):
    city.config.update(INTAKE_RATE_LIMIT_ACCOUNT="3 per minute", INTAKE_RATE_LIMIT_ADDRESS="")
    client = city.test_client()
    headers = login(client, LOGIN["resident"])
    warm(client, headers)
    with second.app_context():
        db.session.execute(db.update(ApiToken).values(revoked_at=utcnow()))
        db.session.commit()
    assert [post(client, headers).status_code for _ in range(3)] == [401] * 3  # counted, if at all, as anonymous
    fresh = login(client, LOGIN["resident"])
    assert [post(client, fresh).status_code for _ in range(3)] == [201, 201, 429]  # one warm-up, two more


def test_signing_out_never_depends_on_redis(pg_url, tmp_path):
    """Revocations are not announced anywhere: with Redis unreachable, a logout commits and ends the token."""
    app = create_app(app_config(pg_url, tmp_path, REDIS_URL=CLOSED_PORT_REDIS))
    fresh_database(app)
    seed_city(app)
    try:
        client = app.test_client()
        headers = login(client, LOGIN["resident"])
        warm(client, headers)  # stored; its queueing waits for the sweeper
        assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
        assert post(client, headers).status_code == 401
    finally:
        with app.app_context():
            db.engine.dispose()
