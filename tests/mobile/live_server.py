"""The real Flask app on a local port (werkzeug) with the embedded pipeline worker: what the phone talks to."""
import threading

from werkzeug.serving import make_server

from server import create_app
from server.extensions import db

from ..conftest import app_config, fresh_database


class LiveServer:
    """Start, stop and restart the app on one port; the database and worker survive a stop."""

    def __init__(self, app):
        self.app = app
        self.port = 0
        self._server = None
        self._thread = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "LiveServer":
        self._server = make_server("127.0.0.1", self.port, self.app, threaded=True)
        self.port = self._server.server_port
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """The server goes away (connections refused) until started again on the same port."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(5)
            self._server = None

    def count(self, model, *where) -> int:
        with self.app.app_context():
            return db.session.execute(db.select(db.func.count()).select_from(model).where(*where)).scalar_one()


def start_live_server(tmp_path) -> LiveServer:
    """A migrated SQLite database with the demo city's reference data, the pipeline worker running."""
    app = create_app(app_config(f"sqlite:///{tmp_path / 'live.db'}", tmp_path, PIPELINE_RETRY_INTERVALS=[1, 1, 1]))
    fresh_database(app)
    from server.demo.seed import seed_reference
    with app.app_context():
        seed_reference()
    app.extensions["gridwatch_queue"].start(sweep=False)
    return LiveServer(app).start()


def stop_live_server(server: LiveServer) -> None:
    server.stop()
    server.app.extensions["gridwatch_queue"].stop()
    with server.app.app_context():
        db.session.remove()
        db.engine.dispose()
