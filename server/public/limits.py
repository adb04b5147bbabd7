"""Per-address limits of the public page's open endpoints, on the app's rate-limit storage (429 with Retry-After)."""
from flask import current_app
from flask_limiter.util import get_remote_address

from server.web import throttle as counters
from server.web.errors import ApiError


def throttle(scope: str, setting: str) -> None:
    """Count this request against ``setting`` (a Flask-Limiter string; empty: no limit) for the client's address."""
    wait = counters.hit(scope, current_app.config.get(setting), get_remote_address())
    if wait is not None:
        raise ApiError(429, "rate_limited", "Too many requests from this address; wait and try again.",
                       retry_after=wait)

