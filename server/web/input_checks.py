"""Every request's text checked once, before any view: no NUL, no unpaired surrogate, JSON not nested too deep.

A NUL or a lone surrogate (``"\\ud800"`` is valid JSON) is not text: PostgreSQL refuses the first, UTF-8 cannot
encode the second, and XML forbids both. Rather than each endpoint and each database call meeting them, the path,
the query, form fields and the JSON body are checked here (after the body size limit) and such a request is a 422
naming the field. JSON deeper than ``MAX_JSON_DEPTH`` levels (no endpoint takes more than a few) is a 400 before
any parser recurses into it.

The walk is skipped for a JSON body that cannot hold either: parsed JSON gets a NUL only from the escape ``\\u0000``
and a lone surrogate only from an escape ``\\ud800``–``\\udfff`` or from a surrogate's own UTF-8 bytes (the parser
decodes bytes with ``surrogatepass``), and a body with fewer brackets than the depth limit is not nested that deep.
Most bodies (a report: a dozen keys) are checked by one search of their bytes.
"""
import re

from flask import Flask, request

from server.web.errors import ApiError

MAX_JSON_DEPTH = 32
NOT_TEXT = re.compile("[\x00\ud800-\udfff]")
NOT_TEXT_MESSAGE = "Contains a NUL character or an unpaired surrogate, which are not text."
# In a JSON body's bytes: what could parse into a NUL or a lone surrogate (see above); a raw NUL does not parse.
MAY_NOT_BE_TEXT = re.compile(rb"\\u(?:0000|[dD][89a-fA-F])|\x00|\xed[\xa0-\xbf]")


def bad_text(value) -> bool:
    """True for a string holding a NUL or an unpaired surrogate."""
    return isinstance(value, str) and NOT_TEXT.search(value) is not None


def _label(key) -> str:
    """A field's name as the error shows it (itself made printable)."""
    return NOT_TEXT.sub("\ufffd", str(key))[:64] or "_"


def _check_pairs(pairs, problems: dict, prefix: str = "") -> None:
    for key, value in pairs:
        if bad_text(key) or bad_text(value):
            problems.setdefault(prefix + _label(key), [NOT_TEXT_MESSAGE])


def _check_json(document, problems: dict) -> None:
    """Walk the parsed body without recursion: depth and text of every key and string."""
    stack = [(document, "", 1)]
    while stack:
        value, path, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise ApiError(400, "invalid_json", f"The JSON body is nested more than {MAX_JSON_DEPTH} levels deep.")
        if isinstance(value, dict):
            items = value.items()
        elif isinstance(value, list):
            items = enumerate(value)
        else:
            if bad_text(value):
                problems.setdefault(path or "_body", [NOT_TEXT_MESSAGE])
            continue
        for key, inner in items:
            name = f"{path}.{_label(key)}" if path else _label(key)
            if bad_text(key):
                problems.setdefault(name, [NOT_TEXT_MESSAGE])
            stack.append((inner, name, depth + 1))


def _worth_walking(raw: bytes) -> bool:
    """Whether a parsed JSON body's walk could find something: its bytes hold an escape or bytes that parse into a
    NUL or a lone surrogate, or enough brackets to be nested past the limit (brackets inside strings count too).
    The plain byte searches first: most bodies hold none of the three lead bytes, and the pattern is slower."""
    suspect = b"\\u" in raw or b"\x00" in raw or b"\xed" in raw
    return (suspect and MAY_NOT_BE_TEXT.search(raw) is not None) or raw.count(b"[") + raw.count(b"{") >= MAX_JSON_DEPTH


def _json_body():
    """The parsed JSON body, or None when there is none or it does not parse (the view's parser says why). Parsed
    by the request, which keeps it: the view's ``get_json(silent=True)`` does not parse it again."""
    if not request.is_json or not request.get_data(cache=True):
        return None
    try:
        return request.get_json(silent=True)
    except RecursionError:
        raise ApiError(400, "invalid_json",
                       f"The JSON body is nested more than {MAX_JSON_DEPTH} levels deep.") from None


def check_request() -> None:
    """Refuse a request whose path, query, form or JSON body holds something that is not text."""
    problems: dict[str, list[str]] = {}
    if request.view_args:
        _check_pairs(request.view_args.items(), problems)
    if request.query_string:  # not parsed when there is none (most POSTs)
        _check_pairs(request.args.items(multi=True), problems)
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        _check_pairs(request.form.items(multi=True), problems)
        _check_pairs(((k, f.filename) for k, f in request.files.items(multi=True)), problems)
    document = _json_body()
    if document is not None and _worth_walking(request.get_data(cache=True)):
        _check_json(document, problems)
    if problems:
        raise ApiError(422, "invalid_text", "The request contains characters that are not text (NUL or an unpaired "
                       "surrogate).", problems)


def init_input_checks(app: Flask) -> None:
    """Install the check; call it after the body size limit is installed (it reads bodies)."""
    app.before_request(check_request)
