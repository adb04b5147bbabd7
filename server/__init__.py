"""GridWatch backend: the Flask app factory.

Every module of ``server`` imports this package first, so the app's parts (blueprints, error handlers, the queue,
the subscribers, the admin web) are imported inside the factory: they load when an app is made, not whenever a
model or a helper is imported (the comments ``# lazy: with the app`` below)."""
import logging
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from werkzeug.routing import IntegerConverter

from server.config import Config
from server.extensions import db, migrate
from server.web import API_PREFIX
from server.web.openapi import api

MIGRATIONS = str(Path(__file__).parent / "migrations")


class DatabaseInt(IntegerConverter):
    """``<int:…>`` within a 32-bit INTEGER column's range, so that a huge id is a 404 rather than a database error."""

    def __init__(self, url_map, fixed_digits=0, min=None, max=2**31 - 1, signed=False):  # noqa: A002
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class GridWatchFlask(Flask):
    """Flask, with the check whether a view or hook is ``async`` made once per function rather than on every call
    (Flask asks it of every hook and view of every request; ``inspect.iscoroutinefunction`` unwraps each one)."""

    MAX_KNOWN = 1024  # functions whose answer is kept (hooks and views; a request's own callbacks come and go)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._sync_funcs: dict = {}

    def ensure_sync(self, func):
        """The function itself when synchronous, else Flask's synchronous wrapper of it."""
        known = self._sync_funcs
        try:
            return known[func]
        except (KeyError, TypeError):  # TypeError: an unhashable callable, asked each time
            pass
        result = super().ensure_sync(func)
        if len(known) >= self.MAX_KNOWN:
            known.clear()
        try:
            known[func] = result
        except TypeError:
            pass
        return result


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app from environment settings, optionally overridden (tests)."""
    app = GridWatchFlask(__name__, instance_relative_config=False)
    app.config.from_mapping(Config(test_config).as_dict())
    # lazy: with the app (see the module docstring)
    from server.web.json_provider import IsoJSONProvider
    from server.web.cookie_sessions import CookieSessions
    app.json = IsoJSONProvider(app)  # ISO 8601 dates in every JSON answer (Flask's default is RFC 1123)
    app.session_interface = CookieSessions()
    app.url_map.converters["int"] = DatabaseInt  # before any route: ids beyond the columns' range are 404s
    Path(app.config["INSTANCE_DIR"]).mkdir(parents=True, exist_ok=True)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    _register_extensions(app)
    _register_blueprints(app)
    # lazy: with the app (see the module docstring)
    from server.web.errors import register_error_handlers
    register_error_handlers(app)
    # lazy: with the app (see the module docstring)
    from server.tasks.queue import init_queue
    init_queue(app)
    _subscribe(app)
    _register_security(app)
    return app


def _subscribe(app: Flask) -> None:
    """Connect the features that listen to domain events (``server.events``)."""
    # lazy: with the app (see the module docstring)
    from server.notifications import case_events
    from server.pipeline import warm
    from server.webhooks import delivery
    case_events.init_app(app)
    delivery.init_app(app)
    warm.init_app(app)  # report workers load the text pipeline before they listen


def _register_security(app: Flask) -> None:
    """Security headers, proxy headers and sign-in throttling (last: it wraps the views registered above)."""
    # lazy: with the app (see the module docstring)
    from server.web.headers import init_headers
    from server.web.input_checks import init_input_checks
    from server.web.ratelimit import init_ratelimit
    from server.web.request_limits import init_intake_limits, init_request_limits
    init_headers(app)  # before the proxy fix, which then wraps it: the scheme it restores decides HSTS
    if app.config.get("TRUSTED_PROXIES"):
        from werkzeug.middleware.proxy_fix import ProxyFix
        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)
    init_request_limits(app)
    init_input_checks(app)  # after the body limit: it reads bodies
    init_ratelimit(app)
    init_intake_limits(app)  # on the limiter init_ratelimit made


def _register_extensions(app: Flask) -> None:
    """Bind the extensions."""
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite"):
        Path(uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True) if ":memory:" not in uri else None
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"timeout": 30}}
    db.init_app(app)
    if uri.startswith("sqlite"):
        with app.app_context():
            event.listen(db.engine, "connect", _sqlite_pragmas)
    migrate.init_app(app, db, directory=MIGRATIONS, render_as_batch=True, compare_type=True)
    api.init_app(app, spec_kwargs={"components": {"securitySchemes": {
        "bearerAuth": {"type": "http", "scheme": "bearer"}}}})


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """WAL and foreign keys for the embedded database."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _api_blueprints() -> list[tuple]:
    """Every API blueprint with its path under ``API_PREFIX``."""
    # lazy: with the app (see the module docstring)
    from server.accounts.api import blp as auth
    from server.alerts.api import blp as alerts
    from server.cases.api import blp as cases, ratings_blp as ratings
    from server.cases.library_api import blp as case_library
    from server.exports.api import exports_blp as exports
    from server.media.api import blp as media
    from server.metrics.api import blp as metrics
    from server.notifications.api import blp as notifications
    from server.open311.admin_api import keys_blp as apikeys, open311_blp as open311_admin
    from server.patrols.api import blp as patrols
    from server.plans.api import blp as plans
    from server.reports.api import blp as reports
    from server.reports.feedback_api import blp as report_feedback
    from server.reports.support_api import blp as report_support
    from server.public.api import blp as public
    from server.sharing.api import blp as sharing
    from server.areas.api import blp as areas
    from server.taxonomy.api import blp as categories
    from server.webhooks.api import webhooks_blp as webhooks
    return [
        (auth, "/auth"), (reports, "/reports"), (media, "/media"), (categories, "/categories"),
        (cases, "/cases"), (ratings, "/reports"), (notifications, "/notifications"), (metrics, "/metrics"),
        (plans, ""), (patrols, "/patrols"), (report_feedback, "/reports"), (report_support, "/reports"),
        (areas, "/areas"), (alerts, "/alerts"), (public, "/public"),
        (apikeys, "/apikeys"), (webhooks, "/webhooks"), (exports, "/exports"), (open311_admin, "/open311"),
        (case_library, ""), (sharing, "/sharing"),
    ]


def _register_blueprints(app: Flask) -> None:
    """Mount the API blueprints under ``API_PREFIX``, the admin web and Open311."""
    for blueprint, path in _api_blueprints():
        api.register_blueprint(blueprint, url_prefix=API_PREFIX + path)
    # lazy: with the app (see the module docstring)
    import admin
    admin.init_app(app)
    from server.open311 import register as register_open311  # Open311 GeoReport v2 at /open311/v2/
    register_open311(app)
    from server.web.landing import bp as landing  # the root URL: a landing page for people, JSON for programs
    app.register_blueprint(landing)
    from server.public.page import bp as public_page  # the residents' web page at /public/
    app.register_blueprint(public_page)

    @app.get("/healthz")
    def healthz():
        """Liveness and database reachability, for load balancers."""
        db.session.execute(db.text("SELECT 1"))
        return {"status": "ok", "queue": app.extensions["gridwatch_queue"].name}
