"""Before a resident submits: open reports of the same kind nearby, and 我也遇到了 (my support) through the outbox."""
import math

from .api import ApiError, NetworkError
from .outbox import Item, Kind, Outbox, Status

SUPPORTED_KEY = "supported_reports"
RADIUS_M = 300


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371000 * 2 * math.asin(math.sqrt(a))


class Nearby:
    """Nearby reports from the server (needs the network) and the supports waiting in the outbox."""

    def __init__(self, api_provider, outbox: Outbox, db):
        self.api_provider, self.outbox, self.db = api_provider, outbox, db

    def find(self, lat: float, lon: float, category: str | None = None, radius: int = RADIUS_M) -> list[dict]:
        """Open reports near the pin, nearest first, each with ``distance_m`` and whether I supported it."""
        body = self.api_provider().nearby(lat, lon, category, radius)
        mine = self.supported_ids()
        items = []
        for row in body.get("items", []):
            row = dict(row)
            if row.get("distance_m") is None and row.get("lat") is not None and row.get("lon") is not None:
                row["distance_m"] = round(distance_m(lat, lon, row["lat"], row["lon"]))
            row["supported"] = bool(row.get("supported")) or row["id"] in mine
            items.append(row)
        return sorted(items, key=lambda r: r.get("distance_m", 0))

    def supported_ids(self) -> set[int]:
        """Reports I said 我也遇到了 to (sent or still waiting)."""
        ids = set(self.db.get_cached(SUPPORTED_KEY, []))
        ids |= {i.payload["report_id"] for i in self.outbox.items(kind=Kind.SUPPORT.value)
                if i.status not in (Status.FAILED_PERMANENT.value, Status.CONFLICT.value)}
        return ids

    def support(self, report: dict) -> Item:
        """Queue my support for a report; a second tap returns the item already queued (one per report)."""
        for item in self.outbox.items(kind=Kind.SUPPORT.value):
            if item.payload.get("report_id") == report["id"] and item.status != Status.FAILED_PERMANENT.value:
                return item
        return self.outbox.add(Kind.SUPPORT, {"report_id": report["id"]},
                               title=(report.get("text") or report.get("category_name") or "")[:30])

    def remember_sent(self, report_id: int) -> None:
        ids = set(self.db.get_cached(SUPPORTED_KEY, []))
        ids.add(report_id)
        self.db.put_cached(SUPPORTED_KEY, sorted(ids))


def safe_find(nearby: Nearby, lat, lon, category=None) -> tuple[list[dict], bool]:
    """(reports, online): an empty list and False when the server cannot be asked."""
    try:
        return nearby.find(lat, lon, category), True
    except (ApiError, NetworkError):
        return [], False
