"""Security headers on every response, and the Content-Security-Policy of the admin pages."""
from urllib.parse import urlsplit

from flask import Flask

ADMIN_PREFIX = "/admin"
HSTS = "max-age=31536000; includeSubDomains"
# JSON and files of the API never run anything.
API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"


def tile_origin(template: str | None) -> str | None:
    """The scheme and host of a map tile URL template (``https://{s}.tile.example.org/{z}/{x}/{y}.png``)."""
    if not template:
        return None
    parts = urlsplit(template)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.netloc.split("@")[-1]
    # Leaflet's {s} subdomains: allow any subdomain of the rest.
    return f"{parts.scheme}://{host.replace('{s}', '*')}"


def admin_csp(tile_url: str | None) -> str:
    """Scripts, styles, fonts and images from this server only, plus map tiles from the configured host."""
    tiles = tile_origin(tile_url)
    img = "'self' data: blob:" + (f" {tiles}" if tiles else "")
    return ("default-src 'self'; script-src 'self'; style-src 'self'; font-src 'self'; "
            f"img-src {img}; media-src 'self' blob:; connect-src 'self'; object-src 'none'; "
            "frame-ancestors 'none'; base-uri 'self'; form-action 'self'")


def _ours(environ: dict, headers: list, tile_url: str | None) -> list[tuple[str, str, bool]]:
    """The headers this response gets: (name, value, whether it replaces the view's own)."""
    path = environ.get("PATH_INFO") or "/"
    ours = [("X-Content-Type-Options", "nosniff", True), ("Referrer-Policy", "same-origin", False),
            ("X-Frame-Options", "DENY", True)]
    if environ.get("wsgi.url_scheme") in ("https", "wss"):
        ours.append(("Strict-Transport-Security", HSTS, False))
    if path == ADMIN_PREFIX or path.startswith(ADMIN_PREFIX + "/"):
        ours.append(("Content-Security-Policy", admin_csp(tile_url), True))
    elif path.startswith("/api/") or any(name.lower() == "content-type"
                                         and value.partition(";")[0].strip().lower() == "application/json"
                                         for name, value in headers):
        ours.append(("Content-Security-Policy", API_CSP, False))
    return ours


def add_security_headers(environ: dict, headers: list, tile_url: str | None = None) -> None:
    """Add the headers to a WSGI header list: ours are appended where absent (a view's own Referrer-Policy, HSTS or
    API policy stays); the forced ones replace the view's."""
    present = {name.lower() for name, _ in headers}
    for name, value, force in _ours(environ, headers, tile_url):
        key = name.lower()
        if key not in present:
            headers.append((name, value))
        elif force:
            headers[:] = [item for item in headers if item[0].lower() != key] + [(name, value)]


class SecurityHeaders:
    """WSGI middleware adding the security headers to every answer of the app, as it starts the response: the
    header list is plain tuples there, cheaper to extend than a response's ``Headers`` (which checks each value)."""

    def __init__(self, wsgi_app, config) -> None:
        self.wsgi_app, self.config = wsgi_app, config

    def __call__(self, environ, start_response):
        def start(status, headers, exc_info=None):
            add_security_headers(environ, headers, self.config.get("ADMIN_TILE_URL"))
            return start_response(status, headers, exc_info)
        return self.wsgi_app(environ, start)


def init_headers(app: Flask) -> None:
    """Wrap the app (inside any proxy fix, so that the scheme it restores counts; the admin policy set here is the
    one sent, whatever a view or blueprint hook set)."""
    app.wsgi_app = SecurityHeaders(app.wsgi_app, app.config)
