"""Flask's signed-cookie sessions (the admin web's sign-in), with the signing serializer made once per key set.

Flask builds an ``itsdangerous`` serializer on every request to open the session, also for API requests that carry
no cookie (a tenth of a millisecond each on a slow host, on the busiest requests: report intake). The serializer holds
only the keys and settings, so one is kept per (``SECRET_KEY``, ``SECRET_KEY_FALLBACKS``) and made again when they
change; cookies are read and signed exactly as Flask's own interface does.
"""
from flask import Flask
from flask.sessions import SecureCookieSessionInterface


class CookieSessions(SecureCookieSessionInterface):
    """Flask's session interface, keeping its signing serializer while the keys stay the same."""

    def __init__(self):
        self._serializer = None  # ((secret key, fallbacks), serializer)

    def get_signing_serializer(self, app: Flask):
        """Flask's serializer for the app's current keys (None without a secret key), made once per key set."""
        keys = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        kept = self._serializer
        if kept is None or kept[0] != keys:
            kept = self._serializer = (keys, super().get_signing_serializer(app))
        return kept[1]
