"""The phone's SQLite database: outbox, cached reports, cached server data, settings."""
import json
import sqlite3
import threading
import time
from contextlib import contextmanager
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    client_uuid TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    payload TEXT NOT NULL,
    files TEXT NOT NULL DEFAULT '[]',
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL,
    last_error TEXT,
    last_http_status INTEGER,
    server_id INTEGER,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    sent_at REAL
);
CREATE INDEX IF NOT EXISTS ix_outbox_due ON outbox (status, next_attempt_at);
CREATE TABLE IF NOT EXISTS my_reports (
    client_uuid TEXT PRIMARY KEY,
    server_id INTEGER,
    data TEXT NOT NULL,
    updated_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS cache (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""


class LocalDb:
    """One SQLite file shared by the UI thread and the sync thread (serialised by a lock)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None)
        self._conn.row_factory = sqlite3.Row
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=FULL")  # a report must survive a power cut
        self._conn.executescript(SCHEMA)

    @contextmanager
    def transaction(self):
        """A write transaction, committed on success."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def query(self, sql: str, params=()) -> list[sqlite3.Row]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def execute(self, sql: str, params=()) -> int:
        """One statement in its own transaction; the number of rows changed."""
        with self._lock:
            return self._conn.execute(sql, params).rowcount

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    # --- key/value helpers ---------------------------------------------------------------------
    def get_cached(self, key: str, default=None):
        rows = self.query("SELECT value FROM cache WHERE key = ?", (key,))
        return json.loads(rows[0]["value"]) if rows else default

    def put_cached(self, key: str, value) -> None:
        self.execute("INSERT INTO cache (key, value, updated_at) VALUES (?, ?, ?) "
                     "ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                     (key, json.dumps(value, ensure_ascii=False), time.time()))

    def cached_at(self, key: str) -> float | None:
        rows = self.query("SELECT updated_at FROM cache WHERE key = ?", (key,))
        return rows[0]["updated_at"] if rows else None

    def drop_cached(self, prefix: str = "") -> None:
        self.execute("DELETE FROM cache WHERE key LIKE ?", (prefix + "%",))
