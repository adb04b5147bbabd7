"""A per-process value built from database tables, rebuilt when a cheap version query says they changed.

Workers keep such values (the area index, the hotspot assignment state) between jobs. The version
query runs at most every ``recheck_seconds``; ``invalidate()`` forgets the value at once (after an
edit in this process, and between tests). A different engine (another app in tests) rebuilds.
"""
import threading
import time
from typing import Callable, Generic, TypeVar

from server.extensions import db

T = TypeVar("T")


class TableCache(Generic[T]):
    """build() cached until version() changes, checked at most every recheck_seconds."""

    def __init__(self, version: Callable[[], tuple], build: Callable[[], T], recheck_seconds: float = 5.0):
        self._version, self._build, self.recheck_seconds = version, build, recheck_seconds
        self._lock = threading.Lock()
        self._state: dict = {}

    def get(self) -> T:
        """The cached value, rebuilt first if its tables changed."""
        now = time.monotonic()
        with self._lock:
            s = self._state
            if s.get("engine") == id(db.engine) and now - s.get("checked", -1e9) < self.recheck_seconds:
                return s["value"]
        version = tuple(self._version())
        with self._lock:
            s = self._state
            if s.get("version") != version or s.get("engine") != id(db.engine):
                s.update(version=version, value=self._build(), engine=id(db.engine))
            s["checked"] = now
            return s["value"]

    def invalidate(self) -> None:
        """Forget the value; the next get() rebuilds it."""
        with self._lock:
            self._state.clear()
