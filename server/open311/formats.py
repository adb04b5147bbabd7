"""Open311 output: the same data as XML (required, with a UTF-8 declaration) or JSON, and the spec's errors."""
import xml.etree.ElementTree as ET
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Response, current_app, json

from server.exports.xmltext import utf8_text, xml_text

FORMATS = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}
XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'


class Open311Error(Exception):
    """An error answered as the spec's list of ``code`` and ``description`` with the HTTP status."""

    def __init__(self, status: int, descriptions: list[str] | str):
        super().__init__(descriptions)
        self.status = status
        self.descriptions = [descriptions] if isinstance(descriptions, str) else list(descriptions)


def split_format(name: str) -> tuple[str, str]:
    """``services.json`` → (``services``, ``json``); no known extension means XML, the required format."""
    stem, dot, ext = name.rpartition(".")
    if dot and ext.lower() in FORMATS:
        return stem, ext.lower()
    return name, "xml"


def timestamp(value: datetime | None) -> str | None:
    """ISO 8601 with the offset, in the platform's local time zone (Asia/Shanghai unless configured)."""
    if value is None:
        return None
    zone = ZoneInfo(current_app.config["OPEN311_TIMEZONE"])
    return value.astimezone(zone).isoformat(timespec="seconds")


def _text(value) -> str | None:
    """How a scalar is written in XML (booleans in lower case, None as an empty element)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return timestamp(value)
    return xml_text(str(value))


def _build(parent: ET.Element, tag: str, value, item_tags: dict) -> None:
    """Append ``value`` under ``parent`` as element ``tag``; lists repeat their item tag inside it."""
    element = ET.SubElement(parent, xml_text(tag))
    if isinstance(value, dict):
        for key, inner in value.items():
            _build(element, key, inner, item_tags)
    elif isinstance(value, list):
        for inner in value:
            _build(element, item_tags.get(tag, "item"), inner, item_tags)
    else:
        element.text = _text(value)


def to_xml(root_tag: str, item_tag: str | None, data, item_tags: dict | None = None) -> str:
    """A document: ``root_tag`` holding one ``item_tag`` per element of a list, or the fields of a dict."""
    tags = dict(item_tags or {})
    if item_tag:
        tags[root_tag] = item_tag
    root = ET.Element(root_tag)
    if isinstance(data, list):
        for item in data:
            _build(root, tags[root_tag], item, tags)
    else:
        for key, value in data.items():
            _build(root, key, value, tags)
    return XML_DECLARATION + ET.tostring(root, encoding="unicode")


def _jsonable(value):
    """Datetimes as Open311 timestamps, text without lone surrogates, recursively."""
    if isinstance(value, datetime):
        return timestamp(value)
    if isinstance(value, str):
        return utf8_text(value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def respond(fmt: str, root_tag: str, item_tag: str | None, data, status: int = 200,
            item_tags: dict | None = None) -> Response:
    """The response in the asked format."""
    if fmt == "json":
        body = json.dumps(_jsonable(data), ensure_ascii=False)
    else:
        body = to_xml(root_tag, item_tag, data, item_tags)
    return Response(body.encode("utf-8"), status=status, content_type=FORMATS[fmt])


def error_response(fmt: str, error: Open311Error) -> Response:
    """``<errors><error><code>…</code><description>…</description></error></errors>`` or its JSON list."""
    items = [{"code": error.status, "description": d} for d in error.descriptions]
    return respond(fmt, "errors", "error", items, status=error.status)
