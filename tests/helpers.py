"""Small helpers shared by the tests."""
import threading
import uuid

from werkzeug.serving import make_server

from server.extensions import db

from server.demo.data import load

PASSWORDS = {u["username"]: u["password"] for u in load("users")}
LOGIN = {role: next(u["username"] for u in load("users") if u["role"] == role)
         for role in ("resident", "grid_worker", "dept_staff", "supervisor", "admin")}


def login(client, username: str) -> dict:
    """Sign in a demo account; returns the Authorization header."""
    response = client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORDS[username]})
    assert response.status_code == 200, response.get_json()
    return {"Authorization": "Bearer " + response.get_json()["access_token"]}


def count(app, model) -> int:
    """Rows of a model in the app's database."""
    with app.app_context():
        return db.session.execute(db.select(db.func.count()).select_from(model)).scalar_one()


def new_uuid() -> str:
    """A fresh client UUID, as a phone makes one."""
    return str(uuid.uuid4())


class LiveServer:
    """The app over real HTTP on 127.0.0.1; it can stop and start again on the same port (a server outage)."""

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
        """Rows of a model on the server's database."""
        with self.app.app_context():
            return db.session.execute(db.select(db.func.count()).select_from(model).where(*where)).scalar_one()

    def __enter__(self) -> "LiveServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
