"""Security headers on every response, and the Content-Security-Policy of the admin pages."""
from urllib.parse import urlsplit

from flask import Flask, current_app, request

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


def _tile_url() -> str | None:
    return current_app.config.get("ADMIN_TILE_URL")


def set_security_headers(response):
    """Add the headers (an after_request hook). The response's own header names are read once; ours are appended
    where absent (a view's own Referrer-Policy, HSTS or API policy stays), two are always ours."""
    headers, path = response.headers, request.path
    present = {name.lower() for name, _ in headers.items()}
    ours = [("X-Content-Type-Options", "nosniff", True), ("Referrer-Policy", "same-origin", False),
            ("X-Frame-Options", "DENY", True)]
    if request.is_secure:
        ours.append(("Strict-Transport-Security", HSTS, False))
    if path == ADMIN_PREFIX or path.startswith(ADMIN_PREFIX + "/"):
        ours.append(("Content-Security-Policy", admin_csp(_tile_url()), True))
    elif path.startswith("/api/") or response.mimetype == "application/json":
        ours.append(("Content-Security-Policy", API_CSP, False))
    for name, value, force in ours:
        if name.lower() not in present:
            headers.add(name, value)
        elif force:
            headers[name] = value
    return response


def init_headers(app: Flask) -> None:
    """Install the hook (runs after blueprint hooks, so the admin policy here is the one sent)."""
    app.after_request(set_security_headers)
