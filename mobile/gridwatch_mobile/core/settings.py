"""The phone's settings and sign-in, kept in its database."""
import json

from .localdb import LocalDb

DEFAULTS = {"server_url": "http://127.0.0.1:5000", "language": "zh", "wifi_only": False, "token": None,
            "user": None, "last_notification_id": 0,
            "city_timezone": "Asia/Shanghai", "tile_url": None}


class Settings:
    """Typed access to the settings table (JSON values)."""

    def __init__(self, db: LocalDb):
        self.db = db

    def get(self, key: str):
        rows = self.db.query("SELECT value FROM settings WHERE key = ?", (key,))
        return json.loads(rows[0]["value"]) if rows else DEFAULTS.get(key)

    def set(self, key: str, value) -> None:
        self.db.execute("INSERT INTO settings (key, value) VALUES (?, ?) "
                        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                        (key, json.dumps(value, ensure_ascii=False)))

    @property
    def server_url(self) -> str:
        return self.get("server_url")

    @property
    def language(self) -> str:
        return self.get("language")

    @property
    def wifi_only(self) -> bool:
        return bool(self.get("wifi_only"))

    @property
    def token(self) -> str | None:
        return self.get("token")

    @property
    def user(self) -> dict | None:
        return self.get("user")

    @property
    def city_timezone(self) -> str:
        return self.get("city_timezone") or DEFAULTS["city_timezone"]
