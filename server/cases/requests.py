"""Reading a case step's request: its fields and files, and the case it is about (for the case and plan APIs)."""
from flask import request

from server.accounts.auth import current_user
from server.cases.attachments import FIELDS
from server.errors import Invalid
from server.media.uploads import Upload
from server.cases.service import case_for_action
from server.models import Case
from server.web.errors import ApiError


def read_body(schema) -> tuple[dict, list[Upload]]:
    """Fields (validated) and files from a JSON or multipart body; an empty body is an empty object."""
    uploads: list[Upload] = []
    if request.mimetype == "multipart/form-data":
        raw = {}
        for key in request.form:
            values = request.form.getlist(key)
            raw[key] = values if len(values) > 1 else values[0]
        unknown = set(request.files) - set(FIELDS)
        if unknown:
            raise Invalid(errors={name: ["Unknown file field."] for name in unknown})
        for name in FIELDS:
            uploads += [Upload(name, f.read()) for f in request.files.getlist(name)]
    elif request.mimetype == "application/json":
        raw = request.get_json(silent=True)
        if not isinstance(raw, dict):
            raise ApiError(400, "bad_json", "The body must be a JSON object.")
    elif not request.get_data():
        raw = {}
    else:
        raise ApiError(415, "unsupported_media_type", "Send application/json or multipart/form-data.")
    return schema().load(raw), uploads


def case_for_request(case_id: int, action: str | None = None, fields: dict | None = None) -> Case:
    """The case, locked for the transition (PostgreSQL), or 404 when the user may not see it; the role's
    permission for the action is checked by the action (403)."""
    return case_for_action(current_user(), case_id, action, fields)
