"""Helpers of the interoperability tests: a live server, a webhook receiver, Open311 posts."""
import json
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


class Receiver:
    """A department's HTTP endpoint: records each POST and answers the scripted statuses (then 200)."""

    def __init__(self, statuses=()):
        self.statuses = list(statuses)
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
                self.end_headers()
                self.wfile.write(b"ok" if status < 300 else b"receiver is down")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/gridwatch-hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def events(self) -> list[dict]:
        """The JSON bodies received."""
        return [json.loads(r["body"]) for r in self.received]


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
