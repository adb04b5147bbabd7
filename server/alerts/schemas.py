"""Alerts as the API shows them, and the list's arguments."""
from marshmallow import Schema, fields, validate

from server.web.schemas import BoundedDateTime, PageArgsSchema, page_schema


class AlertSchema(Schema):
    """One alert with its evidence."""

    id = fields.Integer()
    kind = fields.String(metadata={"description": "area: grid × category count above baseline; hotspot: growth"})
    raised_at = fields.DateTime(metadata={"description": "the trigger report's time"})
    trigger_report_id = fields.Integer()
    area = fields.String(attribute="area_code", allow_none=True, metadata={"description": "grid code or H3 cell"})
    grid_id = fields.Integer(allow_none=True)
    category = fields.Function(lambda a: a.category.code if a.category is not None else None, allow_none=True)
    hotspot_id = fields.Integer(allow_none=True)
    score = fields.Float(metadata={"description": "-log10 of the probability of a count at least this high"})
    count = fields.Integer()
    expected = fields.Float()
    window_hours = fields.Float()
    report_ids = fields.List(fields.Integer())
    summary = fields.String(metadata={"description": "what and the evidence, in Chinese"})
    summary_en = fields.String()


class AlertListArgsSchema(PageArgsSchema):
    """Filters of the alert list."""

    kind = fields.String(validate=validate.OneOf(("area", "hotspot")))
    since = BoundedDateTime()
    until = BoundedDateTime()


AlertPageSchema = page_schema("AlertPageSchema", AlertSchema, "One page of alerts, newest first.")
