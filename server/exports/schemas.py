"""Schemas of the export API: the filters of each download."""
from datetime import datetime, timezone

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from triage.lifecycle import CaseStatus

from server.web.schemas import BoundedDateTime


def _aware(value):
    return value.replace(tzinfo=timezone.utc) if value is not None and value.tzinfo is None else value


# Export windows: every value is checked before a download starts streaming (a 200 cannot turn into an error).
EXPORT_EARLIEST = datetime(2000, 1, 1, tzinfo=timezone.utc)
EXPORT_LATEST = datetime(2100, 1, 1, tzinfo=timezone.utc)
_WINDOW = validate.Range(min=EXPORT_EARLIEST, max=EXPORT_LATEST,
                         error="Must be between 2000-01-01 and 2100-01-01 (ISO 8601).")
_CODE = r"^[A-Za-z0-9_.-]+$"


def _code(max_length: int):
    return [validate.Length(min=1, max=max_length),
            validate.Regexp(_CODE, error="Letters, digits, '_', '.' and '-' only.")]


class ExportArgsSchema(Schema):
    """Export filters: a created_at window, a category (a class includes its subcategories), a department."""

    since = BoundedDateTime(load_default=None, validate=_WINDOW)
    until = BoundedDateTime(load_default=None, validate=_WINDOW)
    category = fields.String(load_default=None, validate=_code(64))
    department = fields.String(load_default=None, validate=_code(32))

    @validates_schema
    def _range(self, data, **kwargs):
        since, until = _aware(data.get("since")), _aware(data.get("until"))
        if since is not None and until is not None and until <= since:
            raise ValidationError("Must be later than since.", "until")

    @post_load
    def _zones(self, data, **kwargs):
        data["since"], data["until"] = _aware(data["since"]), _aware(data["until"])
        return data


class CaseExportArgsSchema(ExportArgsSchema):
    """Case export filters, and whether to start the CSV with a byte-order mark (for Excel)."""

    status = fields.String(load_default=None, validate=validate.OneOf([s.value for s in CaseStatus]))
    bom = fields.Boolean(load_default=True)


class HotspotExportArgsSchema(ExportArgsSchema):
    """Hotspot export filters (the window selects hotspots seen in it)."""

    status = fields.String(load_default=None, validate=validate.Regexp(r"^[a-z_]{1,16}$"))
