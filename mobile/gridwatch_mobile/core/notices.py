"""The in-app notifications list: fetched when online, kept for offline reading, with the unread count."""
from .api import ApiError, NetworkError

NOTICES_KEY = "notifications"


class Notices:
    """My notifications, newest first (the last page the server gave)."""

    def __init__(self, api_provider, db, settings):
        self.api_provider, self.db, self.settings = api_provider, db, settings

    def cached(self) -> dict:
        return self.db.get_cached(NOTICES_KEY, {"items": [], "unread": 0})

    def refresh(self) -> dict:
        """Fetch the newest page; kept for offline reading."""
        body = self.api_provider().notifications(per_page=50)
        kept = {"items": body.get("items", []), "unread": body.get("unread", 0)}
        self.db.put_cached(NOTICES_KEY, kept)
        return kept

    def unread(self) -> int:
        return int(self.cached().get("unread") or 0)

    def new_since_last_shown(self) -> list[dict]:
        """Unread notifications newer than the last ones announced (the system tray shows each once)."""
        last = self.settings.get("last_notification_id") or 0
        items = [n for n in self.cached()["items"] if n["id"] > last and not n.get("read_at")]
        if items:
            self.settings.set("last_notification_id", max(n["id"] for n in items))
        return items

    def mark_read(self, notice_id: int) -> dict:
        """Mark one notification read, on the server first (the cache follows its answer)."""
        body = self.api_provider().mark_read([notice_id])
        kept = self.cached()
        for item in kept["items"]:
            if item["id"] == notice_id:
                item["read_at"] = item.get("read_at") or "local"
        kept["unread"] = body.get("unread", kept.get("unread", 0))
        self.db.put_cached(NOTICES_KEY, kept)
        return kept

    def mark_all_read(self) -> dict:
        """Mark everything read in the cache at once and on the server when it answers (offline: at the next tap)."""
        kept = self.cached()
        for item in kept["items"]:
            item["read_at"] = item.get("read_at") or "local"
        kept["unread"] = 0
        self.db.put_cached(NOTICES_KEY, kept)
        try:
            self.api_provider().mark_read(None)
        except (ApiError, NetworkError):
            pass
        return kept
