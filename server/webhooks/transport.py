"""One webhook POST under the network policy: resolve, check every address, connect to a checked address itself.

The connection goes to the IP address that was checked (urllib3 pools opened on that address), while the Host header,
TLS SNI and certificate verification use the URL's host name: a name that resolves elsewhere a moment later (DNS
rebinding) cannot move the connection. Redirects are not followed (a 3xx is a failed attempt), proxies from the
environment are not used, and connect and read timeouts are short.

Each outcome carries a ``reason`` from a fixed vocabulary (``REASONS``): that and the status code are what department
staff see; the ``detail`` (exception text, the first bytes of the answer) is for admins and logs only.
"""
from dataclasses import dataclass

import urllib3
from urllib3.exceptions import (ConnectTimeoutError, HTTPError, ProtocolError, ReadTimeoutError, SSLError)

from server.webhooks.netpolicy import BLOCKED, BlockedTarget, Target, resolve_checked

DELIVERED = "delivered"
TIMEOUT = "timeout"  # connected, but no answer within the read timeout
UNREACHABLE = "unreachable"  # no connection: refused, timed out, no route, the name does not resolve
TLS_ERROR = "tls_error"
REDIRECT_REFUSED = "redirect_refused"
HTTP_ERROR = "http_error"
PROTOCOL_ERROR = "protocol_error"  # the answer was not HTTP, or the connection closed without one
DISABLED = "disabled"
SECRET_UNAVAILABLE = "secret_unavailable"
ERROR = "error"
REASONS = (DELIVERED, BLOCKED, UNREACHABLE, TIMEOUT, TLS_ERROR, REDIRECT_REFUSED, HTTP_ERROR, PROTOCOL_ERROR,
           DISABLED, SECRET_UNAVAILABLE, ERROR)
DETAIL_BYTES = 300  # of a failed answer's body, kept for admins
MAX_ADDRESSES = 3  # tried in turn when the connection cannot be made


@dataclass
class Outcome:
    """How one attempt went."""

    status: int | None
    reason: str
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.reason == DELIVERED

    def record(self) -> str | None:
        """The text kept in ``last_error``: the reason first, then the detail (None when delivered)."""
        if self.ok:
            return None
        return f"{self.reason}: {self.detail}" if self.detail else self.reason


def reason_of(last_error: str | None) -> str | None:
    """The reason word at the start of a recorded error (``error`` for a record without one)."""
    if not last_error:
        return None
    word = last_error.split(":", 1)[0].strip()
    return word if word in REASONS else ERROR


def _pool(target: Target, address, connect_timeout: float, read_timeout: float):
    timeout = urllib3.Timeout(connect=connect_timeout, read=read_timeout)
    options = {"timeout": timeout, "retries": False, "maxsize": 1, "block": False}
    if target.scheme == "https":
        return urllib3.HTTPSConnectionPool(str(address), target.port, cert_reqs="CERT_REQUIRED",
                                           server_hostname=target.host, assert_hostname=target.host, **options)
    return urllib3.HTTPConnectionPool(str(address), target.port, **options)


def post(target: Target, body: bytes, headers: dict, connect_timeout: float, read_timeout: float,
         allowed=()) -> Outcome:
    """POST ``body`` to the target after checking where its host resolves now."""
    try:
        addresses = resolve_checked(target, allowed)
    except BlockedTarget as exc:
        reason = BLOCKED if exc.reason == BLOCKED else UNREACHABLE
        return Outcome(None, reason, str(exc).removeprefix("url: "))
    headers = {**headers, "Host": target.host_header}
    outcome = Outcome(None, UNREACHABLE, "no address")
    for address in addresses[:MAX_ADDRESSES]:
        outcome = _post_to(target, address, body, headers, connect_timeout, read_timeout)
        if outcome.reason != UNREACHABLE:
            break
    return outcome


def _post_to(target: Target, address, body: bytes, headers: dict, connect_timeout: float,
             read_timeout: float) -> Outcome:
    pool = _pool(target, address, connect_timeout, read_timeout)
    try:
        response = pool.urlopen("POST", target.path, body=body, headers=headers, redirect=False, retries=False,
                                preload_content=False, assert_same_host=False)
        try:
            status = response.status
            snippet = b"" if 200 <= status < 300 else response.read1(DETAIL_BYTES)
        finally:
            response.release_conn()
    except ReadTimeoutError:
        return Outcome(None, TIMEOUT, f"no answer within {read_timeout:g} s")
    except ConnectTimeoutError as exc:  # NewConnectionError (refused, no route) is one too
        return Outcome(None, UNREACHABLE, f"{address}: {_why(exc)}")
    except SSLError as exc:
        return Outcome(None, TLS_ERROR, _why(exc))
    except ProtocolError as exc:
        return Outcome(None, PROTOCOL_ERROR, _why(exc))
    except (HTTPError, OSError, ValueError) as exc:
        return Outcome(None, ERROR, f"{type(exc).__name__}: {_why(exc)}")
    finally:
        pool.close()
    if 200 <= status < 300:
        return Outcome(status, DELIVERED)
    text = snippet[:DETAIL_BYTES].decode("utf-8", "replace").strip()
    reason = REDIRECT_REFUSED if 300 <= status < 400 else HTTP_ERROR
    return Outcome(status, reason, f"HTTP {status}" + (f": {text}" if text else ""))


def _why(exc: BaseException) -> str:
    """The innermost cause's text, short."""
    while getattr(exc, "reason", None) is not None and isinstance(exc.reason, BaseException):
        exc = exc.reason
    return str(exc)[:300]
