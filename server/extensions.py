"""Unbound extensions, bound to the app in the factory (the REST API's is ``server.web.openapi.api``)."""
import select
import time

from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session
from sqlalchemy import MetaData, event, exc

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
# A pooled connection back in use within this many seconds is not pinged (HikariCP's "alive bypass window").
PING_AFTER_IDLE = 1.0


def has_pending_input(dbapi_connection) -> bool:
    """True when the connection's socket has something to read while no query is running: the server closed it
    (end of file) or sent a farewell ("terminating connection ..."). A healthy idle connection has nothing pending,
    so this catches a connection killed by a database restart without a round trip (the go MySQL driver's
    ``connCheck``). A connection with no socket (SQLite) has nothing to check; one whose socket is gone is stale."""
    fileno = getattr(dbapi_connection, "fileno", None)
    if fileno is None:
        return False
    try:
        fd = fileno()
    except Exception:  # closed: let the ping fail and the pool replace it
        return True
    if not hasattr(select, "poll"):  # Windows: select() takes sockets too
        return bool(select.select([fd], [], [], 0)[0])
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLPRI)
    return bool(poller.poll(0))


def ping_idle_connections(engine, idle: float = PING_AFTER_IDLE) -> None:
    """Check a pooled connection at checkout when it has been idle for ``idle`` seconds or more, or when its socket
    shows that the server has gone.

    SQLAlchemy's ``pool_pre_ping`` costs a round trip on every checkout, that is on every request. A connection
    handed back moments ago is alive as far as a ping could tell, unless its socket has input pending (the server
    closed it in a restart faster than ``idle``), which a poll with no wait sees. One that waited longer (a network
    that dropped it silently, an idle timeout) is pinged, and replaced when the ping fails, so the request gets a
    fresh connection, or a 503 when the database is down. A database lost while connections are in busy use fails the
    requests on them with a 503, as any in-flight request would; SQLAlchemy then renews the whole pool.
    """
    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_connection, record) -> None:
        if record is not None:
            record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection, record, _proxy) -> None:
        since = record.info.pop("idle_since", None)
        if since is None:
            return  # new
        if time.monotonic() - since < idle and not has_pending_input(dbapi_connection):
            return  # back in use at once, and its socket is quiet
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            raise exc.DisconnectionError() from error  # the pool drops it and connects afresh


class GridWatchSQLAlchemy(SQLAlchemy):
    """flask-sqlalchemy with idle-connection pings on every engine it makes."""

    def _make_engine(self, bind_key, options, app):
        engine = super()._make_engine(bind_key, options, app)
        if not options.get("pool_pre_ping"):
            ping_idle_connections(engine)
        return engine


class OneEngineSession(Session):
    """flask-sqlalchemy's session, which looks up the app's engines on every statement and every flushed table (the
    app proxy, then the model's bind key): with one engine (no ``SQLALCHEMY_BINDS``), that engine is kept after the
    first lookup. A session belongs to one app context, hence to one app."""

    _only_engine = None

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        if bind is not None:
            return bind
        if self._only_engine is None:
            engines = self._db.engines
            if len(engines) != 1 or None not in engines:  # several binds: choose per model, as flask-sqlalchemy does
                return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)
            self._only_engine = engines[None]
        return self._only_engine


# Objects stay readable after a commit without a reload (the pipeline reads with populate_existing).
db = GridWatchSQLAlchemy(metadata=MetaData(naming_convention=NAMING),
                         session_options={"expire_on_commit": False, "class_": OneEngineSession})
migrate = Migrate()
