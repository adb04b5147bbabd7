"""Sign-in throttling with Flask-Limiter: counters on Redis when REDIS_URL is set, in memory otherwise.

Mark any sign-in view with :func:`signin_throttled` (the API's login and register and the admin web's form are
known by name); :func:`init_ratelimit` runs last in the app factory and puts the limits on every marked view. Every
counter is shared by all the doors (the API and the admin form count against the same numbers):

- per client address, every attempt (``SIGNIN_RATE_LIMIT``);
- per account *and* client address, failed attempts (``SIGNIN_FAILURE_LIMIT``): this is the lock a guesser meets,
  and it only locks that address out, so nobody can lock a person out from elsewhere;
- per client address, failed attempts whatever the account (``SIGNIN_ADDRESS_FAILURE_LIMIT``): one address trying
  many accounts;
- per account, failed attempts from everywhere (``SIGNIN_ACCOUNT_FAILURE_LIMIT``, much higher): slows guesses
  spread over many addresses, but never applies to an address that signed in to that account successfully in the
  last ``SIGNIN_KNOWN_ADDRESS_DAYS`` days, so the real user at home still gets in with the right password;
- per client address, account creation (``REGISTER_RATE_LIMIT``) on views marked ``register=True``.

The account is the user the name resolves to (a username or a phone number in any spelling), else a keyed hash of
the name: counter keys never hold a phone number. A breach answers 429 in the one error shape with
``Retry-After``. When Redis is unreachable the counters fall back to memory (sign-in keeps working).

Flask-Limiter's own hooks (resolve, filter and evaluate limits before each request, add headers after it, reset its
context at teardown) run only on requests to these views: every other request of the app carries no Flask-Limiter
limit, and the hooks cost it a few tenths of a millisecond. Views that count their own requests (the report intake,
the public map) go through ``server/web/throttle.py``.
"""
import logging
from functools import wraps

from flask import Flask, current_app, g, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from server.accounts.service import find_user
from server.accounts.security import blind_index, normalise_phone
from server.extensions import db
from server.models import User

log = logging.getLogger(__name__)
MARK = "_gridwatch_signin"
# Sign-in views known by endpoint name (the API's, and the admin web's form); others use the decorator.
API_SIGNIN_ENDPOINTS = {"auth.login": False, "auth.register": True, "admin.login": False}
LOGIN_FIELDS = ("username", "phone", "login")
KNOWN_PREFIX = "gridwatch-known-address/"


def signin_throttled(view=None, *, register: bool = False):
    """Mark a view as a sign-in (or account creation) form; usable with or without arguments."""

    def mark(func):
        setattr(func, MARK, {"register": register})
        return func

    return mark(view) if view is not None else mark


def _typed_name() -> str | None:
    """The account name tried, from a JSON body or a form."""
    data = request.get_json(silent=True) if request.is_json else request.form
    if hasattr(data, "get"):  # a JSON object or a form
        for name in LOGIN_FIELDS:
            value = data.get(name)
            if isinstance(value, str) and value.strip():
                return value.strip()[:64]
    return None


def account_key() -> str | None:
    """Who the attempt is about: ``user:<id>`` when the name (username or phone number, any spelling) resolves to
    an account, else a keyed hash of the normalised name; None without a name. Computed once per request."""
    if "signin_account" not in g:
        from sqlalchemy.exc import SQLAlchemyError

        typed, key = _typed_name(), None
        if typed:
            try:
                user = find_user(typed) or _user_by_folded_name(typed)
            except SQLAlchemyError:  # the database is away: the view answers 503; count by name meanwhile
                db.session.rollback()
                user = None
            key = f"user:{user.id}" if user is not None else \
                "name:" + blind_index("signin:" + (normalise_phone(typed) or typed.lower()))[:32]
        g.signin_account = key
    return g.signin_account


def _user_by_folded_name(typed: str):
    """The user whose username matches regardless of case ('GAS01' is a guess at gas01's account)."""
    return db.session.execute(db.select(User).where(db.func.lower(User.username) == typed.lower()).limit(1)
                              ).scalar_one_or_none()


def _address() -> str:
    return get_remote_address() or "unknown"


def _account_and_address() -> str:
    return f"{account_key() or 'none'}@{_address()}"


def _account_only() -> str:
    return account_key() or "address:" + _address()


def _failed(response) -> bool:
    """Whether a sign-in attempt failed: an error, or a web form shown again instead of a redirect."""
    return response.status_code >= 400 or (response.status_code == 200 and not request.is_json)


def _storage():
    """The counters' storage in use (memory while Redis is away)."""
    return current_app.extensions["gridwatch_limiter"].limiter.storage


def _known_key() -> str | None:
    account = account_key()
    return f"{KNOWN_PREFIX}{account}@{_address()}" if account and account.startswith("user:") else None


