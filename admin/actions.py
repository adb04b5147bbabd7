"""Running a case's lifecycle action from a web form through the case service (the same checks as the API)."""
from flask import flash
from marshmallow import ValidationError
from werkzeug.datastructures import FileStorage

from server.cases.attachments import FIELDS
from server.media.uploads import Upload
from server.cases.service import Context, action_zh, apply_action, case_for_action
from server.errors import DomainError
from server.extensions import db
from server.cases.schemas import ACTION_SCHEMAS, VerificationSchema
from server.web.i18n import translate_answer, translate_errors

from .audit_log import record
from .auth import current
from .i18n import gettext, lang

LIST_FIELDS = {"assist"}


def form_fields(form) -> dict:
    """The filled-in form fields (empty ones left out; ``assist`` may repeat)."""
    raw = {}
    for key in form:
        if key == "csrf_token" or key == "next":
            continue
        values = [v.strip() for v in form.getlist(key) if v.strip()]
        if values:
            raw[key] = values if key in LIST_FIELDS else values[0]
    return raw


def form_uploads(files) -> list[Upload]:
    """Files chosen in the form (empty file inputs skipped)."""
    uploads = []
    for name in FIELDS:
        for item in files.getlist(name):
            if isinstance(item, FileStorage) and item.filename:
                uploads.append(Upload(name, item.read()))
    return uploads


def error_text(exc: DomainError) -> str:
    """What went wrong in the visitor's language (the API's catalogue), Chinese reasons first for a Chinese reader."""
    message, errors = translate_answer(exc.status, exc.code, exc.message, exc.errors, lang())
    if lang() == "zh" and exc.message_zh:
        message = exc.message_zh
    details = [str(m) for messages in errors.values()
               for m in (messages if isinstance(messages, list) else [messages])]
    if lang() == "zh" and details:
        return "；".join(details)
    return message + (" " + "; ".join(details) if details else "")


def run_case_action(case_id: int, action: str, form, files) -> bool:
    """Validate the form with the API's schema and apply the action; flash the outcome. True when done."""
    schema = ACTION_SCHEMAS.get(action) or ({"verify": VerificationSchema}).get(action)  # 核查 by a supervisor
    if schema is None:
        flash(gettext("Unknown action."), "error")
        return False
    try:
        fields = schema().load(form_fields(form))
    except ValidationError as exc:
        flash(gettext("Please check the form: {errors}", errors=_flatten(translate_errors(exc.messages, lang()))), "error")
        return False
    try:  # locked (both cases of a merge, in id order), and only a case the user may see
        case = case_for_action(current(), case_id, action, fields)
    except DomainError:
        flash(gettext("No such case."), "error")
        return False
    try:
        apply_action(case, action, Context(current(), fields, form_uploads(files)))
    except DomainError as exc:
        db.session.rollback()
        flash(error_text(exc), "error")
        return False
    record(f"case.{action}", case.number, note=fields.get("note"))
    name = action_zh(action) if lang() == "zh" else action.replace("_", " ")
    flash(gettext("{action}: done for case {number}.", action=name, number=case.number), "success")
    return True


def _flatten(messages) -> str:
    """Marshmallow's messages as one line."""
    if isinstance(messages, dict):
        return "; ".join(f"{gettext(k)}: {_flatten(v)}" for k, v in messages.items())
    if isinstance(messages, list):
        return ", ".join(_flatten(m) for m in messages)
    return str(messages)
