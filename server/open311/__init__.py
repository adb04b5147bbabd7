"""Open311 GeoReport v2 at /open311/v2/, in XML (the required format) and JSON.

Methods: discovery, services, services/{code}, POST requests (with an API key), tokens/{token},
GET requests, GET requests/{id}, and mySociety's servicerequestupdates. Errors are the spec's
list of ``code`` and ``description`` with the HTTP status (400, 403, 404). See docs/open311.md.
"""
import logging
import re

from flask import Blueprint, current_app, g, request
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from server.web.errors import answer_under, describe
from server.extensions import db
from server.media.uploads import Upload
from server.open311.keys import check_key
from server.open311 import requests as reqs
from server.open311 import services as svc
from server.open311.formats import FORMATS, Open311Error, error_response, respond, split_format
from server.open311.schemas import MAX_ID, RequestCreateSchema, RequestListArgsSchema, UpdateListArgsSchema

log = logging.getLogger(__name__)
bp = Blueprint("open311", __name__, url_prefix="/open311")
CHANGESET = "2026-11-21T00:00:00+08:00"
SPEC = "http://wiki.open311.org/GeoReport_v2"
ID_RE = re.compile(r"[0-9]{1,10}")
ATTRIBUTE_RE = re.compile(r"^attribute\[([^\]]+)\](\[\])?$")


def register(app) -> None:
    """Mount the Open311 endpoint on the app; every error under /open311/ in its shape (unmatched paths too)."""
    app.register_blueprint(bp)
    answer_under(app, "/open311/", _any_error)


@bp.before_request
def _format_from_path():
    """The format the answer (and any error) is written in, from the path's extension."""
    g.open311_format = split_format(request.path.rstrip("/"))[1]


def _answer_format() -> str:
    """The format of an error: the path's, also when a check before the blueprint's own hooks refused the request."""
    return g.get("open311_format") or split_format(request.path.rstrip("/"))[1]


def _fmt(fmt: str | None) -> str:
    """A known format from a route's ``<fmt>``, else a 404."""
    if fmt is None:
        return "xml"
    if fmt not in FORMATS:
        g.open311_format = "xml"
        raise Open311Error(404, f"Unknown format {fmt!r}: use .xml or .json.")
    return fmt


def _errors(exc: ValidationError, status: int = 400) -> Open311Error:
    """Marshmallow's messages as the spec's error list."""
    messages = exc.messages if isinstance(exc.messages, dict) else {"request": exc.messages}
    items = []
    for field, msgs in messages.items():
        for msg in (msgs if isinstance(msgs, list) else [msgs]):
            items.append(msg if field in ("location", "_schema") else f"{field}: {msg}")
    return Open311Error(status, items)


@bp.errorhandler(Open311Error)
def _open311_error(exc: Open311Error):
    return error_response(_answer_format(), exc)


@bp.errorhandler(Exception)
def _any_error(exc: Exception):
    """Every other failure answered as the API would (errors.describe), in the spec's error list: a field the
    client got wrong is a 400, the database down a 503."""
    answer = describe(exc)
    if answer is None:
        log.exception("open311: unhandled error")
        db.session.rollback()
        return error_response(_answer_format(), Open311Error(500, "Internal error; it has been logged."))
    status = 400 if answer.status == 422 else answer.status
    items = [f"{name}: {msg}" for name, msgs in answer.errors.items()
             for msg in (msgs if isinstance(msgs, list) else [msgs])] if isinstance(answer.errors, dict) else []
    response = error_response(_answer_format(), Open311Error(status, items or [answer.message]))
    if isinstance(exc, HTTPException) and status in (405, 429, 503):
        response.headers.extend([(k, v) for k, v in exc.get_headers() if k.lower() in ("allow", "retry-after")])
    return response


# --- discovery and services ---------------------------------------------------------------------------

@bp.get("/discovery", defaults={"fmt": None})
@bp.get("/discovery.<fmt>")
@bp.get("/v2/discovery", defaults={"fmt": None})
@bp.get("/v2/discovery.<fmt>")
@bp.get("/v2/", defaults={"fmt": None})
def discovery(fmt):
    """Where the endpoint is, what it speaks, whom to ask for a key."""
    fmt = _fmt(fmt)
    cfg = current_app.config
    data = {"changeset": CHANGESET,
            "contact": cfg["OPEN311_CONTACT"],
            "key_service": cfg["OPEN311_KEY_SERVICE"],
            "endpoints": [{"specification": SPEC, "url": request.url_root.rstrip("/") + "/open311/v2",
                           "changeset": CHANGESET, "type": cfg["OPEN311_ENDPOINT_TYPE"],
                           "formats": ["text/xml", "application/json"]}]}
    return respond(fmt, "discovery", None, data, item_tags={"endpoints": "endpoint", "formats": "format"})


