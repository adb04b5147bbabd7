"""Department webhooks: registration, signing, and turning case events into signed deliveries.

A case event (see ``server.cases.log.append_event``) becomes one ``WebhookDelivery`` row per active
webhook of each department on the case, written in the same transaction as the event (an outbox).
After the commit the deliveries are handed to the queue (``server.webhooks.delivery``, which subscribes
``queue_case_event`` to ``events.case_event``).

Receivers verify ``X-GridWatch-Signature: sha256=<hex>``, the HMAC-SHA256 of the raw body with the
webhook's secret (see ``verify_signature``), and ignore a ``delivery_id`` they have already seen.
"""
import hashlib
import hmac
import json
import logging
import secrets
import uuid

from flask import current_app
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from triage.lifecycle import STATUS_ZH, CaseStatus

from server.extensions import db
from server.models.versions import WEBHOOKS, on_change, versions
from server.table_cache import TableCache
from server.web import API_PREFIX
from server.models import (Case, CaseEvent, Category, Department, Report, User, Webhook, WebhookDelivery, WebhookEvent,
                           utcnow)
from server.accounts.security import decrypt, encrypt
from server.webhooks.netpolicy import BlockedTarget, Target, allowed_networks, check_url, resolve_checked
from nlp.pii import mask

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-GridWatch-Signature"
EVENT_HEADER = "X-GridWatch-Event"
DELIVERY_HEADER = "X-GridWatch-Delivery"
TIMESTAMP_HEADER = "X-GridWatch-Timestamp"
SECRET_PREFIX = "whsec_"
DISPATCH_ACTIONS = {"dispatch", "rule_send_back"}
PENDING = "gridwatch_webhook_deliveries"  # session.info key: deliveries to queue after the commit
ACTIVE_HOOKS = "gridwatch_active_webhooks"  # session.info key: (the transaction, the active webhooks by department)


class WebhookError(ValueError):
    """A webhook that cannot be registered as asked: the field at fault and the HTTP answer it calls for."""

    def __init__(self, message: str, field: str = "url", status: int = 422):
        super().__init__(message)
        self.field, self.status = field, status


# --- signing ------------------------------------------------------------------------------------------

def sign(secret: str, body: bytes) -> str:
    """The signature header value for a body: ``sha256=`` and the hex HMAC-SHA256."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify_signature(secret: str, body: bytes, header: str | None) -> bool:
    """Whether a received signature header matches the body (constant-time)."""
    return bool(header) and hmac.compare_digest(sign(secret, body), header.strip())


def webhook_secret(hook: Webhook) -> str | None:
    """The webhook's secret in clear (None when it cannot be decrypted, e.g. after a key change)."""
    return decrypt(hook.secret_enc)


# --- registration -------------------------------------------------------------------------------------

def allow_http(app=None) -> bool:
    """Whether plain http URLs are accepted: ``WEBHOOK_ALLOW_HTTP``, by default everywhere but production."""
    config = (app or current_app).config
    value = config.get("WEBHOOK_ALLOW_HTTP")
    return config["GRIDWATCH_ENV"] != "production" if value is None else bool(value)


def check_target(url: str, app=None) -> Target:
    """The URL parsed and checked against the network policy, without DNS (BlockedTarget says why not)."""
    schemes = {"https", "http"} if allow_http(app) else {"https"}
    return check_url(url, schemes, allowed_networks((app or current_app).config.get("WEBHOOK_ALLOWED_CIDRS")))


def check_webhook_url(url: str) -> str:
    """An absolute http(s) URL (https unless plain http is allowed) whose host and every address it resolves to
    are allowed by the network policy (``server.webhooks.netpolicy``)."""
    url = (url or "").strip()
    try:
        resolve_checked(check_target(url), allowed_networks(current_app.config.get("WEBHOOK_ALLOWED_CIDRS")))
    except BlockedTarget as exc:
        raise WebhookError(str(exc)) from None
    return url


