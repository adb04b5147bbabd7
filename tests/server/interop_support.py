"""Helpers of the interoperability tests: a live server, a webhook receiver, Open311 posts."""
import json
import socket
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.etree import ElementTree as ET

from werkzeug.datastructures import Headers  # names are case-insensitive

from ..helpers import LiveServer

GAS = "桂花园小区7栋楼道里好大一股煤气味，像是哪家漏气了，联系电话13812345678"
GAS_AT = {"lat": "28.2345", "long": "112.9067"}


@contextmanager
def live_server(app):
    """The app served over real HTTP on a free port; yields the base URL."""
    with LiveServer(app) as server:
        yield server.url


class _CountingServer(ThreadingHTTPServer):
    """Counts the connections it accepts (a refused target must never get one)."""

    connections = 0

    def process_request(self, request, client_address):
        self.connections += 1
        super().process_request(request, client_address)


class Receiver:
    """A department's HTTP endpoint: records each POST and answers the scripted statuses (then 200), with
    ``body`` (and ``location`` for a redirect)."""

    def __init__(self, statuses=(), body: bytes | None = None, location: str | None = None):
        self.statuses = list(statuses)
        self.answer, self.location = body, location
        self.received: list[dict] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver._lock:
                    receiver.received.append({"path": self.path, "headers": Headers(list(self.headers.items())),
                                              "body": body})
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                if receiver.location and 300 <= status < 400:
                    self.send_header("Location", receiver.location)
                self.end_headers()
                answer = receiver.answer
                self.wfile.write(answer if answer is not None else b"ok" if status < 300 else b"receiver is down")

            def log_message(self, *args):
                pass

        self.server = _CountingServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/gridwatch-hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    @property
    def connections(self) -> int:
        """How many connections it accepted."""
        return self.server.connections

    def events(self) -> list[dict]:
        """The JSON bodies received."""
        return [json.loads(r["body"]) for r in self.received]


class Blackhole:
    """A receiver that accepts connections on loopback and never answers (holding them until closed)."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.held: list[socket.socket] = []
        self.accepted = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:  # closed
                return
            self.held.append(conn)
            self.accepted.set()

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread
        except OSError:
            pass
        self.sock.close()
        for conn in self.held:
            conn.close()


def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def xml_errors(response) -> list[tuple[str, str]]:
    """(code, description) pairs of an Open311 XML error body."""
    assert response.data.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    root = ET.fromstring(response.data)
    assert root.tag == "errors"
    return [(e.findtext("code"), e.findtext("description")) for e in root.findall("error")]


def open311_post(client, key, fmt="json", **fields):
    """POST requests as a 311 system would (form-encoded)."""
    data = {"service_code": "accident.gas_leak", "description": GAS, "attribute[indoors]": "indoor", **GAS_AT,
            **fields}
    if key is not None:
        data["api_key"] = key
    return client.post(f"/open311/v2/requests.{fmt}", data={k: v for k, v in data.items() if v is not None})
