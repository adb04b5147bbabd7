"""Service requests: GridWatch reports and their cases as Open311 sees them, and reports made through Open311.

Mapping: ``service_request_id`` is the report id; ``service_code`` its category; ``status`` is ``closed``
when its case is closed or merged, otherwise ``open``; the lifecycle status (已派发 dispatched, 处置中
in_progress, …) is in ``status_notes``; ``agency_responsible`` is the lead department; ``expected_datetime``
the case's resolve-by deadline. Descriptions are shown with personal data masked.
"""
import json
import uuid
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy.exc import IntegrityError

from nlp.pii import mask
from triage.lifecycle import STATUS_ZH, CaseStatus

from server.cases.log import public_reply
from server.cases.service import action_zh
from server.errors import DomainError
from server.extensions import db
from server.media.uploads import Upload
from server.reports.intake import accept_report
from server.models import (ApiKey, Area, Case, CaseDepartment, CaseEvent, Category, Channel, Department, Open311Request,
                           Report, utcnow)
from server.pipeline.queueing import enqueue_report
from server.accounts.security import encrypt
from server.open311 import services as svc
from server.open311.formats import Open311Error

CLOSED = {CaseStatus.CLOSED.value, CaseStatus.MERGED.value}
WINDOW = timedelta(days=90)
# Our lifecycle in the words of mySociety's extended states (servicerequestupdates).
UPDATE_STATUS = {
    "received": "open", "dispatched": "action_scheduled",
    "accepted": "action_scheduled", "returned": "internal_referral", "extension_requested": "in_progress",
    "in_progress": "in_progress", "feedback_submitted": "fixed", "closed": "closed", "reopened": "open",
    "escalated": "in_progress", "merged": "duplicate",
}
PENDING_NOTES = {"received": "已接收，正在研判 received", "transcribed": "已接收，正在研判 received",
                 "analysed": "已接收，正在研判 received", "failed": "自动研判未完成，待人工处理 pending manual review"}
NAMESPACE = uuid.UUID("6f1d8a44-3c1e-4f0b-9d7e-311000000001")


def _window(start: datetime | None, end: datetime | None) -> tuple[datetime, datetime]:
    """The date range, 90 days by default and at most; 400 when it is reversed or longer."""
    if start is None and end is None:
        end = utcnow()
    if start is None:
        start = end - WINDOW
    if end is None:
        end = min(start + WINDOW, max(utcnow(), start))
    if end < start:
        raise Open311Error(400, "end_date must not be before start_date.")
    if end - start > WINDOW:
        raise Open311Error(400, "The range from start_date to end_date may not span more than 90 days.")
    return start, end


def _status_notes(report: Report, case: Case | None, latest: CaseEvent | None = None) -> str:
    """Chinese first, then the lifecycle status code; then the reply for the public of the case's latest public
    event, if it has one (never a staff note)."""
    if case is None:
        return PENDING_NOTES.get(report.stage, report.stage)
    if case.status == CaseStatus.RECEIVED.value and case.needs_manual_dispatch:
        return "已受理，待人工派发 received, awaiting dispatch"
    notes = f"{STATUS_ZH.get(CaseStatus(case.status), case.status)} {case.status}"
    reply = public_reply(latest) if latest is not None else None
    return notes + (f"：{mask(reply)}" if reply else "")


def _latest_public_events(case_ids: set[int]) -> dict[int, CaseEvent]:
    """Each case's newest public event."""
    if not case_ids:
        return {}
    newest = db.select(CaseEvent.case_id, db.func.max(CaseEvent.seq).label("seq")).where(
        CaseEvent.case_id.in_(case_ids), CaseEvent.public.is_(True)).group_by(CaseEvent.case_id).subquery()
    events = db.session.execute(db.select(CaseEvent).join(newest, db.and_(
        CaseEvent.case_id == newest.c.case_id, CaseEvent.seq == newest.c.seq))).scalars()
    return {e.case_id: e for e in events}


