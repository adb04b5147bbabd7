"""Sending the outbox: one pass at a time, in a background thread, honouring Wi-Fi-only."""
import logging
import threading
import time
from dataclasses import dataclass, field

from .api import ApiClient, ApiError, NetworkError
from .outbox import Item, Kind, Outbox

log = logging.getLogger(__name__)

RETRYABLE_4XX = {401, 408, 425, 429}
# Answers that mean the server already has what a re-send carries.
ALREADY_DONE = {(Kind.RATING.value, "already_rated")}


class Network:
    """What the phone is connected to."""

    NONE = "none"
    WIFI = "wifi"          # or any unmetered link (Ethernet, a desktop)
    CELLULAR = "cellular"  # metered


@dataclass
class SyncResult:
    """What one pass did."""

    sent: list[Item] = field(default_factory=list)
    retry: int = 0
    permanent: int = 0
    conflicts: int = 0
    blocked: str | None = None  # offline | wifi_only | signed_out | unauthorized | unreachable | throttled

    @property
    def changed(self) -> bool:
        return bool(self.sent or self.retry or self.permanent or self.conflicts)


def send_item(api: ApiClient, item: Item) -> tuple[int, dict]:
    """POST one item as its kind requires; (HTTP status, body)."""
    p = item.payload
    if item.kind == Kind.REPORT.value:
        files = [(f["field"], f["path"]) for f in item.files]
        return api.submit_report({**p, "client_uuid": item.client_uuid}, files)
    if item.kind == Kind.PATROL_RESULTS.value:
        return 200, api.patrol_results(p["task_id"], p["results"])
    if item.kind == Kind.VERIFICATION.value:
        return api.verify_case(p["case_id"], p.get("passed", True), p.get("note"), item.file_paths("photos"))
    if item.kind == Kind.RATING.value:
        return 201, api.rate(p["report_id"], p["rating"], p.get("comment"))
    if item.kind == Kind.SUPPORT.value:
        return api.support(p["report_id"], item.client_uuid)
    raise ValueError(f"unknown outbox kind {item.kind!r}")


class SyncEngine:
    """Sends due outbox items; classifies each answer into the outbox's statuses."""

    def __init__(self, outbox: Outbox, api_provider, network=lambda: Network.WIFI, wifi_only=lambda: False,
                 on_sent=None):
        self.outbox = outbox
        self.api_provider = api_provider  # () -> ApiClient | None (None: signed out)
        self.network = network
        self.wifi_only = wifi_only
        self.on_sent = on_sent  # (item, body) -> None, e.g. cache the report the server answered
        self.paused_until = 0.0  # the outbox clock's time before which the server asked us not to send
        self._pass_lock = threading.Lock()

    def blocked_reason(self) -> str | None:
        """Why nothing can be sent now, or None."""
        net = self.network()
        if net == Network.NONE:
            return "offline"
        if self.wifi_only() and net != Network.WIFI:
            return "wifi_only"
        if self.api_provider() is None:
            return "signed_out"
        if self.outbox.clock() < self.paused_until:
            return "throttled"
        return None

    def pause_left(self) -> float:
        """Seconds until the server's requested pause (Retry-After) is over; 0 when there is none."""
        return max(0.0, self.paused_until - self.outbox.clock())

    def run_once(self) -> SyncResult:
        """One pass over the due items (one pass at a time)."""
        result = SyncResult()
        with self._pass_lock:
            result.blocked = self.blocked_reason()
            if result.blocked:
                return result
            api = self.api_provider()
            for item in self.outbox.due():
                if not self.outbox.claim(item.id):
                    continue
                stop = self._send(api, item, result)
                if stop:
                    result.blocked = stop
                    break
        return result

    def _send(self, api: ApiClient, item: Item, result: SyncResult) -> str | None:
        """Send one claimed item and record the outcome; a reason to stop the pass, or None."""
        try:
            status, body = send_item(api, item)
        except NetworkError as exc:
            log.info("outbox item %s: server unreachable: %s", item.id, exc)
            self.outbox.mark_retryable(item.id, "network")
            result.retry += 1
            return "unreachable"  # the rest would fail the same way
        except ApiError as exc:
            return self._failed(item, exc, result)
        except OSError as exc:  # a stored file vanished: it can never be sent as it is
            log.warning("outbox item %s: stored file unreadable: %s", item.id, exc)
            self.outbox.mark_permanent(item.id, "file", 0)
            result.permanent += 1
            return None
        self.outbox.mark_sent(item.id, body.get("id") if isinstance(body, dict) else None, status)
        result.sent.append(self.outbox.get(item.id))
        if self.on_sent:
            try:
                self.on_sent(item, body)
            except Exception:  # caching must never undo a send
                log.exception("after-send hook failed")
        return None

    def _failed(self, item: Item, exc: ApiError, result: SyncResult) -> str | None:
        message = f"{exc.code}: {exc.first_field_error()}"
        if (item.kind, exc.code) in ALREADY_DONE:
            self.outbox.mark_sent(item.id, None, exc.status)
            result.sent.append(self.outbox.get(item.id))
            return None
        if exc.status == 409:
            self.outbox.mark_conflict(item.id, message)
            result.conflicts += 1
            return None
        if exc.status >= 500 or exc.status in RETRYABLE_4XX:
            self.outbox.mark_retryable(item.id, message, exc.status, not_before=exc.retry_after)
            result.retry += 1
            if exc.status == 401:
                return "unauthorized"  # every item needs a new sign-in
            if exc.retry_after is not None and exc.status in (429, 503):
                # The server asked for a pause: every item waits for it, not only this one.
                self.paused_until = max(self.paused_until, self.outbox.clock() + exc.retry_after)
                return "throttled"
            return "unreachable" if exc.status in (502, 503, 504) else None
        self.outbox.mark_permanent(item.id, message, exc.status)
        result.permanent += 1
        return None


class SyncWorker:
    """A daemon thread running passes when woken, when an item falls due, and every ``poll`` seconds."""

    def __init__(self, engine: SyncEngine, on_pass=None, poll: float = 30.0, clock=time.time):
        self.engine, self.on_pass, self.poll, self.clock = engine, on_pass, poll, clock
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="gridwatch-sync", daemon=True)
            self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _wait_seconds(self) -> float:
        due = self.engine.outbox.next_due_at()
        if due is None:
            return self.poll
        return max(0.0, min(self.poll, due - self.clock()))

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                result = self.engine.run_once()
            except Exception:
                log.exception("sync pass failed")
                result = None
            if result is not None and self.on_pass:
                self.on_pass(result)
            if result is not None and result.blocked == "throttled":
                wait = max(0.5, min(self.poll, self.engine.pause_left()))
            else:
                wait = self.poll if result is None or result.blocked else max(0.5, self._wait_seconds())
            self._wake.wait(wait)
            self._wake.clear()
