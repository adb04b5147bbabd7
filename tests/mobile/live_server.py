"""The real Flask app on a local port (werkzeug) with the embedded pipeline worker: what the phone talks to."""
from server import create_app
from server.extensions import db

from ..conftest import app_config, fresh_database
from ..helpers import LiveServer


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
