"""The outbox: everything the phone must send, kept until the server has it.

Each item has a UUID made on the phone. Its files are copied into app storage before the row exists,
so that nothing depends on the gallery or the recorder's temp file by the time the network is back.
Statuses: queued → sending → sent | failed_retryable | failed_permanent | conflict.
"""
import enum
import json
import random
import shutil
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from .backoff import backoff_delay
from .localdb import LocalDb


class Status(str, enum.Enum):
    """Where an outbox item is."""

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED_RETRYABLE = "failed_retryable"
    FAILED_PERMANENT = "failed_permanent"
    CONFLICT = "conflict"


class Kind(str, enum.Enum):
    """What an item sends."""

    REPORT = "report"
    PATROL_RESULTS = "patrol_results"
    VERIFICATION = "verification"
    RATING = "rating"
    SUPPORT = "support"  # 我也遇到了


DUE = (Status.QUEUED.value, Status.FAILED_RETRYABLE.value)


@dataclass
class Item:
    """One outbox row."""

    id: int
    client_uuid: str
    kind: str
    title: str
    payload: dict
    files: list[dict]
    status: str
    attempts: int
    next_attempt_at: float
    last_error: str | None
    last_http_status: int | None
    server_id: int | None
    created_at: float
    updated_at: float
    sent_at: float | None

    @classmethod
    def from_row(cls, row) -> "Item":
        data = dict(row)
        data["payload"] = json.loads(data["payload"])
        data["files"] = json.loads(data["files"])
        return cls(**data)

    def file_paths(self, field: str | None = None) -> list[str]:
        return [f["path"] for f in self.files if field is None or f["field"] == field]