def _rows(query) -> list[dict]:
    """Run a query of reports and present each with its case, category, lead department and Open311 extras."""
    reports = list(db.session.execute(query).scalars())
    case_ids = {r.case_id for r in reports if r.case_id}
    cases = {c.id: c for c in db.session.execute(db.select(Case).where(Case.id.in_(case_ids))).scalars()} \
        if case_ids else {}
    leads = dict(db.session.execute(db.select(CaseDepartment.case_id, Department.name).join(
        Department, CaseDepartment.department_id == Department.id).where(
        CaseDepartment.case_id.in_(case_ids), CaseDepartment.role == "lead")).all()) if case_ids else {}
    extras = {o.report_id: o for o in db.session.execute(db.select(Open311Request).where(
        Open311Request.report_id.in_([r.id for r in reports]))).scalars()} if reports else {}
    latest = _latest_public_events(case_ids)
    categories = {c.id: c for c in db.session.execute(db.select(Category)).scalars()}
    by_code = {c.code: c for c in categories.values()}
    out = []
    for report in reports:
        case = cases.get(report.case_id)
        extra = extras.get(report.id)
        category = categories.get(report.category_id) or by_code.get(report.category_hint or "")
        updated = max(filter(None, [report.stage_updated_at, case.updated_at if case else None]))
        is_open = case is None or case.status not in CLOSED
        out.append({
            "service_request_id": report.id,
            "status": "open" if is_open else "closed",
            "status_notes": _status_notes(report, case, latest.get(report.case_id)),
            "service_name": category.name if category else None,
            "service_code": category.code if category else None,
            "description": report.text_masked if report.text_masked is not None else mask(report.text),
            "agency_responsible": leads.get(report.case_id),
            "service_notice": f"案件编号 {case.number}" if case is not None and case.number else None,
            "requested_datetime": report.created_at,
            "updated_datetime": updated,
            "expected_datetime": case.resolve_by if case is not None and is_open else None,
            "address": report.address,
            "address_id": extra.address_id if extra else None,
            "zipcode": None,
            "lat": report.lat,
            "long": report.lon,
            "media_url": extra.media_url if extra else None,
        })
    return out


def list_requests(args: dict) -> list[dict]:
    """GET requests: by ids (overriding the rest), else by service, status and the date window; newest first."""
    limit = current_app.config["OPEN311_MAX_RESULTS"]
    query = db.select(Report).order_by(Report.created_at.desc(), Report.id.desc()).limit(limit)
    if args.get("service_request_id"):
        return _rows(query.where(Report.id.in_(args["service_request_id"])))
    start, end = _window(args.get("start_date"), args.get("end_date"))
    query = query.where(Report.created_at >= start, Report.created_at <= end)
    if args.get("service_code"):
        ids = db.select(Category.id).where(Category.code.in_(args["service_code"]))
        hinted = db.and_(Report.category_id.is_(None), Report.category_hint.in_(args["service_code"]))
        query = query.where(db.or_(Report.category_id.in_(ids), hinted))
    statuses = set(args.get("status") or [])
    if statuses == {"open"} or statuses == {"closed"}:
        closed = db.select(Case.id).where(Case.status.in_(CLOSED))
        if statuses == {"closed"}:
            query = query.where(Report.case_id.in_(closed))
        else:
            query = query.where(db.or_(Report.case_id.is_(None), Report.case_id.not_in(closed)))
    return _rows(query)


def get_request(report_id: int) -> dict:
    """GET requests/{id}; 404 when there is none."""
    rows = _rows(db.select(Report).where(Report.id == report_id))
    if not rows:
        raise Open311Error(404, f"No service request {report_id}.")
    return rows[0]


def token_lookup(token: str) -> dict:
    """GET tokens/{token}: the request id the token stands for."""
    row = db.session.execute(db.select(Open311Request).where(Open311Request.token == token)).scalar_one_or_none()
    if row is None:
        raise Open311Error(404, f"No service request with token {token}.")
    return {"service_request_id": row.report_id, "token": row.token}


def _public_description(event: CaseEvent) -> str:
    """What the public reads of an event: the step, and the reply written for the public if any (never the note)."""
    reply = public_reply(event)
    return action_zh(event.action) + (f"：{mask(reply)}" if reply else "")


