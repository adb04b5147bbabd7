"""Request hooks of the admin pages: who is signed in, CSRF, headers, error pages, template helpers."""
from datetime import datetime

from flask import current_app, g, render_template, request
from flask_wtf.csrf import CSRFError

from server.errors import DomainError
from server.web.localtime import MINUTES, format_city, zone_name

from admin.blueprint import bp, csrf
from .actions import error_text
from .auth import load_user
from .i18n import (audit_action, channel_name, department_name, event_note, gettext, lang, local_name, role_name,
                   severity_name, status_name, word)
from .nav import MANAGE_TABS, menu_for


@bp.before_request
def _before():
    """Load the signed-in user; every state-changing request must carry the session's CSRF token."""
    g.admin_user = load_user()
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        csrf.protect()


@bp.after_request
def _no_store(response):
    """Signed-in pages are not cached (security headers and the admin CSP come from server.web.headers)."""
    if g.get("admin_user") is not None:
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def _error_page(status: int, title: str, message: str):
    return render_template("admin/error.html", status=status, title=title, message=message), status


@bp.errorhandler(403)
def _forbidden(_exc):
    return _error_page(403, gettext("Not for your role"),
                       gettext("Your role may not open this page. Use the menu, or sign in with another account."))


@bp.errorhandler(404)
def _not_found(_exc):
    return _error_page(404, gettext("Not found"), gettext("There is nothing here that you may see."))


@bp.errorhandler(CSRFError)
def _csrf(exc):
    return _error_page(400, gettext("The form expired"),
                       gettext("The page was open too long or came from elsewhere. Go back, reload and try again."))


@bp.errorhandler(DomainError)
def _api_error(exc: DomainError):
    return _error_page(exc.status, gettext("Not possible"), error_text(exc))


def local_time(value: datetime | str | None, fmt: str = MINUTES) -> str:
    """A UTC datetime (or ISO 8601 text) in the city's zone (CITY_TIMEZONE), e.g. 2026-12-03 16:18."""
    return format_city(value, fmt)


bp.add_app_template_filter(local_time, "dt")  # {{ case.created_at|dt }}: the same as local_time()


def percent(value: float | None) -> str:
    """0.8532 → 85.3%."""
    return "—" if value is None else f"{value * 100:.1f}%"


@bp.app_context_processor
def _template_helpers():
    """Names every admin template may use (only meaningful on admin pages)."""
    if request.blueprint != "admin":
        return {}
    user = g.get("admin_user")
    return {"_": gettext, "lang": lang(), "user": user, "menu": menu_for(user.role) if user else [],
            "manage_tabs": MANAGE_TABS, "status_name": status_name, "severity_name": severity_name,
            "role_name": role_name, "local_name": local_name, "local_time": local_time, "percent": percent,
            "zone_name": zone_name(lang()), "event_note": event_note, "word": word,
            "department_name": department_name, "channel_name": channel_name, "audit_action": audit_action,
            "tile_url": current_app.config.get("ADMIN_TILE_URL") or ""}
