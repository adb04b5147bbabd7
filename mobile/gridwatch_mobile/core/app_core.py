"""Everything the screens ask of the phone, without Kivy: sign-in, reports, patrols, verification, sync."""
import random
import time
from datetime import datetime, timezone
from pathlib import Path

from . import timefmt
from .api import ApiClient, ApiError, NetworkError
from .base_map import BaseMap
from .checklist import Checklist
from .localdb import LocalDb
from .nearby import Nearby
from .notices import Notices
from .outbox import Item, Kind, Outbox
from .reports_cache import ReportsCache
from .settings import Settings
from .sync import Network, SyncEngine

TAXONOMY_KEY = "taxonomy"
PATROL_KEY = "patrol_tasks"
VERIFY_KEY = "verification_cases"


def _now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class AppCore:
    """The phone's state under one storage folder (app storage on Android, a user folder on a desktop)."""

    def __init__(self, storage_dir: Path, network=None, clock=time.time, rng: random.Random | None = None,
                 session=None):
        self.storage = Path(storage_dir)
        self.storage.mkdir(parents=True, exist_ok=True)
        self.db = LocalDb(self.storage / "gridwatch.sqlite3")
        self.outbox = Outbox(self.db, self.storage / "outbox", clock=clock, rng=rng)
        self.recovered = self.outbox.recover()  # a crash mid-send leaves rows in `sending`
        self.reports = ReportsCache(self.db, self.outbox)
        self.settings = Settings(self.db)
        self.network = network or (lambda: Network.WIFI)
        self._session = session
        self.engine = SyncEngine(self.outbox, self.api_or_none, self.network, lambda: self.settings.wifi_only,
                                 on_sent=self._after_send)
        self.nearby = Nearby(self.api, self.outbox, self.db)
        self.notices = Notices(self.api, self.db, self.settings)
        self.base_map = BaseMap(self.api, self.db, self.settings)

    # --- server and sign-in -----------------------------------------------------------------------
    def api(self) -> ApiClient:
        return ApiClient(self.settings.server_url, self.settings.token, session=self._session,
                         language=self.settings.language)

    def api_or_none(self) -> ApiClient | None:
        return self.api() if self.settings.token else None

    @property
    def user(self) -> dict | None:
        return self.settings.user

    @property
    def role(self) -> str | None:
        return (self.user or {}).get("role")

    def _signed_in(self, body: dict) -> dict:
        previous = (self.user or {}).get("id")
        if previous is not None and previous != body["user"]["id"]:
            self.db.execute("DELETE FROM my_reports")  # another person's reports stay theirs
            self.db.drop_cached()
        self.settings.set("token", body["access_token"])
        self.settings.set("user", body["user"])
        zone = body.get("city_timezone") or body["user"].get("city_timezone")
        if zone:
            self.settings.set("city_timezone", zone)
        return body["user"]

    def login(self, username: str, password: str) -> dict:
        return self._signed_in(self.api().login(username.strip(), password))

    def register(self, phone: str, password: str, display_name: str | None = None) -> dict:
        return self._signed_in(self.api().register(phone.strip(), password, display_name or None))

    def sign_out(self) -> None:
        """Forget the token (queued items stay and are sent after the next sign-in)."""
        api = self.api_or_none()
        if api is not None:
            try:
                api.request("POST", "/auth/logout")
            except (ApiError, NetworkError):
                pass
        self.settings.set("token", None)

    def delete_account(self, password: str) -> dict:
        """Delete this resident's account on the server (their reports stay there, anonymised), then forget
        everything of theirs on the phone: sign-in, cached reports and server data, and what still waits in the
        outbox (it could no longer be sent). Nothing changes on the phone if the server refuses."""
        result = self.api().delete_account(password)
        for item in self.outbox.items(include_sent=True):
            self.outbox.discard(item.id)
        self.db.execute("DELETE FROM my_reports")
        self.db.drop_cached()
        self.settings.set("token", None)
        self.settings.set("user", None)
        return result

    def set_server(self, url: str) -> None:
        url = url.strip().rstrip("/")
        if not (url.startswith("http://") or url.startswith("https://")):
            raise ValueError("the server address starts with http:// or https://")
        self.settings.set("server_url", url)

    # --- taxonomy ---------------------------------------------------------------------------------
    def categories(self) -> list[dict]:
        """The cached taxonomy (empty until the first successful refresh)."""
        return self.db.get_cached(TAXONOMY_KEY, [])

    def refresh_categories(self) -> list[dict]:
        rows = self.api().categories()
        self.db.put_cached(TAXONOMY_KEY, rows)
        return rows

    # --- reports ----------------------------------------------------------------------------------
    def submit_report(self, text: str, category_hint: str | None = None, lat: float | None = None,
                      lon: float | None = None, address: str | None = None, anonymous: bool = False,
                      photos: list[str] = (), audio: str | None = None, channel: str = "app") -> Item:
        """Put a report in the outbox (its files are copied first); the sync thread sends it."""
        payload = {"text": text.strip(), "category_hint": category_hint or None, "lat": lat, "lon": lon,
                   "address": (address or "").strip() or None, "anonymous": bool(anonymous), "channel": channel,
                   "occurred_at": _now_iso()}
        files = [("photos", p) for p in photos] + ([("audio", audio)] if audio else [])
        title = payload["text"][:40] or ("语音上报" if audio else "照片上报")
        return self.outbox.add(Kind.REPORT, payload, files, title=title)

    def refresh_reports(self) -> list[tuple[dict, str]]:
        """Fetch my reports; those whose status changed since last time, with the old status."""
        page = self.api().my_reports(per_page=100)
        user = self.user or {}
        me = user.get("display_name") or "—"
        # A grid worker also sees the grid's reports; keep theirs (their name, or made on this phone).
        mine = [r for r in page["items"] if user.get("role") != "grid_worker" or r.get("reporter") == me
                or self.outbox.by_uuid(r["client_uuid"])]
        return self.reports.store_page(mine)

    def rate(self, report: dict, rating: str, comment: str | None = None) -> Item:
        item = self.outbox.add(Kind.RATING, {"report_id": report["id"], "rating": rating, "comment": comment or None},
                               title=f"评价 #{report['id']}")
        self.reports.set_local(report["client_uuid"], rating=rating)
        return item

    def feedback(self, report: dict, download: bool = True) -> dict | None:
        """The department's feedback on my report with its photos saved for offline viewing (cached)."""
        key = f"feedback:{report['id']}"
        try:
            body = self.api().report_feedback(report["id"])
        except (ApiError, NetworkError):
            return self.db.get_cached(key)
        if download:
            folder = self.storage / "media_cache" / f"report-{report['id']}"
            for entry in body.get("items", []):
                for att in entry.get("attachments", []):
                    url = att.get("thumb_url") or att.get("url")
                    if att.get("kind") == "photo" and url:
                        target = folder / f"{att['id']}.jpg"
                        if not target.exists():
                            try:
                                self.api().download(url, target)
                            except (ApiError, NetworkError):
                                continue
                        att["local_path"] = str(target)
        self.db.put_cached(key, body)
        return body

    def _after_send(self, item: Item, body: dict) -> None:
        if item.kind == Kind.REPORT.value and isinstance(body, dict) and body.get("client_uuid"):
            self.reports.store(body)
        elif item.kind == Kind.SUPPORT.value:
            self.nearby.remember_sent(item.payload["report_id"])
        elif item.kind == Kind.PATROL_RESULTS.value and isinstance(body, dict):
            self._store_task(body)

    # --- notifications and local times ------------------------------------------------------------
    def new_notifications(self) -> list[dict]:
        """Unread notifications newer than the last ones shown (the list is refreshed and kept)."""
        self.notices.refresh()
        return self.notices.new_since_last_shown()

    def when(self, value) -> str:
        """A server time as people read it, in the city's zone."""
        return timefmt.when(value, self.settings.city_timezone)

    def report_photos(self, report: dict) -> list[str]:
        """My own photos of a report (thumbnails from the server, kept for offline viewing)."""
        folder = self.storage / "media_cache" / f"mine-{report['id']}"
        paths = []
        for media in report.get("media") or []:
            url = media.get("thumb_url") or media.get("url")
            if media.get("kind") != "photo" or not url:
                continue
            target = folder / f"{media['id']}.jpg"
            if not target.exists():
                try:
                    self.api().download(url, target)
                except (ApiError, NetworkError):
                    continue
            paths.append(str(target))
        return paths

    # --- patrols (grid workers) ---------------------------------------------------------------------
    def refresh_patrol_tasks(self) -> dict:
        body = self.api().patrol_tasks()
        self.db.put_cached(PATROL_KEY, body)
        return body

    def patrol_tasks(self) -> dict:
        return self.db.get_cached(PATROL_KEY, {"date": None, "grid": None, "items": []})

    def _store_task(self, task: dict) -> None:
        cached = self.patrol_tasks()
        cached["items"] = [task if t["id"] == task["id"] else t for t in cached["items"]]
        self.db.put_cached(PATROL_KEY, cached)

    def checklist(self, task_id: int) -> Checklist:
        task = next(t for t in self.patrol_tasks()["items"] if t["id"] == task_id)
        return Checklist(task, self.db.get_cached(f"patrol_answers:{task_id}", {}))

    def save_answer(self, task_id: int, code: str, result: str, note: str | None = None,
                    report_client_uuid: str | None = None) -> Checklist:
        checklist = self.checklist(task_id)
        checklist.answer(code, result, note, report_client_uuid)
        self.db.put_cached(f"patrol_answers:{task_id}", checklist.local)
        return checklist

    def submit_checklist(self, task_id: int) -> Item | None:
        """Queue the phone's answers for a task (all of them: a re-send is harmless)."""
        checklist = self.checklist(task_id)
        answers = checklist.unsent()
        if not answers:
            return None
        return self.outbox.add(Kind.PATROL_RESULTS, {"task_id": task_id, "results": answers},
                               title=f"巡查 {checklist.task['place']['name']}")

    # --- verification (grid workers) ------------------------------------------------------------------
    def refresh_verifications(self) -> list[dict]:
        """Cases in my grid waiting for 核查, each with its feedback photos downloaded."""
        api = self.api()
        cases = []
        for summary in api.verification_cases()["items"]:
            case = api.case(summary["id"])
            folder = self.storage / "media_cache" / f"case-{case['id']}"
            for event in case.get("events", []):
                for att in event.get("attachments", []):
                    url = att.get("thumb_url") or att.get("url")
                    if att.get("kind") == "photo" and url:
                        target = folder / f"{att['id']}.jpg"
                        if not target.exists():
                            api.download(url, target)
                        att["local_path"] = str(target)
            cases.append(case)
        self.db.put_cached(VERIFY_KEY, cases)
        return cases

    def verifications(self) -> list[dict]:
        return self.db.get_cached(VERIFY_KEY, [])

    def submit_verification(self, case_id: int, passed: bool, note: str, photos: list[str]) -> Item:
        if not photos:
            raise ValueError("核查需要至少一张现场照片")
        return self.outbox.add(Kind.VERIFICATION, {"case_id": case_id, "passed": passed, "note": note or None},
                               [("photos", p) for p in photos], title=f"核查 #{case_id}")

    # --- sync -----------------------------------------------------------------------------------------
    def sync_now(self):
        return self.engine.run_once()

    def close(self) -> None:
        self.db.close()
