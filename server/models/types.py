"""Column types shared by the models, and the clock."""
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timezone

from sqlalchemy.types import DateTime, TypeDecorator


# The moment a replay of past events runs at (``clock_at``); None: the real clock.
_replayed: ContextVar[datetime | None] = ContextVar("gridwatch_replayed_now", default=None)


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC (inside ``clock_at``, the replayed moment)."""
    return _replayed.get() or datetime.now(timezone.utc)


@contextmanager
def clock_at(moment: datetime):
    """Within the block utcnow() answers moment: the demo writes its past through the real services at the times
    it happened (event hashes cover their times). Only the demo seed uses it; nothing serving requests does."""
    token = _replayed.set(moment.astimezone(timezone.utc))
    try:
        yield moment
    finally:
        _replayed.reset(token)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every backend (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        """Store as UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        """Read back as aware UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)
