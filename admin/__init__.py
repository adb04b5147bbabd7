"""The supervisors' and departments' web pages: a Flask blueprint mounted at /admin."""
from datetime import timedelta

from flask import Flask

from admin.blueprint import bp, csrf
from admin import hooks, views  # noqa: F401  (routes and request hooks attach to bp)


def init_app(app: Flask) -> None:
    """Register the admin blueprint; CSRF is checked on every admin form (the bearer-token API is left alone)."""
    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", 12 * 3600)
    # The session cookie's SameSite, HttpOnly and Secure come from server.config.Config (setdefault here could never
    # override Flask's own SESSION_COOKIE_SAMESITE=None).
    # Only these pages use the cookie session: a working day (not Flask's 31 days), ADMIN_SESSION_HOURS to change.
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=app.config["ADMIN_SESSION_HOURS"])
    csrf.init_app(app)
    app.register_blueprint(bp)
