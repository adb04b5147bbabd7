"""Version tokens of tables that processes keep in memory (areas, taxonomy): a new token with every change.

A model marked ``@versioned(KEY)`` gets a new random token in the settings row KEY in the same transaction as any
insert, edit or delete of its rows through the session (objects, or UPDATE/DELETE statements on the model); a cache
compares ``versions(KEY)`` to know when to rebuild (``server.table_cache.TableCache``).
"""
import uuid

from sqlalchemy import event
from sqlalchemy.orm import Session

from server.extensions import db
from server.models.settings import Setting

AREAS = "areas_version"
TAXONOMY = "taxonomy_version"
WEBHOOKS = "webhooks_version"
_KEYS: dict[type, str] = {}
_CHANGED: dict[str, list] = {}  # key -> what to call when this process changes the key's table


def versioned(key: str):
    """Class decorator: changes to this model's rows give the settings row ``key`` a new token."""
    def mark(cls):
        _KEYS[cls] = key
        return cls
    return mark


def on_change(key: str, forget) -> None:
    """Call ``forget()`` whenever this process changes a table of ``key`` (a per-process cache then rebuilds at
    once; other processes see the new token at their next recheck)."""
    _CHANGED.setdefault(key, []).append(forget)


def versions(*keys: str) -> tuple:
    """The current tokens of these keys (None for a key never changed)."""
    rows = dict(db.session.execute(db.select(Setting.key, Setting.value).where(Setting.key.in_(keys))).all())
    return tuple(rows.get(key) for key in keys)


@event.listens_for(Session, "before_flush")
def _flushed(session: Session, flush_context, instances) -> None:
    """New tokens for the versioned tables this flush changes."""
    keys = {_KEYS[type(o)] for o in (*session.new, *session.deleted) if type(o) in _KEYS}
    keys |= {_KEYS[type(o)] for o in session.dirty if type(o) in _KEYS and session.is_modified(o)}
    _renew(session, keys)


@event.listens_for(Session, "do_orm_execute")
def _bulk(state) -> None:
    """A new token for a versioned table changed by an UPDATE or DELETE statement."""
    mapper = state.bind_mapper
    if (state.is_update or state.is_delete) and mapper is not None and mapper.class_ in _KEYS:
        _renew(state.session, {_KEYS[mapper.class_]})


def _renew(session: Session, keys: set[str]) -> None:
    """Give each key's settings row a new random token (written with the session's next flush)."""
    for key in sorted(keys):
        with session.no_autoflush:
            row = session.get(Setting, key) or Setting(key=key)
        row.value = uuid.uuid4().hex
        session.add(row)
        for forget in _CHANGED.get(key, ()):
            forget()
