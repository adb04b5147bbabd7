"""What the outbox tells a person about an item: a sentence in their language, never an exception or a path."""
import math

from .outbox import Item, Status


def _seconds_left(item: Item, now: float) -> int:
    """Whole seconds until the next try (0 when it is due)."""
    return max(0, math.ceil(item.next_attempt_at - now))


def _code(item: Item) -> str:
    """The stable part of the stored error: ``network``, ``file``, or the server's error code."""
    return (item.last_error or "").split(":", 1)[0].strip()


def _reason(item: Item) -> str:
    """The server's (translated) message stored after the code."""
    parts = (item.last_error or "").split(":", 1)
    return parts[1].strip() if len(parts) == 2 else ""


def describe(item: Item, now: float, tr) -> str:
    """One line about why an item is not sent yet (or '' when there is nothing to say)."""
    status, code = item.status, _code(item)
    if status == Status.FAILED_RETRYABLE.value:
        left = _seconds_left(item, now)
        if item.last_http_status == 401:
            return tr("outbox.signed_out")
        if item.last_http_status == 429:
            return tr("outbox.too_fast", s=left) if left else tr("outbox.waiting_now")
        if code == "network" or item.last_http_status in (None, 502, 503, 504):
            return tr("outbox.unreachable", s=left) if left else tr("outbox.unreachable_now")
        return tr("outbox.server_busy", s=left) if left else tr("outbox.server_busy_now")
    if status == Status.FAILED_PERMANENT.value:
        if code == "file":
            return tr("outbox.file_missing")
        return tr("outbox.rejected", reason=_reason(item) or tr("sync.failed_permanent"))
    if status == Status.CONFLICT.value:
        return tr("outbox.conflict")
    return ""
