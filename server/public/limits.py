"""Per-address limits of the public page's open endpoints, on the app's Flask-Limiter (429 with Retry-After)."""
import math
import time

from flask import current_app, g
from flask_limiter.util import get_remote_address
from limits import parse_many

from server.web.errors import ApiError


def throttle(scope: str, setting: str) -> None:
    """Count this request against ``setting`` (a Flask-Limiter string; empty: no limit) for the client's address."""
    limiter = current_app.extensions.get("gridwatch_limiter")
    rate = current_app.config.get(setting)
    if limiter is None or not rate or not current_app.config.get("RATELIMIT_ENABLED", True):
        return
    address = get_remote_address()
    for item in parse_many(rate):
        if not limiter.limiter.hit(item, scope, address):
            reset, _remaining = limiter.limiter.get_window_stats(item, scope, address)
            g.retry_after = max(1, math.ceil(reset - time.time()))
            raise ApiError(429, "rate_limited", "Too many requests from this address; wait and try again.")


def retry_after(response):
    """Say when to ask again after a 429 (an after_request hook)."""
    if response.status_code == 429 and getattr(g, "retry_after", None):
        response.headers["Retry-After"] = str(g.retry_after)
    return response
