"""Fixtures: apps built from the factory on SQLite and on the local PostgreSQL."""
import json
import os
import shutil
import uuid
from types import SimpleNamespace
from urllib.parse import urlsplit, urlunsplit

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from server import create_app
from server.extensions import db

PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def worker_redis_url(base: str, worker: str | None) -> str:
    """The Redis database of one pytest-xdist worker: the base URL's db number plus the worker's index, modulo 16
    (gw0 keeps the base db, gw1 the next one ...); the base URL itself without xdist."""
    if not worker or not worker.startswith("gw"):
        return base
    parts = urlsplit(base)
    number = parts.path.strip("/")
    db_number = (int(number) if number.isdigit() else 0) + int(worker[2:])
    return urlunsplit(parts._replace(path=f"/{db_number % 16}"))


class BufferedClient(FlaskClient):
    """The test client, reading every answer whole before it returns (``buffered``): a streamed answer (an export)
    that a test checks only by its status would otherwise keep its generator, and the app context that generator
    holds, until the garbage collector closes it in another test's app context ("Popped wrong app context")."""

    def open(self, *args, buffered=True, **kwargs):
        return super().open(*args, buffered=buffered, **kwargs)


Flask.test_client_class = BufferedClient

# Every worker process flushes its own db: TEST_REDIS_URL (default db 13) is the first worker's.
REDIS_URL = worker_redis_url(os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13"),
                             os.environ.get("PYTEST_XDIST_WORKER"))
BACKENDS = ["sqlite", "postgres"]


def _share_route_builders() -> None:
    """Most of create_app's time (~2,500 apps per run) is werkzeug compiling a URL builder function per route and
    app, from an AST, the same ~900 functions every time. The function depends only on the rule's parsed parts, its
    defaults and the flag (it reaches converters through its ``.self`` argument), so one compiled function per key
    serves every app of the session. Left alone if werkzeug's internals change."""
    from werkzeug.routing.rules import Rule
    compile_builder = getattr(Rule, "_compile_builder", None)
    if compile_builder is None or getattr(compile_builder, "shared", False):
        return
    cache: dict = {}

    def shared(self, append_unknown: bool = True):
        trace, converters = getattr(self, "_trace", None), getattr(self, "_converters", None)
        if trace is None or converters is None:
            return compile_builder(self, append_unknown)
        defaults = self.defaults or {}
        try:
            key = (tuple(trace), append_unknown, tuple(sorted(defaults)),
                   tuple((name, converters[name].to_url(value) if name in converters else None)
                         for name, value in sorted(defaults.items())))
            hash(key)
        except Exception:  # an unhashable or unconvertible default: compile as usual
            return compile_builder(self, append_unknown)
        if key not in cache:
            cache[key] = compile_builder(self, append_unknown)
        return cache[key]

    shared.shared = True
    Rule._compile_builder = shared


_share_route_builders()


@pytest.fixture(scope="session")
def pg_url():
    """A private schema in the local PostgreSQL database ``test``, dropped at the end. Its sessions commit without
    waiting for the WAL flush (synchronous_commit=off: ~1 ms a commit instead of ~8; what a commit makes visible to
    other sessions is unchanged, only a crash of the server could lose the last commits of a test run)."""
    schema = f"gw_test_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    yield f"{PG_URL}?options=-csearch_path%3D{schema}%20-csynchronous_commit%3Doff"
    with engine.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
    engine.dispose()


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory):
    """A database file for the session."""
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'gridwatch.db'}"


def app_config(db_url: str, tmp_path, **overrides) -> dict:
    """Settings for an app under test."""
    config = {
        "GRIDWATCH_ENV": "test", "SQLALCHEMY_DATABASE_URI": db_url, "REDIS_URL": None,
        "MEDIA_ROOT": str(tmp_path / "media"), "INSTANCE_DIR": str(tmp_path),
        "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_KIB": 1024, "PIPELINE_RETRY_INTERVALS": [0, 1, 1],
        "WHISPER_MODEL": "absent-model", "WHISPER_THREADS": 1, "WHISPER_MODEL_DIR": str(tmp_path / "no-models"),
        # Tests send many reports from one account and address; the intake limits' own tests lower these.
        "INTAKE_RATE_LIMIT_ACCOUNT": "10000 per minute", "INTAKE_RATE_LIMIT_ADDRESS": "10000 per minute",
    }
    config.update(overrides)
    return config