def register_webhook(department: Department | str, url: str, events: list[str] | None = None,
                     created_by: User | None = None) -> tuple[Webhook, str]:
    """Register a department's URL; returns the row and its new secret (shown once). Commits."""
    if isinstance(department, str):
        code = department
        department = db.session.execute(db.select(Department).where(Department.code == code)).scalar_one_or_none()
        if department is None:
            raise WebhookError(f"no department {code!r}", "department")
    known = [e.value for e in WebhookEvent]
    events = list(dict.fromkeys(events or known))
    if any(e not in known for e in events):
        raise WebhookError(f"events: choose from {', '.join(known)}", "events")
    url = check_webhook_url(url)
    # One registration at a time per department (PostgreSQL), so that the cap holds.
    db.session.execute(db.select(Department.id).where(Department.id == department.id).with_for_update())
    existing = db.session.execute(db.select(Webhook).where(
        Webhook.department_id == department.id, Webhook.url == url)).scalar_one_or_none()
    if existing is not None and existing.active:
        raise WebhookError("this department already has a webhook with that URL", status=409)
    cap = current_app.config["WEBHOOK_MAX_PER_DEPARTMENT"]
    active = db.session.execute(db.select(db.func.count(Webhook.id)).where(
        Webhook.department_id == department.id, Webhook.active.is_(True))).scalar_one()
    if active >= cap:
        raise WebhookError(f"department {department.code} already has {active} active webhooks, the most allowed "
                           f"(WEBHOOK_MAX_PER_DEPARTMENT); disable one first", "department", 409)
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    hook = existing or Webhook(department_id=department.id, url=url)
    hook.department = department
    hook.secret_enc, hook.events, hook.active, hook.disabled_at = encrypt(secret), events, True, None
    hook.created_by_id = created_by.id if created_by is not None else None
    db.session.add(hook)
    db.session.commit()
    return hook, secret


def rotate_secret(hook: Webhook) -> str:
    """Give the webhook a new secret (shown once); later deliveries are signed with it. Commits."""
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    hook.secret_enc = encrypt(secret)
    db.session.commit()
    return secret


def disable_webhook(hook: Webhook) -> Webhook:
    """Stop sending to the webhook; deliveries not yet made give up. Commits."""
    if hook.active:
        hook.active, hook.disabled_at = False, utcnow()
        db.session.commit()
    return hook


def list_webhooks(department_id: int | None = None) -> list[Webhook]:
    """Webhooks, newest first, optionally of one department."""
    query = db.select(Webhook).order_by(Webhook.id.desc())
    if department_id is not None:
        query = query.where(Webhook.department_id == department_id)
    return list(db.session.execute(query).scalars())


def delivery_counts(hook_ids: list[int]) -> dict[int, dict]:
    """Per webhook: deliveries by status, the last success and the last error."""
    out = {i: {"pending": 0, "delivered": 0, "failing": 0, "failed": 0, "last_delivered_at": None,
               "last_error": None} for i in hook_ids}
    if not hook_ids:
        return out
    rows = db.session.execute(db.select(WebhookDelivery.webhook_id, WebhookDelivery.status, db.func.count(),
                                        db.func.max(WebhookDelivery.delivered_at))
                              .where(WebhookDelivery.webhook_id.in_(hook_ids))
                              .group_by(WebhookDelivery.webhook_id, WebhookDelivery.status))
    for hook_id, status, count, last in rows:
        out[hook_id][status] = count
        if last is not None:
            out[hook_id]["last_delivered_at"] = last
    for hook_id in hook_ids:
        error = db.session.execute(db.select(WebhookDelivery.last_error).where(
            WebhookDelivery.webhook_id == hook_id, WebhookDelivery.last_error.is_not(None))
            .order_by(WebhookDelivery.updated_at.desc(), WebhookDelivery.id.desc()).limit(1)).scalar()
        out[hook_id]["last_error"] = error
    return out


# --- from case events to deliveries -------------------------------------------------------------------