def known_address() -> bool:
    """Whether this address signed in to this account successfully not long ago (exempt from the account-wide
    limit)."""
    key = _known_key()
    try:
        return bool(key and _storage().get(key))
    except Exception:  # noqa: BLE001 - storage trouble: treat the address as new
        return False


def _remember_address() -> None:
    """Note a successful sign-in from this address for ``SIGNIN_KNOWN_ADDRESS_DAYS``."""
    key = _known_key()
    if key:
        try:
            _storage().incr(key, int(current_app.config["SIGNIN_KNOWN_ADDRESS_DAYS"]) * 86400)
        except Exception:  # noqa: BLE001
            log.warning("sign-in: could not remember a known address", exc_info=True)


def _breach(limit) -> None:
    """Log every refusal: a burst of them is an attack worth seeing."""
    log.warning("sign-in throttled: %s %s for %s (%s)", request.method, request.path, limit.key, limit.limit)


def _storage_uri(app: Flask) -> str:
    """Redis when the app has one, else memory."""
    return app.config.get("RATELIMIT_STORAGE_URI") or app.config.get("REDIS_URL") or "memory://"


def _remembering(view):
    """Wrap a sign-in view so that a success marks the address as known for the account."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        response = current_app.make_response(view(*args, **kwargs))
        if not _failed(response):
            _remember_address()
        return response
    return wrapper


def _only_on(endpoints: set, hook):
    """The limiter's hook, run only on requests to these endpoints (an after-request hook passes the response on)."""

    @wraps(hook)
    def gated(*args):
        if request.endpoint in endpoints:
            return hook(*args)
        return args[0] if args else None
    return gated


def _gate_new_hooks(app: Flask, before: dict, endpoints: set) -> None:
    """Gate every app-wide hook registered since ``before`` (a snapshot of the hook lists) to these endpoints."""
    for name, funcs in before.items():
        hooks = getattr(app, name).setdefault(None, [])
        hooks[len(funcs):] = [_only_on(endpoints, hook) for hook in hooks[len(funcs):]]


def _hook_lists(app: Flask) -> dict:
    return {name: list(getattr(app, name).get(None, [])) for name in
            ("before_request_funcs", "after_request_funcs", "teardown_request_funcs")}


def _config(name: str):
    return lambda: current_app.config[name]


def init_ratelimit(app: Flask) -> Limiter:
    """A limiter for this app with the sign-in limits on every marked view (call after all blueprints)."""
    cfg = app.config
    cfg.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    cfg.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    cfg.setdefault("RATELIMIT_KEY_PREFIX", "gridwatch-limits")
    uri = _storage_uri(app)
    options = {"socket_connect_timeout": 1, "socket_timeout": 1} if uri.startswith(("redis://", "rediss://")) else {}
    hooks, limited_endpoints = _hook_lists(app), set()
    limiter = Limiter(get_remote_address, app=app, storage_uri=uri, storage_options=options,
                      strategy="moving-window", in_memory_fallback_enabled=True, default_limits=[])
    app.extensions["gridwatch_limiter"] = limiter
    _gate_new_hooks(app, hooks, limited_endpoints)
    common = {"methods": ["POST"], "on_breach": _breach}
    # Shared limits: one counter per key across every door (API, admin form, any marked view).
    every = limiter.shared_limit(_config("SIGNIN_RATE_LIMIT"), scope="signin", **common,
                                 error_message="Too many sign-in attempts from this address; wait and try again.")
    per_account_address = limiter.shared_limit(
        _config("SIGNIN_FAILURE_LIMIT"), scope="signin-fail", key_func=_account_and_address, deduct_when=_failed,
        error_message="Too many failed sign-ins for this account from here; wait and try again.", **common)
    per_address = limiter.shared_limit(
        _config("SIGNIN_ADDRESS_FAILURE_LIMIT"), scope="signin-fail-address", deduct_when=_failed,
        error_message="Too many failed sign-ins from this address; wait and try again.", **common)
    per_account = limiter.shared_limit(
        _config("SIGNIN_ACCOUNT_FAILURE_LIMIT"), scope="signin-fail-account", key_func=_account_only,
        deduct_when=_failed, exempt_when=known_address,
        error_message="Too many failed sign-ins for this account; wait and try again, or sign in where you "
                      "usually do.", **common)
    register = limiter.shared_limit(_config("REGISTER_RATE_LIMIT"), scope="register", **common,
                                    error_message="Too many sign-ups from this address; try again later.")
    for endpoint, view in list(app.view_functions.items()):
        mark = getattr(view, MARK, None)
        if mark is None and endpoint in API_SIGNIN_ENDPOINTS:
            mark = {"register": API_SIGNIN_ENDPOINTS[endpoint]}
        if mark is None:
            continue
        if mark["register"]:  # a sign-up is no guess at a password: per address only
            limited = per_address(register(view))
        else:
            limited = per_account(per_account_address(per_address(_remembering(view))))
        app.view_functions[endpoint] = every(limited)
        limited_endpoints.add(endpoint)
    return limiter