_migrated: set[str] = set()


def clear_caches() -> None:
    """Forget what worker processes cache between jobs (taxonomy, areas, IDF, departments with webhooks)."""
    from server.hotspots import service as hotspots, keyword_idf
    from server.taxonomy import source as taxonomy_source
    from server.pipeline import places
    from server.webhooks import service as webhooks
    for module in (hotspots, keyword_idf, taxonomy_source, places, webhooks):
        module.invalidate()


def fresh_database(app) -> None:
    """Migrate once per database, then empty every table."""
    from flask_migrate import upgrade
    with app.app_context():
        url = app.config["SQLALCHEMY_DATABASE_URI"]
        if url not in _migrated:
            upgrade()
            _migrated.add(url)
        tables = [t.name for t in db.metadata.sorted_tables]
        if db.engine.dialect.name == "postgresql":
            _empty_postgres(tables)
        else:
            with db.engine.begin() as conn:
                conn.execute(sa.text("PRAGMA foreign_keys=OFF"))
                for table in reversed(tables):
                    conn.execute(sa.text(f"DELETE FROM {table}"))
                conn.execute(sa.text("PRAGMA foreign_keys=ON"))
        db.session.remove()
    clear_caches()


# The sequences owned by columns of the given tables in the current schema (what RESTART IDENTITY restarts).
_OWNED_SEQUENCES = sa.text(
    "SELECT s.relname FROM pg_class s JOIN pg_depend d ON d.objid = s.oid AND d.deptype IN ('a', 'i') "
    "JOIN pg_class t ON t.oid = d.refobjid JOIN pg_namespace n ON n.oid = s.relnamespace "
    "WHERE s.relkind = 'S' AND n.nspname = current_schema() AND t.relname = ANY(:tables)")


def _empty_postgres(tables: list[str]) -> None:
    """DELETE every row and restart the tables' sequences: the same as TRUNCATE ... RESTART IDENTITY for a test's
    few rows, without TRUNCATE's new files for ~50 tables (several seconds of disk syncs per test)."""
    try:
        with db.engine.begin() as conn:
            conn.execute(sa.text("SET LOCAL session_replication_role = replica"))  # no FK checks (cycles)
            for table in reversed(tables):
                conn.execute(sa.text(f"DELETE FROM {table}"))
            for sequence in conn.execute(_OWNED_SEQUENCES, {"tables": tables}).scalars():
                conn.execute(sa.text(f'ALTER SEQUENCE "{sequence}" RESTART'))
    except sa.exc.ProgrammingError:  # not a superuser: cannot switch off the FK triggers
        with db.engine.begin() as conn:
            conn.execute(sa.text("TRUNCATE " + ", ".join(tables) + " RESTART IDENTITY CASCADE"))


