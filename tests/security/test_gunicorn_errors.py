"""Requests gunicorn refuses before the app sees them (a NUL in a header, headers or a request line over its limits)
are answered in the API's JSON error shape, not with gunicorn's HTML pages: a real gunicorn with the product's
settings (``server/web/gunicorn_conf.py``), sync and threaded, over a raw socket."""
import json
import os
import socket
from pathlib import Path

import pytest

from bench.intake.servers import WorkerConfig, gunicorn

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module", params=[WorkerConfig(1, 1), WorkerConfig(1, 2)], ids=["sync", "threads"])
def server(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("gunicorn")
    env = {**os.environ, "GRIDWATCH_ENV": "test", "DATABASE_URL": f"sqlite:///{tmp / 'g.db'}",
           "MEDIA_ROOT": str(tmp / "media"), "GRIDWATCH_INSTANCE": str(tmp), "WHISPER_MODEL_DIR": str(tmp / "none")}
    env.pop("REDIS_URL", None)
    with gunicorn("server:create_app()", env, REPO, request.param, "/healthz", tmp / "g.log") as base:
        host, port = base.removeprefix("http://").split(":")
        yield host, int(port), tmp / "g.log"


def raw(server, request: bytes) -> tuple[int, dict, bytes]:
    """Send bytes as they are; the status, headers and body of the answer."""
    host, port, _ = server
    with socket.create_connection((host, port), timeout=30) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), {k.lower(): v for k, v in headers.items()}, body


BAD = {
    "nul_in_authorization": (b"GET /api/v1/auth/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ab\x00cd\r\n\r\n",
                             400),
    "oversized_header": (b"GET /api/v1/auth/me HTTP/1.1\r\nHost: x\r\nX-Filler: " + b"a" * 20000 + b"\r\n\r\n", 431),
    "too_many_headers": (b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-H%d: 1\r\n" % i for i in range(150))
                         + b"\r\n", 431),
    "oversized_request_line": (b"GET /" + b"a" * 10000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
    "control_character_in_header_name": (b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-\x01: y\r\n\r\n", 400),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_requests_gunicorn_refuses_get_json_errors(server, case):
    request, status = BAD[case]
    answer, headers, body = raw(server, request)
    assert answer == status, body[:300]
    assert headers["content-type"] == "application/json" and headers["x-content-type-options"] == "nosniff"
    error = json.loads(body)
    assert set(error) == {"code", "message", "errors"} and error["code"] and error["message"], error
    assert b"<html" not in body.lower() and b"Bearer" not in body, "the offending bytes are not echoed"


def test_the_server_still_answers_afterwards(server):
    for request, _ in BAD.values():
        raw(server, request)
    status, headers, body = raw(server, b"GET /api/v1/auth/me HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert status == 401 and json.loads(body)["code"], body[:300]
    assert "Worker exited" not in server[2].read_text(errors="replace")
