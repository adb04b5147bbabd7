"""Sign-in throttling with Flask-Limiter: counters on Redis when REDIS_URL is set, in memory otherwise.

Mark any sign-in view with :func:`signin_throttled` (the API's login and register are marked here; a web login
form can use it too); :func:`init_ratelimit` runs last in the app factory and puts the limits on every marked view:

- per client address, every attempt counts (``SIGNIN_RATE_LIMIT``, e.g. ``30 per minute``),
- per account name, failed attempts count (``SIGNIN_FAILURE_LIMIT``), so spreading guesses over many addresses
  does not help either,
- per client address, account creation (``REGISTER_RATE_LIMIT``) on views marked ``register=True``.

A breach answers 429 in the one error shape with ``Retry-After``. When Redis is unreachable the counters fall back
to memory (sign-in keeps working).
"""
import logging

from flask import Flask, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

log = logging.getLogger(__name__)
MARK = "_gridwatch_signin"
# Sign-in views known by endpoint name (the API's, and the admin web's form); others use the decorator.
API_SIGNIN_ENDPOINTS = {"auth.login": False, "auth.register": True, "admin.login": False}
LOGIN_FIELDS = ("username", "phone", "login")


def signin_throttled(view=None, *, register: bool = False):
    """Mark a view as a sign-in (or account creation) form; usable with or without arguments."""

    def mark(func):
        setattr(func, MARK, {"register": register})
        return func

    return mark(view) if view is not None else mark


def _login_name() -> str:
    """The account name tried, from a JSON body or a form (lower-cased), else the client address."""
    data = request.get_json(silent=True) if request.is_json else request.form
    if hasattr(data, "get"):  # a JSON object or a form
        for name in LOGIN_FIELDS:
            value = data.get(name)
            if isinstance(value, str) and value.strip():
                return "account:" + value.strip().lower()[:64]
    return "address:" + (get_remote_address() or "unknown")


def _failed(response) -> bool:
    """Whether a sign-in attempt failed: an error, or a web form shown again instead of a redirect."""
    return response.status_code >= 400 or (response.status_code == 200 and not request.is_json)


def _breach(limit) -> None:
    """Log every refusal: a burst of them is an attack worth seeing."""
    log.warning("sign-in throttled: %s %s for %s (%s)", request.method, request.path, limit.key,
                limit.limit)


def _storage_uri(app: Flask) -> str:
    """Redis when the app has one, else memory."""
    return app.config.get("RATELIMIT_STORAGE_URI") or app.config.get("REDIS_URL") or "memory://"


def init_ratelimit(app: Flask) -> Limiter:
    """A limiter for this app with the sign-in limits on every marked view (call after all blueprints)."""
    cfg = app.config
    cfg.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    cfg.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    cfg.setdefault("RATELIMIT_KEY_PREFIX", "gridwatch-limits")
    uri = _storage_uri(app)
    options = {"socket_connect_timeout": 1, "socket_timeout": 1} if uri.startswith(("redis://", "rediss://")) else {}
    limiter = Limiter(get_remote_address, app=app, storage_uri=uri, storage_options=options,
                      strategy="moving-window", in_memory_fallback_enabled=True, default_limits=[])
    app.extensions["gridwatch_limiter"] = limiter
    for endpoint, view in list(app.view_functions.items()):
        mark = getattr(view, MARK, None)
        if mark is None and endpoint in API_SIGNIN_ENDPOINTS:
            mark = {"register": API_SIGNIN_ENDPOINTS[endpoint]}
        if mark is None:
            continue
        limited = view
        common = {"methods": ["POST"], "on_breach": _breach}
        if mark["register"]:
            limited = limiter.limit(lambda: app.config["REGISTER_RATE_LIMIT"], scope="register", **common,
                                    error_message="Too many sign-ups from this address; try again later.")(limited)
        limited = limiter.limit(lambda: app.config["SIGNIN_FAILURE_LIMIT"], key_func=_login_name,
                                scope="signin-fail", deduct_when=_failed, **common,
                                error_message="Too many failed sign-ins for this account; wait and try again.")(limited)
        limited = limiter.limit(lambda: app.config["SIGNIN_RATE_LIMIT"], scope="signin", **common,
                                error_message="Too many sign-in attempts from this address; wait and try again.")(
            limited)
        app.view_functions[endpoint] = limited
    return limiter