@pytest.fixture(scope="session")
def seeded_demo(tmp_path_factory):
    """The demo city as ``seed()`` leaves it (reference data, the ~200 demo reports processed, hotspots; no history),
    seeded once per session: ``folder`` holds demo.db and media/, ``lines`` is what seed() returned. Tests copy the
    file (and the media) before changing anything. Under pytest-xdist the first worker that needs it seeds it into
    the run's shared temporary folder (~35 s of CPU) and the others wait for it and reuse it."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        folder = tmp_path_factory.mktemp("demo-seeded")
        return SimpleNamespace(folder=folder, lines=_seed_demo(folder))
    from filelock import FileLock
    shared = tmp_path_factory.getbasetemp().parent  # the run's folder; each worker's basetemp is inside it
    folder, done = shared / "demo-seeded", shared / "demo-seeded.json"
    with FileLock(str(shared / "demo-seeded.lock")):
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            done.write_text(json.dumps(_seed_demo(folder)), encoding="utf-8")
    return SimpleNamespace(folder=folder, lines=json.loads(done.read_text(encoding="utf-8")))


def _seed_demo(folder) -> list[str]:
    """seed() into folder/demo.db and folder/media; returns its lines."""
    from flask_migrate import upgrade
    from server.demo.seed import seed
    clear_caches()
    app = create_app(app_config(f"sqlite:///{folder / 'demo.db'}", folder, MEDIA_ROOT=str(folder / "media"),
                                RATELIMIT_ENABLED=False))
    with app.app_context():
        upgrade()
        lines = seed()
        db.session.execute(sa.text("PRAGMA wal_checkpoint(TRUNCATE)"))
        db.session.remove()
        db.engine.dispose()
    clear_caches()
    return lines


@pytest.fixture(params=BACKENDS)
def db_url(request, sqlite_url):
    """Each test using this runs on SQLite and on PostgreSQL."""
    return sqlite_url if request.param == "sqlite" else request.getfixturevalue("pg_url")


@pytest.fixture
def app(db_url, tmp_path):
    """An app on an empty, migrated database with the embedded queue (not started)."""
    app = create_app(app_config(db_url, tmp_path))
    fresh_database(app)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    """A test client."""
    return app.test_client()


_reference_rows: dict[str, dict[str, list[dict]]] = {}


def seed_city(app) -> None:
    """seed_reference() on the app's freshly emptied database: for real the first time per database, after that the
    rows it wrote then are inserted again as they were (ids included; a tenth of the time: no ORM, no hashing)."""
    from server.demo.seed import seed_reference
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    with app.app_context():
        if url not in _reference_rows:
            seed_reference()
            _reference_rows[url] = {table.name: [dict(row._mapping) for row in db.session.execute(table.select())]
                                    for table in db.metadata.sorted_tables}
        else:
            try:
                _insert_rows(_reference_rows[url])
            except sa.exc.ProgrammingError:  # PostgreSQL as a non-superuser: FK checks stay on
                seed_reference()
        db.session.remove()


def _insert_rows(rows: dict[str, list[dict]]) -> None:
    """Insert captured rows (tables in dependency order, FK checks off for the copy) and move the sequences on."""
    postgres = db.engine.dialect.name == "postgresql"
    with db.engine.begin() as conn:
        conn.execute(sa.text("SET LOCAL session_replication_role = replica" if postgres else "PRAGMA foreign_keys=OFF"))
        for table in db.metadata.sorted_tables:
            if rows[table.name]:
                conn.execute(table.insert(), rows[table.name])
                key = list(table.primary_key.columns)
                if postgres and len(key) == 1 and isinstance(key[0].type, sa.Integer):
                    quote = conn.dialect.identifier_preparer.quote
                    conn.execute(sa.text(f"SELECT setval(pg_get_serial_sequence(:table, :column), "
                                         f"(SELECT max({quote(key[0].name)}) FROM {quote(table.name)}))"),
                                 {"table": quote(table.name), "column": key[0].name})
        if not postgres:
            conn.execute(sa.text("PRAGMA foreign_keys=ON"))


@pytest.fixture
def city(app):
    """The demo city's reference data: departments, areas, taxonomy and accounts."""
    seed_city(app)
    return app


@pytest.fixture
def redis_app(pg_url, tmp_path):
    """An app on PostgreSQL with RQ on the local Redis (a private db, flushed) and the demo city's reference data."""
    from redis import Redis
    Redis.from_url(REDIS_URL).flushdb()
    app = create_app(app_config(pg_url, tmp_path, REDIS_URL=REDIS_URL))
    fresh_database(app)
    seed_city(app)
    yield app
    Redis.from_url(REDIS_URL).flushdb()
    with app.app_context():
        db.engine.dispose()
