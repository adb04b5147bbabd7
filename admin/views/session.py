"""Sign in, sign out and the language switch."""
from urllib.parse import urlsplit

from flask import g, redirect, render_template, request, session, url_for

from server.accounts.security import mask_login

from admin.blueprint import bp
from ..audit_log import record
from ..auth import WEB_ROLES, authenticate, sign_in, sign_out
from ..i18n import LANGS, gettext


def _safe_next(target: str | None) -> str:
    """Only a path on this site's admin pages (no open redirects)."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and parts.path.startswith("/admin/") and "\\" not in target:
            return target
    return url_for("admin.overview")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """The sign-in form; residents and grid workers are told kindly to use the phone app."""
    if request.method == "GET":
        if g.admin_user is not None:
            return redirect(url_for("admin.overview"))
        return render_template("admin/login.html", next=request.args.get("next", ""))
    user = authenticate(request.form.get("username", ""), request.form.get("password", ""))
    if user is None:
        record("sign_in_failed", mask_login(request.form.get("username", "")[:64]), user=False)
        return render_template("admin/login.html", error=gettext("Wrong username or password."),
                               next=request.form.get("next", "")), 401
    if user.role not in WEB_ROLES:
        record("sign_in_refused", user.username, user=user)
        return render_template("admin/refused.html", role=user.role), 403
    sign_in(user)
    record("sign_in", user.username, user=user)
    return redirect(_safe_next(request.form.get("next")))


@bp.post("/logout")
def logout():
    """Sign out."""
    if g.admin_user is not None:
        record("sign_out", g.admin_user.username)
    sign_out(g.admin_user)  # every copy of the session cookie stops working, here and elsewhere
    return redirect(url_for("admin.login"))


@bp.post("/lang")
def set_language():
    """Switch between Chinese and English."""
    choice = request.form.get("lang")
    if choice in LANGS:
        session["lang"] = choice
    return redirect(_safe_next(request.form.get("next")))