def list_updates(args: dict) -> list[dict]:
    """GET servicerequestupdates: every public case event in the window, once per report of the case, oldest first.

    Internal events (notes, ratings, verification, ...) are left out; of a public one, the step, its status and a
    reply written for the public are shown, never the staff's note.
    """
    start, end = _window(args.get("start_date"), args.get("end_date"))
    limit = current_app.config["OPEN311_MAX_RESULTS"]
    rows = db.session.execute(
        db.select(CaseEvent, Report.id).join(Report, Report.case_id == CaseEvent.case_id)
        .where(CaseEvent.public.is_(True), CaseEvent.created_at >= start, CaseEvent.created_at <= end)
        .order_by(CaseEvent.created_at, CaseEvent.id, Report.id).limit(limit)).all()
    out = []
    for event, report_id in rows:
        out.append({"update_id": f"{event.id}-{report_id}", "service_request_id": report_id,
                    "status": UPDATE_STATUS.get(event.to_status, "open"), "updated_datetime": event.created_at,
                    "description": _public_description(event), "media_url": None,
                    "external_status_code": event.to_status})
    return out


# --- POST requests ------------------------------------------------------------------------------------

def _client_uuid(key: ApiKey, fields: dict, idempotency_key: str | None) -> str:
    """The report's client_uuid: derived from the client's own id (so a re-send is recognised), else fresh."""
    own = fields.get("client_uuid") or idempotency_key
    return str(uuid.uuid5(NAMESPACE, f"{key.id}:{own}")) if own else str(uuid.uuid4())


def _place(fields: dict) -> str | None:
    """The address: as given, or the name of the area an ``address_id`` (an area code) stands for."""
    if not fields.get("address_id"):
        return fields.get("address_string")
    area = db.session.execute(db.select(Area).where(Area.code == fields["address_id"])).scalar_one_or_none()
    if area is None:
        raise Open311Error(400, f"address_id {fields['address_id']!r} is not a known area code.")
    return fields.get("address_string") or area.name


def create_request(key: ApiKey, fields: dict, raw_answers: dict[str, list[str]], photos: list[Upload],
                   idempotency_key: str | None = None) -> tuple[dict, bool]:
    """POST requests through the app's own intake (channel open311); (the response item, whether new)."""
    from marshmallow import ValidationError
    category = svc.service(fields["service_code"])
    if category is None:
        raise Open311Error(400, f"service_code {fields['service_code']!r} is not a known service.")
    try:
        answers, definitions = svc.check_answers(category, raw_answers)
    except ValidationError as exc:
        raise Open311Error(400, [f"attribute[{code}]: {'; '.join(map(str, msgs if isinstance(msgs, list) else [msgs]))}"
                                 for code, msgs in exc.messages.items()]) from None
    address = _place(fields)
    text = fields["description"]
    if not text:
        text = "；".join(filter(None, [category.name, svc.describe_answers(answers, definitions)]))
    report_fields = {"client_uuid": _client_uuid(key, fields, idempotency_key), "text": text,
                     "category_hint": category.code, "lat": fields.get("lat"), "lon": fields.get("lon"),
                     "address": address[:255] if address else None, "occurred_at": None, "anonymous": False,
                     "channel": Channel.OPEN311.value}
    try:
        report, created = accept_report(key.user, report_fields, photos, None, check_channel=False)
    except DomainError as exc:  # the intake refused it (conflict, too large, invalid)
        status = exc.status if exc.status in (409, 413) else 400
        details = [f"{field}: {'; '.join(map(str, msgs))}" for field, msgs in exc.errors.items()] or [exc.message]
        raise Open311Error(status, details) from None
    extra = db.session.execute(db.select(Open311Request).where(Open311Request.report_id == report.id)
                               ).scalar_one_or_none()
    if extra is None:
        contact = {k: fields[k] for k in ("email", "first_name", "last_name", "phone") if fields.get(k)}
        extra = Open311Request(report_id=report.id, api_key_id=key.id, service_code=category.code,
                               attributes=answers, address_id=fields.get("address_id"),
                               media_url=fields.get("media_url"), device_id=fields.get("device_id"),
                               account_id=fields.get("account_id"),
                               contact_enc=encrypt(json.dumps(contact, ensure_ascii=False)) if contact else None)
        db.session.add(extra)
        try:
            db.session.commit()
        except IntegrityError:  # a concurrent re-send stored it first
            db.session.rollback()
            extra = db.session.execute(db.select(Open311Request).where(Open311Request.report_id == report.id)
                                       ).scalar_one()
    else:
        db.session.commit()  # the key's last use
    if created:
        enqueue_report(report.id, report.has_audio)
    notice = "已受理，将按类别和位置派发至责任部门处置。Received; it will be routed to the responsible department."
    return {"service_request_id": report.id, "token": extra.token, "service_notice": notice,
            "account_id": extra.account_id}, created

