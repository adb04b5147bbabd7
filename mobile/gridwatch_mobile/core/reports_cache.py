"""My reports on the phone: what the server last said about each, plus what is still in the outbox."""
import json
import time

from .localdb import LocalDb
from .outbox import Kind, Outbox, Status


def current_status(report: dict) -> str:
    """The latest step of a report: a case status (``case.closed``), else its processing stage."""
    timeline = report.get("timeline") or []
    if timeline:
        return timeline[-1]["stage"]
    return report.get("stage") or "received"


class ReportsCache:
    """Reports the server returned for me, by client_uuid, readable offline."""

    def __init__(self, db: LocalDb, outbox: Outbox):
        self.db, self.outbox = db, outbox

    def store(self, report: dict) -> str | None:
        """Keep the server's view of one report; returns its previous status when it changed."""
        previous = self.get(report["client_uuid"])
        merged = {**report}
        if previous and previous.get("local"):  # what the phone knows beyond the server (rated, etc.)
            merged["local"] = previous["local"]
        self.db.execute(
            "INSERT INTO my_reports (client_uuid, server_id, data, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(client_uuid) DO UPDATE SET server_id = excluded.server_id, data = excluded.data, "
            "updated_at = excluded.updated_at",
            (report["client_uuid"], report.get("id"), json.dumps(merged, ensure_ascii=False, default=str),
             time.time()))
        if previous and current_status(previous) != current_status(report):
            return current_status(previous)
        return None

    def store_page(self, reports: list[dict]) -> list[tuple[dict, str]]:
        """Store a page from the server; the reports whose status changed, with their old status."""
        changed = []
        for report in reports:
            old = self.store(report)
            if old is not None:
                changed.append((report, old))
        return changed

    def get(self, client_uuid: str) -> dict | None:
        rows = self.db.query("SELECT data FROM my_reports WHERE client_uuid = ?", (client_uuid,))
        return json.loads(rows[0]["data"]) if rows else None

    def by_server_id(self, report_id: int) -> dict | None:
        rows = self.db.query("SELECT data FROM my_reports WHERE server_id = ?", (report_id,))
        return json.loads(rows[0]["data"]) if rows else None

    def set_local(self, client_uuid: str, **values) -> None:
        """Remember something about a report that the server does not echo (e.g. my rating)."""
        report = self.get(client_uuid)
        if report is None:
            return
        report["local"] = {**report.get("local", {}), **values}
        self.db.execute("UPDATE my_reports SET data = ? WHERE client_uuid = ?",
                        (json.dumps(report, ensure_ascii=False, default=str), client_uuid))

    def entries(self) -> list[dict]:
        """Everything to show under 我的上报, newest first: outbox reports not on the server yet, then cached."""
        cached = {json.loads(r["data"])["client_uuid"]: json.loads(r["data"])
                  for r in self.db.query("SELECT data FROM my_reports")}
        entries = []
        for item in self.outbox.items(kind=Kind.REPORT.value):
            if item.client_uuid in cached:
                continue
            entries.append({"client_uuid": item.client_uuid, "id": None, "text": item.payload.get("text", ""),
                            "category_hint": item.payload.get("category_hint"), "address": item.payload.get("address"),
                            "created_at": item.payload.get("occurred_at"), "outbox_status": item.status,
                            "outbox_error": item.last_error, "timeline": [], "media": [],
                            "local_files": [f["path"] for f in item.files], "stage": "outbox"})
        ordered = sorted(cached.values(), key=lambda r: str(r.get("created_at") or ""), reverse=True)
        for report in ordered:
            item = self.outbox.by_uuid(report["client_uuid"])
            report["outbox_status"] = item.status if item else Status.SENT.value
        return entries + ordered
