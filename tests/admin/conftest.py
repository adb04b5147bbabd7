"""Fixtures for the admin pages: a demo city seeded once per session, copied for every test that changes it."""
import re
import shutil
import uuid

import pytest

from server import create_app
from server.extensions import db

from ..conftest import app_config, clear_caches
from ..helpers import PASSWORDS

XSS_TEXT = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">楼道里燃气味很重 <b>粗体</b>'
SUPERVISOR, DEPT, ADMIN, GRID_WORKER, RESIDENT = "command01", "gas01", "admin", "grid01", "13800000001"


def _config(db_path, folder, media_root):
    return app_config(f"sqlite:///{db_path}", folder, MEDIA_ROOT=str(media_root), RATELIMIT_ENABLED=False)


@pytest.fixture(scope="session")
def demo_city(seeded_demo, tmp_path_factory):
    """The demo city with its ~200 processed reports and hotspots, plus one report whose text holds HTML."""
    from server.demo.seed import process_pending
    from server.reports.intake import accept_report
    from server.accounts.service import find_user
    base = tmp_path_factory.mktemp("admin-demo")
    shutil.copy(seeded_demo.folder / "demo.db", base / "demo.db")
    shutil.copytree(seeded_demo.folder / "media", base / "media")
    clear_caches()
    app = create_app(_config(base / "demo.db", base, base / "media"))
    with app.app_context():
        resident = find_user(RESIDENT)  # residents sign in by phone number; their usernames are generated
        report, _ = accept_report(resident, {"client_uuid": str(uuid.uuid4()), "text": XSS_TEXT, "lat": 30.27,
                                             "lon": 120.15, "address": "<i>地址</i>"}, [], None, check_channel=False)
        process_pending()
        db.session.execute(db.text("PRAGMA wal_checkpoint(TRUNCATE)"))
        db.session.remove()
        db.engine.dispose()
    clear_caches()
    return base


@pytest.fixture
def admin_app(demo_city, tmp_path):
    """An app on a private copy of the demo database (media shared: it is content-addressed)."""
    shutil.copy(demo_city / "demo.db", tmp_path / "demo.db")
    clear_caches()
    app = create_app(_config(tmp_path / "demo.db", tmp_path, demo_city / "media"))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    clear_caches()


def csrf_token(client) -> str:
    """The session's CSRF token, read from a page."""
    page = client.get("/admin/login", follow_redirects=True).get_data(as_text=True)
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)


def sign_in(client, username: str):
    """Sign in through the form; returns the response."""
    return client.post("/admin/login", data={"username": username, "password": PASSWORDS[username],
                                             "csrf_token": csrf_token(client)})


def post(client, url: str, data: dict | None = None, **kwargs):
    """A form post with the session's CSRF token."""
    return client.post(url, data={**(data or {}), "csrf_token": csrf_token(client)}, **kwargs)


@pytest.fixture
def as_user(admin_app):
    """A signed-in test client for a demo username."""
    def make(username: str):
        client = admin_app.test_client()
        assert sign_in(client, username).status_code == 302
        return client
    return make
