"""gunicorn workers whose own error answers (a request gunicorn cannot parse: a NUL in a header, a header or request
line over the limits) are JSON in the API's error shape instead of gunicorn's HTML pages.

``JSONErrorWorker`` is the class to configure (``server/web/gunicorn_conf.py``): a sync worker, or a threaded one when
gunicorn runs with more than one thread."""
import json
from ssl import SSLError

from gunicorn import util
from gunicorn.http import errors as http_errors
from gunicorn.workers.gthread import ThreadWorker
from gunicorn.workers.sync import SyncWorker

# exception → (status, reason, code, message); checked in order, the first match wins.
ANSWERS = (
    ((http_errors.InvalidResponseHeader, http_errors.InvalidResponseHeaderName),
     500, "Internal Server Error", "internal_error", "The server could not answer this request."),
    (http_errors.LimitRequestHeaders, 431, "Request Header Fields Too Large", "header_too_large",
     "The request headers are too large or too many."),
    (http_errors.LimitRequestLine, 414, "URI Too Long", "uri_too_long", "The request line is too long."),
    ((http_errors.InvalidHeader, http_errors.InvalidHeaderName, http_errors.ObsoleteFolding), 400, "Bad Request",
     "invalid_header", "A request header is malformed (for example, it contains a control character)."),
    (http_errors.UnsupportedTransferCoding, 501, "Not Implemented", "unsupported_transfer_coding",
     "The request's transfer coding is not supported."),
    (http_errors.ExpectationFailed, 417, "Expectation Failed", "expectation_failed",
     "The request's Expect header cannot be met."),
    ((http_errors.ForbiddenProxyRequest, SSLError), 403, "Forbidden", "forbidden", "The request is not allowed."),
    (http_errors.ConfigurationProblem, 500, "Internal Server Error", "internal_error",
     "The server could not answer this request."),
    (http_errors.ParseException, 400, "Bad Request", "bad_request", "The request is not valid HTTP."),
)
FALLBACK = (500, "Internal Server Error", "internal_error", "The server could not answer this request.")


def answer_for(exc: BaseException) -> tuple[int, str, str, str]:
    """Status, reason phrase, error code and message for an error gunicorn handles itself."""
    for types, *answer in ANSWERS:
        if isinstance(exc, types):
            return tuple(answer)
    return FALLBACK


def error_bytes(status: int, reason: str, code: str, message: str) -> bytes:
    """A complete HTTP/1.1 response with the JSON error body, closing the connection."""
    body = json.dumps({"code": code, "message": message, "errors": {}}).encode()
    head = (f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nX-Content-Type-Options: nosniff\r\n"
            "Content-Security-Policy: default-src 'none'\r\nCache-Control: no-store\r\n\r\n")
    return head.encode("latin-1") + body


class JSONErrorsMixin:
    """Answer gunicorn's own errors in the API's JSON shape; never echo the offending bytes."""

    def handle_error(self, req, client, addr, exc):
        status, reason, code, message = answer_for(exc)
        ip = (addr or ("", -1))[0]
        if status >= 500:
            self.log.exception("Error handling request from ip=%s", ip)
        else:
            self.log.warning("Invalid request from ip=%s: %s %s (%s)", ip, status, code, type(exc).__name__)
        try:
            util.write_nonblock(client, error_bytes(status, reason, code, message))
        except Exception:
            self.log.debug("Failed to send error message.")


class JSONSyncWorker(JSONErrorsMixin, SyncWorker):
    """gunicorn's sync worker with JSON error answers."""


class JSONThreadWorker(JSONErrorsMixin, ThreadWorker):
    """gunicorn's threaded worker with JSON error answers."""


class JSONErrorWorker:
    """The worker class to configure: threaded when gunicorn runs with ``--threads`` above 1, else sync.

    (gunicorn swaps only its own ``sync`` class for ``gthread`` when threads are asked for.)"""

    def __new__(cls, age, ppid, sockets, app, timeout, cfg, log):
        worker = JSONThreadWorker if cfg.threads > 1 else JSONSyncWorker
        return worker(age, ppid, sockets, app, timeout, cfg, log)

    @classmethod
    def check_config(cls, cfg, log):
        if cfg.threads > 1:
            JSONThreadWorker.check_config(cfg, log)
