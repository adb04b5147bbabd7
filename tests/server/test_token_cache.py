"""The intake's token cache (server.accounts.token_cache): fewer lookups, and every revocation still at once, in
every process."""
import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from redis import Redis
from sqlalchemy import event

from server import create_app
from server.extensions import db
from server.models import ApiToken, User, utcnow
from tests.conftest import REDIS_URL, app_config

from ..helpers import LOGIN, login, new_uuid

REPO = Path(__file__).resolve().parents[2]
CLOSED_PORT_REDIS = "redis://127.0.0.1:1/0"  # nothing listens there: an unreachable Redis


@pytest.fixture
def second(redis_app, tmp_path):
    """Another web process on the same database and Redis (its own extensions, so its own token cache)."""
    return create_app(app_config(redis_app.config["SQLALCHEMY_DATABASE_URI"], tmp_path / "second",
                                 REDIS_URL=REDIS_URL))


@contextmanager
def token_selects(app):
    """Counts the statements that read api_tokens while the block runs."""
    seen = []

    def watch(_conn, _cursor, statement, *_args):
        if "FROM api_tokens" in statement:
            seen.append(statement)
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", watch)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", watch)


def post(client, headers, **fields):
    return client.post("/api/v1/reports", json={"client_uuid": new_uuid(), "text": "井盖缺失", **fields},
                       headers=headers)


def warm(client, headers):
    """Two intakes: the first learns whose token it is, the second caches it under the stamps."""
    assert [post(client, headers).status_code for _ in range(2)] == [201, 201]


def user_id(client, headers) -> int:
    return client.get("/api/v1/auth/me", headers=headers).get_json()["id"]


def test_intake_reads_the_token_from_the_cache_after_two_lookups(redis_app):
    client = redis_app.test_client()
    headers = login(client, LOGIN["resident"])
    with token_selects(redis_app) as selects:
        warm(client, headers)
    assert len(selects) == 2
    with token_selects(redis_app) as selects:
        response = post(client, headers)
    assert response.status_code == 201 and selects == []
    assert response.get_json()["reporter"]  # the cached user is the session's reporter, name and all
    with token_selects(redis_app) as selects:  # other views always look the token up
        assert client.get("/api/v1/auth/me", headers=headers).status_code == 200
    assert len(selects) == 1


def test_logout_in_one_process_ends_the_token_cached_in_another_at_once(redis_app, second):
    one, two = redis_app.test_client(), second.test_client()
    headers = login(one, LOGIN["resident"])
    warm(two, headers)
    assert one.post("/api/v1/auth/logout", headers=headers).status_code == 204
    response = post(two, headers)
    assert response.status_code == 401 and response.get_json()["code"] == "invalid_token"


def test_a_revocation_by_a_separate_os_process_ends_the_cached_token(redis_app, tmp_path):
    """The password-change path (revoke every token of the user) run by another Python process."""
    client = redis_app.test_client()
    headers = login(client, LOGIN["resident"])
    warm(client, headers)
    script = (
        "import sys\nfrom pathlib import Path\n"
        "from server import create_app\n"
        "from server.accounts.auth import revoke_user_tokens\n"
        "from server.extensions import db\n"
        "from tests.conftest import app_config\n"
        "app = create_app(app_config(sys.argv[1], Path(sys.argv[2]), REDIS_URL=sys.argv[3]))\n"
        "with app.app_context():\n"
        "    print(revoke_user_tokens(int(sys.argv[4])))\n"
        "    db.session.commit()\n")
    done = subprocess.run([sys.executable, "-c", script, redis_app.config["SQLALCHEMY_DATABASE_URI"],
                           str(tmp_path / "other"), REDIS_URL, str(user_id(client, headers))],
                          cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert int(done.stdout.split()[-1]) >= 1
    assert post(client, headers).status_code == 401
    fresh = login(client, LOGIN["resident"])
    assert post(client, fresh).status_code == 201


def test_deactivation_ends_the_cached_token(redis_app, second):
    client = redis_app.test_client()
    headers = login(client, LOGIN["resident"])
    warm(client, headers)
    with second.app_context():
        db.session.get(User, user_id(client, headers)).active = False  # no token revoked: the account check alone
        db.session.commit()
    assert post(client, headers).status_code == 401


def test_a_changed_role_is_seen_at_once_not_the_cached_one(redis_app, second):
    client = redis_app.test_client()
    headers = login(client, LOGIN["resident"])
    warm(client, headers)
    with second.app_context():
        db.session.get(User, user_id(client, headers)).role = "dept_staff"  # without revoking its tokens
        db.session.commit()
    response = post(client, headers, channel="app")  # residents may, department staff may not
    assert response.status_code == 422 and "channel" in response.get_json()["errors"]


def test_a_bulk_update_of_tokens_ends_every_cached_token(redis_app, second):
    client = redis_app.test_client()
    headers = login(client, LOGIN["resident"])
    warm(client, headers)
    with second.app_context():
        db.session.execute(db.update(ApiToken).values(revoked_at=utcnow()))
        db.session.commit()
    assert post(client, headers).status_code == 401


def test_stamps_lost_in_redis_mean_a_fresh_lookup(redis_app):
    client = redis_app.test_client()
    headers = login(client, LOGIN["resident"])
    warm(client, headers)
    Redis.from_url(REDIS_URL).flushdb()  # a Redis restart without persistence
    with token_selects(redis_app) as selects:
        assert post(client, headers).status_code == 201
    assert len(selects) == 1


def test_with_redis_unreachable_tokens_are_read_from_the_database_and_revocations_are_refused(redis_app):
    client = redis_app.test_client()
    headers = login(client, LOGIN["resident"])
    warm(client, headers)
    with redis_app.app_context():
        cache = redis_app.extensions["gridwatch_token_cache"]
    reachable, cache.redis = cache.redis, Redis.from_url(CLOSED_PORT_REDIS, socket_connect_timeout=1)
    try:
        with token_selects(redis_app) as selects:
            assert post(client, headers).status_code == 201
        assert len(selects) == 1
        # A logout that other processes could not hear of is not committed: they might still trust the token.
        response = client.post("/api/v1/auth/logout", headers=headers)
        assert response.status_code == 503 and response.get_json()["code"] == "service_unavailable"
    finally:
        cache.redis = reachable
    assert post(client, headers).status_code == 201  # still signed in: the refused logout changed nothing
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    assert post(client, headers).status_code == 401
