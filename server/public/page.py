"""The residents' public web page at ``/public/``: one HTML page (Chinese first, ``?lang=en``), its script and styles.

Everything it does goes through the API with a bearer token (the same intake, report, feedback, rating and nearby
endpoints as the phone app); the page itself only renders its words. Strict CSP (scripts from this server only), no
Referer ever sent (the follow-up link's key lives in the URL fragment, which no request carries), and the browser's
camera, microphone and location allowed for this origin only.
"""
import json

from flask import Blueprint, current_app, render_template, request, url_for

from server.public.page_text import JS_TEXT, TEXT
from server.web.headers import admin_csp

bp = Blueprint("public_page", __name__, url_prefix="/public", template_folder="templates",
               static_folder="static", static_url_path="/static")
PERMISSIONS = "camera=(self), microphone=(self), geolocation=(self), payment=(), usb=()"


def _language() -> str:
    """?lang=zh|en, else the browser's preference, else Chinese."""
    asked = request.args.get("lang")
    if asked in TEXT:
        return asked
    return request.accept_languages.best_match(["zh", "en"], default="zh") or "zh"


@bp.get("/")
def index():
    """The page: report, follow, map."""
    lang = _language()
    page = render_template("public/index.html", t=TEXT[lang], lang=lang, other="en" if lang == "zh" else "zh",
                           js_text=json.dumps(JS_TEXT[lang], ensure_ascii=False).replace("<", "\\u003c"),
                           leaflet=url_for("admin.static", filename="vendor/leaflet/leaflet.js"),
                           leaflet_css=url_for("admin.static", filename="vendor/leaflet/leaflet.css"),
                           tile_url=current_app.config.get("ADMIN_TILE_URL") or "", timezone=current_app.config["CITY_TIMEZONE"])
    return page, 200, {"Content-Security-Policy": admin_csp(current_app.config.get("ADMIN_TILE_URL")),
                       "Referrer-Policy": "no-referrer", "Permissions-Policy": PERMISSIONS,
                       "Cache-Control": "no-store", "Content-Language": "zh-CN" if lang == "zh" else "en",
                       "Vary": "Accept-Language"}


@bp.after_request
def _no_referrer(response):
    """The page's script and styles too: nothing under /public/ sends a Referer."""
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
