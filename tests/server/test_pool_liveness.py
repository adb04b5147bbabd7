"""Pooled connections killed by the database between two requests are replaced before a request uses them, even
within the idle window in which a connection is not pinged (a restart faster than that window)."""
import sqlalchemy as sa

from server.extensions import has_pending_input, ping_idle_connections
from tests.conftest import PG_URL


def _terminate(pid: int) -> None:
    admin = sa.create_engine(PG_URL, poolclass=sa.pool.NullPool)
    with admin.connect() as conn:  # PostgreSQL 14+: wait until the backend has exited
        assert conn.execute(sa.text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid}).scalar()
    admin.dispose()


def _backend_pid(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT pg_backend_pid()")).scalar()


def test_a_quiet_connection_has_nothing_pending_and_a_killed_one_has():
    engine = sa.create_engine(PG_URL, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        pid = conn.execute(sa.text("SELECT pg_backend_pid()")).scalar()
        conn.commit()
        assert has_pending_input(raw) is False
        _terminate(pid)
        assert has_pending_input(raw) is True
        conn.invalidate()
    engine.dispose()


def test_a_connection_killed_inside_the_idle_window_is_replaced_at_checkout():
    engine = sa.create_engine(PG_URL, pool_size=1, max_overflow=0)
    ping_idle_connections(engine, idle=3600.0)  # every checkout in this test falls inside the window
    first = _backend_pid(engine)
    assert _backend_pid(engine) == first  # a quiet connection is reused as it is
    _terminate(first)
    second = _backend_pid(engine)  # no OperationalError: the dead socket was seen and the connection replaced
    assert second != first
    assert _backend_pid(engine) == second
    engine.dispose()


def test_connections_without_a_socket_are_not_checked():
    class NoSocket:
        pass
    assert has_pending_input(NoSocket()) is False