class Outbox:
    """Durable queue of items to send, in the phone's database; files under ``media_dir``."""

    def __init__(self, db: LocalDb, media_dir: Path, clock=time.time, rng: random.Random | None = None):
        self.db, self.media_dir, self.clock = db, Path(media_dir), clock
        self.rng = rng or random.Random()
        self.media_dir.mkdir(parents=True, exist_ok=True)

    # --- adding ----------------------------------------------------------------------------------
    def add(self, kind: Kind | str, payload: dict, files: list[tuple[str, str]] = (), title: str = "",
            client_uuid: str | None = None) -> Item:
        """Copy the files into app storage, then store the item as queued; returns it."""
        client_uuid = client_uuid or str(uuid.uuid4())
        folder = self.media_dir / client_uuid
        stored = []
        try:
            for i, (field, source) in enumerate(files):
                source = Path(source)
                folder.mkdir(parents=True, exist_ok=True)
                target = folder / f"{field}-{i}{source.suffix.lower()}"
                shutil.copyfile(source, target)
                stored.append({"field": field, "path": str(target), "name": source.name,
                               "size": target.stat().st_size})
            now = self.clock()
            with self.db.transaction() as conn:
                cursor = conn.execute(
                    "INSERT INTO outbox (client_uuid, kind, title, payload, files, status, attempts, next_attempt_at,"
                    " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?)",
                    (client_uuid, Kind(kind).value, title, json.dumps(payload, ensure_ascii=False),
                     json.dumps(stored, ensure_ascii=False), Status.QUEUED.value, now, now, now))
                item_id = cursor.lastrowid
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        return self.get(item_id)

    # --- reading ---------------------------------------------------------------------------------
    def get(self, item_id: int) -> Item | None:
        rows = self.db.query("SELECT * FROM outbox WHERE id = ?", (item_id,))
        return Item.from_row(rows[0]) if rows else None

    def by_uuid(self, client_uuid: str) -> Item | None:
        rows = self.db.query("SELECT * FROM outbox WHERE client_uuid = ?", (client_uuid,))
        return Item.from_row(rows[0]) if rows else None

    def items(self, kind: str | None = None, include_sent: bool = True) -> list[Item]:
        """Items newest first."""
        sql, params = "SELECT * FROM outbox WHERE 1=1", []
        if kind:
            sql += " AND kind = ?"
            params.append(kind)
        if not include_sent:
            sql += " AND status != ?"
            params.append(Status.SENT.value)
        return [Item.from_row(r) for r in self.db.query(sql + " ORDER BY created_at DESC, id DESC", params)]

    def due(self, now: float | None = None) -> list[Item]:
        """Items waiting to be sent whose time has come, oldest first."""
        now = self.clock() if now is None else now
        rows = self.db.query(
            f"SELECT * FROM outbox WHERE status IN ({','.join('?' * len(DUE))}) AND next_attempt_at <= ? "
            "ORDER BY created_at, id", (*DUE, now))
        return [Item.from_row(r) for r in rows]

    def next_due_at(self) -> float | None:
        rows = self.db.query(f"SELECT MIN(next_attempt_at) AS t FROM outbox WHERE status IN ({','.join('?' * len(DUE))})",
                             DUE)
        return rows[0]["t"] if rows else None

    def counts(self) -> dict[str, int]:
        rows = self.db.query("SELECT status, COUNT(*) AS n FROM outbox GROUP BY status")
        return {r["status"]: r["n"] for r in rows}

    def pending_count(self) -> int:
        """Items not yet on the server and still to be tried."""
        counts = self.counts()
        return sum(counts.get(s, 0) for s in (*DUE, Status.SENDING.value))

    # --- the state machine -------------------------------------------------------------------------
    def recover(self) -> int:
        """After a crash: items left in ``sending`` go back to the queue (the server dedupes by UUID)."""
        return self.db.execute("UPDATE outbox SET status = ?, next_attempt_at = ?, updated_at = ? WHERE status = ?",
                               (Status.QUEUED.value, self.clock(), self.clock(), Status.SENDING.value))

    def claim(self, item_id: int) -> bool:
        """Move a due item to ``sending``; False if another thread got it first."""
        return self.db.execute(
            f"UPDATE outbox SET status = ?, updated_at = ? WHERE id = ? AND status IN ({','.join('?' * len(DUE))})",
            (Status.SENDING.value, self.clock(), item_id, *DUE)) == 1

    def _finish(self, item_id: int, status: Status, **values) -> None:
        values.update(status=status.value, updated_at=self.clock())
        columns = ", ".join(f"{k} = ?" for k in values)
        self.db.execute(f"UPDATE outbox SET {columns} WHERE id = ? AND status = ?",
                        (*values.values(), item_id, Status.SENDING.value))

    def mark_sent(self, item_id: int, server_id: int | None, http_status: int) -> None:
        self._finish(item_id, Status.SENT, server_id=server_id, last_http_status=http_status, last_error=None,
                     sent_at=self.clock(), attempts=self._attempts(item_id) + 1)
        item = self.get(item_id)
        if item is not None and item.status == Status.SENT.value:
            shutil.rmtree(self.media_dir / item.client_uuid, ignore_errors=True)  # the server keeps them now

    def mark_retryable(self, item_id: int, error: str, http_status: int | None = None,
                       not_before: float | None = None) -> float:
        """Failed for now; the next try is after a jittered exponential delay, and never sooner than the
        ``not_before`` seconds the server asked for (Retry-After); the delay is returned."""
        attempts = self._attempts(item_id) + 1
        delay = max(backoff_delay(attempts, self.rng), not_before or 0.0)
        self._finish(item_id, Status.FAILED_RETRYABLE, attempts=attempts, last_error=error,
                     last_http_status=http_status, next_attempt_at=self.clock() + delay)
        return delay

    def mark_permanent(self, item_id: int, error: str, http_status: int) -> None:
        self._finish(item_id, Status.FAILED_PERMANENT, attempts=self._attempts(item_id) + 1, last_error=error,
                     last_http_status=http_status)

    def mark_conflict(self, item_id: int, error: str) -> None:
        self._finish(item_id, Status.CONFLICT, attempts=self._attempts(item_id) + 1, last_error=error,
                     last_http_status=409)

    def release(self, item_id: int) -> None:
        """Put a claimed item back untouched (sync stopped before sending it)."""
        self._finish(item_id, Status.QUEUED)

    def _attempts(self, item_id: int) -> int:
        rows = self.db.query("SELECT attempts FROM outbox WHERE id = ?", (item_id,))
        return rows[0]["attempts"] if rows else 0

    # --- the user's choices ---------------------------------------------------------------------------
    def retry_now(self, item_id: int) -> bool:
        """Send again at the next sync (a failed or waiting item)."""
        return self.db.execute(
            "UPDATE outbox SET status = ?, next_attempt_at = ?, updated_at = ? WHERE id = ? AND status IN (?, ?, ?)",
            (Status.QUEUED.value, self.clock(), self.clock(), item_id, Status.FAILED_RETRYABLE.value,
             Status.FAILED_PERMANENT.value, Status.QUEUED.value)) == 1

    def resend_as_new(self, item_id: int) -> Item | None:
        """A report the server knows under its UUID as a different one (409): queue it again with a new UUID."""
        item = self.get(item_id)
        if item is None or item.status != Status.CONFLICT.value:
            return None
        payload = {**item.payload}
        new = self.add(item.kind, payload, [(f["field"], f["path"]) for f in item.files], item.title)
        self.discard(item_id)
        return new

    def discard(self, item_id: int) -> bool:
        """Delete an item and its files (never one being sent)."""
        item = self.get(item_id)
        if item is None or item.status == Status.SENDING.value:
            return False
        self.db.execute("DELETE FROM outbox WHERE id = ? AND status != ?", (item_id, Status.SENDING.value))
        shutil.rmtree(self.media_dir / item.client_uuid, ignore_errors=True)
        return True