def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _payload(case: Case, event: CaseEvent, kind: str, department_code: str, role: str, delivery_id: str) -> dict:
    """What a department's system receives about one case event."""
    report = db.session.get(Report, case.origin_report_id)
    category = db.session.get(Category, case.category_id) if case.category_id else None
    # Rows just added hold ids, not loaded relationships: look the codes up.
    codes = dict(db.session.execute(db.select(Department.id, Department.code).where(
        Department.id.in_([r.department_id for r in case.departments]))).all())
    lead = next((codes.get(r.department_id) for r in case.departments if r.role == "lead"), None)
    status = event.to_status
    return {
        "delivery_id": delivery_id,
        "event": kind,
        "occurred_at": _iso(event.created_at),
        "department": {"code": department_code, "role": role},
        "case": {
            "id": case.id, "number": case.number, "status": status,
            "status_zh": STATUS_ZH.get(CaseStatus(status), status) if status in CaseStatus._value2member_map_
            else status,
            "severity": case.severity, "category": category.code if category else None,
            "lead": lead, "assist": sorted(codes[r.department_id] for r in case.departments
                                           if r.role == "assist" and r.department_id in codes),
            "sign_by": _iso(case.sign_by), "resolve_by": _iso(case.resolve_by),
            "report": None if report is None else {
                "id": report.id, "text": report.text_masked if report.text_masked is not None else mask(report.text),
                "lat": report.lat, "lon": report.lon, "address": report.address,
                "created_at": _iso(report.created_at)},
        },
        "action": {"seq": event.seq, "action": event.action, "from_status": event.from_status,
                   "to_status": event.to_status, "note": mask(event.note) if event.note else event.note,
                   "data": event.data or {}, "hash": event.hash},
        "links": {"case": f"{API_PREFIX}/cases/{case.id}", "actions": f"{API_PREFIX}/cases/{case.id}/actions/{{action}}"},
    }


def _active_hooks(session) -> dict[int, list[Webhook]]:
    """The active webhooks by department, read once per transaction (most cases' departments have none, and a
    pipeline batch records many events): a webhook registered or disabled is seen by the next transaction."""
    root = session.get_transaction()
    entry = session.info.get(ACTIVE_HOOKS)
    if entry is not None and entry[0] is root:
        return entry[1]
    hooks: dict[int, list[Webhook]] = {}
    with session.no_autoflush:
        for hook in session.execute(db.select(Webhook).where(Webhook.active.is_(True)).order_by(Webhook.id)).scalars():
            hooks.setdefault(hook.department_id, []).append(hook)
    if root is not None:
        session.info[ACTIVE_HOOKS] = (root, hooks)
    return hooks


@sa_event.listens_for(Session, "after_rollback")
def _forget_hooks_after_rollback(session) -> None:
    session.info.pop(ACTIVE_HOOKS, None)


def _hooked_departments() -> frozenset[int]:
    """The departments with an active webhook, as this process last read them (every few seconds, and at once after
    a change in this process): a case event of other departments reads no webhooks at all."""
    with db.session.no_autoflush:
        return _HOOKED.get()


# Webhooks are registered and disabled rarely; each of a busy pipeline's case events needs to know whether its
# departments have any. Another process's new webhook is seen within the cache's recheck (seconds); sending checks
# that its webhook is still active.
_HOOKED: TableCache[frozenset] = TableCache(
    lambda: versions(WEBHOOKS),
    lambda: frozenset(db.session.execute(db.select(Webhook.department_id).where(Webhook.active.is_(True))).scalars()))


def invalidate() -> None:
    """Forget which departments have webhooks (when this process changes a webhook, and between tests)."""
    _HOOKED.invalidate()


on_change(WEBHOOKS, invalidate)  # a webhook written in this process: the next case event reads them again


def queue_case_event(case: Case, event: CaseEvent) -> list[WebhookDelivery]:
    """Add a delivery per subscribed webhook of the case's departments (the caller's commit sends them)."""
    kind = WebhookEvent.DISPATCHED.value if event.action in DISPATCH_ACTIONS else WebhookEvent.UPDATED.value
    session = db.session()
    hooked = _hooked_departments()
    if not hooked:  # no department has a webhook: the case's departments need not even be read
        return []
    roles = {row.department_id: row.role for row in case.departments}
    if hooked.isdisjoint(roles):
        return []
    active = _active_hooks(session)
    with session.no_autoflush:
        hooks = [hook for department_id in roles for hook in active.get(department_id, ()) if hook.active]
        rows = []
        for hook in hooks:
            if kind not in (hook.events or []):
                continue
            delivery_id = str(uuid.uuid4())
            body = json.dumps(_payload(case, event, kind, hook.department.code, roles[hook.department_id],
                                       delivery_id), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
            rows.append(WebhookDelivery(uuid=delivery_id, webhook=hook, event=kind, case_id=case.id,
                                        case_event=event, body=body))
    for row in rows:
        session.add(row)
    session.info.setdefault(PENDING, []).extend(rows)
    return rows

