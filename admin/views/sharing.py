"""Data sharing pages (数据共享): department staff request datasets and issue links or keys for approved ones;
supervisors and admins review (approve, narrow, refuse), revoke, and read the audit of every access. The forms go
through the API's schemas and the service, so the page and the API refuse the same things."""
from datetime import date, datetime, time, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from marshmallow import ValidationError

from server.errors import DomainError
from server.extensions import db
from server.models import Area, AreaLevel, Category, DataShareRequest, ShareAccess
from server.sharing import credentials, service
from server.sharing.messages import KIND_NAMES, OUTCOME_NAMES, STATUS_NAMES
from server.sharing.schemas import ShareApproveSchema, ShareReasonSchema, ShareRequestInSchema
from server.web.i18n import translate, translate_errors
from server.web.localtime import city_zone
from server.web.pagination import paginate

from admin.blueprint import bp
from ..audit_log import record
from ..auth import ADMIN, DEPT, SUPERVISOR, current, login_required
from ..i18n import gettext, lang

PER_PAGE = 20


def _names(table: dict, key: str) -> str:
    names = table.get(key)
    return key if names is None else names[0 if lang() == "zh" else 1]


def _moment(value: str | None, *, end: bool = False) -> str | None:
    """A date typed in the form as the city's midnight (the next midnight for an end), ISO 8601."""
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return value  # the schema says what is wrong with it
    found = datetime.combine(day + timedelta(days=1) if end else day, time(), tzinfo=city_zone())
    return found.isoformat()


def _form_terms(form, required: bool) -> dict:
    """The request's or grant's terms from a form (dates as the city's days; empty fields left out)."""
    data = {"categories": form.getlist("categories"), "areas": form.getlist("areas"),
            "period_from": _moment(form.get("period_from")), "period_to": _moment(form.get("period_to"), end=True),
            "use_until": _moment(form.get("use_until"), end=True)}
    if required:
        data.update(kind=form.get("kind"), purpose=form.get("purpose", ""), personal_data=bool(form.get("personal_data")))
    else:
        data.update(personal_data=bool(form.get("personal_data")), note=form.get("note", ""))
    return {k: v for k, v in data.items() if v not in (None, [])}


def _messages(messages) -> str:
    """Field messages in the visitor's language (the API's catalogue)."""
    found = translate_errors(messages, lang())
    return "；".join(f"{field}: {' '.join(map(str, msgs if isinstance(msgs, list) else [msgs]))}"
                    for field, msgs in found.items())


def _flash_invalid(exc: ValidationError) -> None:
    flash(gettext("Please check the form: {errors}", errors=_messages(exc.messages)), "error")


def _flash_refused(exc: DomainError) -> None:
    db.session.rollback()
    flash(_messages(exc.errors) if exc.errors else translate(exc.message, lang()), "error")


def _choices() -> dict:
    categories = db.session.execute(db.select(Category).order_by(Category.code)).scalars().all()
    levels = [AreaLevel.DISTRICT.value, AreaLevel.STREET.value, AreaLevel.COMMUNITY.value, AreaLevel.GRID.value]
    areas = db.session.execute(db.select(Area).where(Area.level.in_(levels)).order_by(Area.code)).scalars().all()
    return {"categories": categories, "areas": areas}


def _visible(request_id: int) -> DataShareRequest:
    try:
        return service.get_visible(current(), request_id)
    except DomainError:
        abort(404)


@bp.get("/sharing")
@login_required(SUPERVISOR, DEPT, ADMIN)
def sharing_list():
    """Requests (a department its own, reviewers all; pending first for reviewers) and, for staff, the form."""
    status = request.args.get("status") or ""
    query = service.visible(current())
    if status in STATUS_NAMES:
        query = query.where(DataShareRequest.status == status)
    page = max(request.args.get("page", 1, type=int), 1)
    order = [DataShareRequest.created_at.desc(), DataShareRequest.id.desc()]
    if service.is_reviewer(current()):
        order.insert(0, (DataShareRequest.status != "pending"))
    found = paginate(query, page, PER_PAGE, *order)
    return render_template("admin/sharing.html", found=found, status=status, statuses=STATUS_NAMES,
                           may_request=service.may_request(current()), names=_names, kinds=KIND_NAMES,
                           today=datetime.now(city_zone()).date(), **_choices())


