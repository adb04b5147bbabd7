"""Administration: API keys for Open311 clients (created, listed and revoked through server.open311.keys)."""
from flask import flash, redirect, render_template, request, url_for

from server.open311.keys import ApiKeyError, create_key, list_keys, revoke_key

from admin.blueprint import bp
from ..audit_log import record
from ..auth import ADMIN, current, login_required
from ..i18n import gettext


@bp.get("/manage/keys")
@login_required(ADMIN)
def manage_keys():
    """Every key (never the key itself, only its prefix)."""
    return render_template("admin/manage_keys.html", keys=list_keys())


@bp.post("/manage/keys")
@login_required(ADMIN)
def manage_keys_create():
    """Create a key; its plaintext is shown once on the next page."""
    try:
        row, plaintext = create_key(request.form.get("name", ""), current())
    except ApiKeyError as exc:
        flash(gettext("Could not create the key: {error}", error=str(exc)), "error")
        return redirect(url_for("admin.manage_keys"))
    record("api_key.create", row.name)
    return render_template("admin/manage_keys.html", keys=list_keys(), new_key=plaintext, new_name=row.name)


@bp.post("/manage/keys/<int:key_id>/revoke")
@login_required(ADMIN)
def manage_keys_revoke(key_id: int):
    """Revoke a key: refused from now on."""
    try:
        row = revoke_key(key_id)
    except ApiKeyError as exc:
        flash(str(exc), "error")
    else:
        record("api_key.revoke", row.name)
        flash(gettext("Key {name} revoked.", name=row.name), "success")
    return redirect(url_for("admin.manage_keys"))
