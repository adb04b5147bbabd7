"""Schemas and fields shared by several endpoints."""
from datetime import date, datetime, timezone

from marshmallow import Schema, fields, validate

# Dates a request may carry. Beyond these, converting between time zones or adding a period overflows Python's
# datetime (year 1 to 9999) and the databases' ranges; nothing the platform handles lies outside them.
EARLIEST = datetime(1970, 1, 1, tzinfo=timezone.utc)
LATEST = datetime(2199, 12, 31, 23, 59, 59, tzinfo=timezone.utc)


class BoundedDateTime(fields.AwareDateTime):
    """An ISO 8601 date-time between 1970-01-01 and 2199-12-31 (UTC); one without an offset is read as UTC, and every
    one is loaded in UTC (``21:30+08:00`` is ``13:30+00:00``), as it is stored and as every answer shows it.

    Every date-time a client sends goes through this field (report times, list filters, deadlines, Open311
    windows), so that a far date is a 422 with a message instead of an overflow deeper down.
    """

    default_error_messages = {"range": "Must be between 1970-01-01 and 2199-12-31 (UTC)."}

    def __init__(self, **kwargs):
        kwargs.setdefault("default_timezone", timezone.utc)
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> datetime:
        parsed = super()._deserialize(value, attr, data, **kwargs)
        try:
            in_utc = parsed.astimezone(timezone.utc)
        except OverflowError:
            raise self.make_error("range") from None
        if not EARLIEST <= in_utc <= LATEST:
            raise self.make_error("range")
        return in_utc


class BoundedDate(fields.Date):
    """A calendar date (YYYY-MM-DD) between 1970-01-01 and 2199-12-31."""

    default_error_messages = {"range": "Must be between 1970-01-01 and 2199-12-31."}

    def _deserialize(self, value, attr, data, **kwargs) -> date:
        parsed = super()._deserialize(value, attr, data, **kwargs)
        if not EARLIEST.date() <= parsed <= LATEST.date():
            raise self.make_error("range")
        return parsed


class ErrorSchema(Schema):
    """The one error shape."""

    code = fields.String(required=True, metadata={"example": "validation_error"})
    message = fields.String(required=True)
    errors = fields.Dict(keys=fields.String(), required=True)


class PageArgsSchema(Schema):
    """Pagination query arguments."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class PageMetaSchema(Schema):
    """Where a page sits in the whole result."""

    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()
    pages = fields.Integer()


def page_schema(name: str, item: type[Schema], doc: str | None = None, **more: fields.Field) -> type[Schema]:
    """The schema of one page of a list: ``items`` (each an ``item``), its ``meta`` (``PageMetaSchema``) and any
    ``more`` fields. ``name`` is the class name, which names the schema in the OpenAPI document (less "Schema")."""
    return type(name, (Schema,), {"__doc__": doc or f"A page of {item.__name__.removesuffix('Schema')} items.",
                                  "items": fields.List(fields.Nested(item)), "meta": fields.Nested(PageMetaSchema),
                                  **more})
