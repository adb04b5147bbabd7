"""Counting a request against a rate on the app's limiter storage, straight through the ``limits`` library.

Flask-Limiter's decorators resolve, filter and evaluate limits on every request of a view, which costs a busy view
(the report intake) about a tenth of a millisecond before any counter is touched. Views that know their own key
count here instead: one moving-window hit per window of the rate (``"20 per minute; 200 per day"``), on the same
storage as the sign-in limits (Redis when the app has it). When that storage cannot be reached the counting goes on
in this process's memory for ``RETRY_STORAGE_AFTER`` seconds, as Flask-Limiter's own fallback does, so that an outage
of the counters neither refuses a report, nor makes every request wait for a connection timeout, nor switches the
limits off.
"""
import logging
import math
import time
from functools import lru_cache

from flask import current_app
from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

log = logging.getLogger(__name__)
RETRY_STORAGE_AFTER = 10.0  # seconds of counting in memory after the shared storage failed


@lru_cache(maxsize=64)
def windows(rate: str) -> tuple[RateLimitItem, ...]:
    """The windows of a rate string, parsed once per distinct string."""
    return tuple(parse_many(rate))


class _Fallback:
    """This app's in-memory counters, and until when they stand in for the shared storage."""

    def __init__(self):
        self.strategy = MovingWindowRateLimiter(MemoryStorage())
        self.until = 0.0


def _fallback() -> _Fallback:
    ext = current_app.extensions
    if "gridwatch_throttle_fallback" not in ext:
        ext["gridwatch_throttle_fallback"] = _Fallback()
    return ext["gridwatch_throttle_fallback"]


def _count(strategy: MovingWindowRateLimiter, rate: str, scope: str, key: str) -> int | None:
    for item in windows(rate):
        if not strategy.hit(item, scope, key):
            reset, _remaining = strategy.get_window_stats(item, scope, key)
            return max(1, math.ceil(reset - time.time()))
    return None


def hit(scope: str, rate: str | None, key: str) -> int | None:
    """Count one request of ``key`` in ``scope`` against every window of ``rate``: None when it is allowed (also
    when ``rate`` is empty or rate limiting is off), else the seconds until the full window has room again (for
    ``Retry-After``). Windows are counted in order and counting stops at the first full one."""
    limiter = current_app.extensions.get("gridwatch_limiter")
    if limiter is None or not rate or not current_app.config.get("RATELIMIT_ENABLED", True):
        return None
    fallback = _fallback()
    if time.monotonic() >= fallback.until:
        try:
            return _count(limiter.limiter, rate, scope, key)
        except Exception as exc:  # noqa: BLE001 - any trouble of the shared storage: count in this process instead
            log.warning("rate-limit storage unreachable, counting in memory for %.0f s: %s", RETRY_STORAGE_AFTER,
                        exc.__class__.__name__)
            fallback.until = time.monotonic() + RETRY_STORAGE_AFTER
    return _count(fallback.strategy, rate, scope, key)