@bp.get("/v2/services", defaults={"fmt": None})
@bp.get("/v2/services.<fmt>")
def service_list(fmt):
    """One service per active subcategory."""
    fmt = _fmt(fmt)
    return respond(fmt, "services", "service", [svc.present_service(c, meta) for c, meta in svc.services()])


@bp.get("/v2/services/<path:name>")
def service_definition(name):
    """A service's attributes, with datatypes and values."""
    code, fmt = split_format(name)
    category = svc.service(code)
    if category is None:
        raise Open311Error(404, f"service_code {code!r} was not found.")
    return respond(fmt, "service_definition", None, svc.present_definition(category),
                   item_tags={"attributes": "attribute", "values": "value"})


# --- requests -----------------------------------------------------------------------------------------

def _form() -> tuple[dict, dict[str, list[str]], list[Upload]]:
    """Fields, ``attribute[code]`` answers and ``media`` files from a form (or JSON) body."""
    answers: dict[str, list[str]] = {}
    fields: dict = {}
    if request.mimetype == "application/json":
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            raise Open311Error(400, "The body must be a JSON object or a form.")
        pairs = [(k, v) for k, value in body.items() for v in (value if isinstance(value, list) else [value])]
    else:
        pairs = list(request.form.items(multi=True))
    for key, value in pairs:
        match = ATTRIBUTE_RE.match(key)
        if match:
            answers.setdefault(match.group(1), []).append(str(value))
        elif isinstance(value, str) and value == "":
            continue  # an empty form field is an absent one
        else:
            fields[key] = value
    for key in ("attribute",):  # JSON clients may nest the answers
        if isinstance(fields.get(key), dict):
            for code, value in fields.pop(key).items():
                answers[code] = [str(v) for v in (value if isinstance(value, list) else [value])]
    photos = [Upload("photos", f.read()) for f in request.files.getlist("media")]
    return fields, answers, photos


@bp.post("/v2/requests", defaults={"fmt": None})
@bp.post("/v2/requests.<fmt>")
def create(fmt):
    """Report a hazard from an outside system; it enters the same pipeline as the app's (channel open311)."""
    fmt = _fmt(fmt)
    fields, answers, photos = _form()
    api_key = request.args.get("api_key") or fields.get("api_key")
    key = check_key(api_key if isinstance(api_key, str) else None)
    if key is None:
        db.session.rollback()
        raise Open311Error(403, "api_key was not provided or is not valid." if api_key else
                           "api_key was not provided; ask the platform's administrators for one.")
    try:
        loaded = RequestCreateSchema().load(fields)
    except ValidationError as exc:
        db.session.commit()  # the key's last use
        raise _errors(exc) from None
    item, created = reqs.create_request(key, loaded, answers, photos, request.headers.get("Idempotency-Key"))
    return respond(fmt, "service_requests", "request", [item], status=201 if created else 200)


@bp.get("/v2/requests", defaults={"fmt": None})
@bp.get("/v2/requests.<fmt>")
def request_list(fmt):
    """Requests in a window of at most 90 days (the last 90 by default), filtered."""
    fmt = _fmt(fmt)
    try:
        args = RequestListArgsSchema().load(request.args.to_dict())
    except ValidationError as exc:
        raise _errors(exc) from None
    return respond(fmt, "service_requests", "request", reqs.list_requests(args))


@bp.get("/v2/requests/<path:name>")
def request_one(name):
    """One request, as a list of one."""
    raw_id, fmt = split_format(name)
    if not ID_RE.fullmatch(raw_id) or int(raw_id) > MAX_ID:  # ids are INTEGER: a longer one names nothing
        raise Open311Error(404, f"service_request_id {raw_id[:40]!r} was not found.")
    return respond(fmt, "service_requests", "request", [reqs.get_request(int(raw_id))])


@bp.get("/v2/tokens/<path:name>")
def token(name):
    """The service_request_id behind a token from POST requests."""
    value, fmt = split_format(name)
    return respond(fmt, "service_requests", "request", [reqs.token_lookup(value)])


@bp.get("/v2/servicerequestupdates", defaults={"fmt": None})
@bp.get("/v2/servicerequestupdates.<fmt>")
def updates(fmt):
    """Case updates in a time window (mySociety's extension), for systems that poll."""
    fmt = _fmt(fmt)
    try:
        args = UpdateListArgsSchema().load(request.args.to_dict())
    except ValidationError as exc:
        raise _errors(exc) from None
    return respond(fmt, "service_request_updates", "request_update", reqs.list_updates(args))


@bp.route("/<path:rest>", methods=["GET", "POST"])
def unknown(rest):
    """Anything else under /open311: the spec's 404."""
    raise Open311Error(404, f"No such Open311 method: {rest}.")