@bp.post("/sharing")
@login_required(DEPT)
def sharing_create():
    """A department's request."""
    try:
        data = ShareRequestInSchema().load(_form_terms(request.form, required=True))
        found = service.create_request(current(), data)
    except ValidationError as exc:
        _flash_invalid(exc)
        return redirect(url_for("admin.sharing_list"))
    except DomainError as exc:
        _flash_refused(exc)
        return redirect(url_for("admin.sharing_list"))
    record("share.request", f"share:{found.id}")
    flash(gettext("Request {id} sent for review.", id=found.id), "success")
    return redirect(url_for("admin.sharing_detail", request_id=found.id))


@bp.get("/sharing/<int:request_id>")
@login_required(SUPERVISOR, DEPT, ADMIN)
def sharing_detail(request_id: int, issued: tuple | None = None):
    """One request: its terms, the grant, the review or revocation forms, links and keys, its accesses."""
    found = _visible(request_id)
    accesses = []
    if service.is_reviewer(current()) or current().department_id == found.department_id:
        accesses = db.session.execute(db.select(ShareAccess).where(ShareAccess.request_id == found.id)
                                      .order_by(ShareAccess.at.desc()).limit(50)).scalars().all()
    return render_template("admin/sharing_request.html", r=found, accesses=accesses, issued=issued,
                           reviewer=service.is_reviewer(current()), usable=service.usable(found), names=_names,
                           statuses=STATUS_NAMES, kinds=KIND_NAMES, outcomes=OUTCOME_NAMES, **_choices())


def _act(request_id: int, action: str) -> DataShareRequest | None:
    """Run a reviewer's step from its form; flash the outcome."""
    found = _visible(request_id)
    try:
        if action == "approve":
            narrowed = service.approve(current(), found, ShareApproveSchema().load(_form_terms(request.form, False)))
            flash(gettext("Approved with a narrower scope.") if narrowed else gettext("Approved."), "success")
        else:
            reason = ShareReasonSchema().load({"reason": request.form.get("reason", "")})["reason"]
            (service.refuse if action == "refuse" else service.revoke)(current(), found, reason)
            flash(gettext("Refused.") if action == "refuse" else gettext("Revoked."), "success")
    except ValidationError as exc:
        _flash_invalid(exc)
        return None
    except DomainError as exc:
        _flash_refused(exc)
        return None
    record(f"share.{action}", f"share:{found.id}")
    return found


@bp.post("/sharing/<int:request_id>/<any(approve, refuse, revoke):action>")
@login_required(SUPERVISOR, ADMIN)
def sharing_review(request_id: int, action: str):
    """Approve (as asked or narrowed), refuse with a reason, or revoke."""
    _act(request_id, action)
    return redirect(url_for("admin.sharing_detail", request_id=request_id))


@bp.post("/sharing/<int:request_id>/credentials")
@login_required(SUPERVISOR, DEPT, ADMIN)
def sharing_issue(request_id: int):
    """A new export link or API key; its secret is shown on this page once."""
    found = _visible(request_id)
    kind = request.form.get("kind")
    if kind not in ("link", "key"):
        abort(400)
    try:
        row, secret = credentials.issue(current(), found, kind)
    except DomainError as exc:
        _flash_refused(exc)
        return redirect(url_for("admin.sharing_detail", request_id=request_id))
    record("share.credential", f"share:{found.id}", kind=kind, prefix=row.prefix)
    url = url_for("sharing.link", secret=secret, _external=True) if kind == "link" else None
    return sharing_detail(request_id, issued=(row, secret, url))


@bp.post("/sharing/credentials/<int:credential_id>/stop")
@login_required(SUPERVISOR, DEPT, ADMIN)
def sharing_stop(credential_id: int):
    """Stop one link or key (e.g. one that leaked)."""
    try:
        row = credentials.revoke_credential(current(), credential_id)
    except DomainError:
        abort(404)
    record("share.credential_revoke", f"share:{row.request_id}", prefix=row.prefix)
    flash(gettext("Stopped."), "success")
    return redirect(url_for("admin.sharing_detail", request_id=row.request_id))


@bp.get("/sharing/audit")
@login_required(SUPERVISOR, ADMIN)
def sharing_audit():
    """Every use of a link or key: who or which key, when, from where, how many rows, served or refused."""
    page = max(request.args.get("page", 1, type=int), 1)
    request_id = request.args.get("request_id", type=int)
    query = db.select(ShareAccess)
    if request_id:
        query = query.where(ShareAccess.request_id == request_id)
    found = paginate(query, page, PER_PAGE, ShareAccess.at.desc(), ShareAccess.id.desc())
    return render_template("admin/sharing_audit.html", found=found, request_id=request_id or "", names=_names,
                           outcomes=OUTCOME_NAMES)
