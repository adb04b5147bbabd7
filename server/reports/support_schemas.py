"""Nearby reports and 我也遇到了 (support) as the API takes and shows them."""
from marshmallow import Schema, fields, post_load, validate

from server.reports.schemas import AreaRefSchema

MAX_RADIUS_M = 1000


class NearbyArgsSchema(Schema):
    """Where to look: a point, optionally a category (a subcategory or a class code), and a radius in metres."""

    lat = fields.Float(required=True, validate=validate.Range(-90, 90))
    lon = fields.Float(required=True, validate=validate.Range(-180, 180))
    category = fields.String(load_default=None, validate=validate.Length(max=64))
    radius = fields.Integer(load_default=300, validate=validate.Range(min=50, max=MAX_RADIUS_M))


class NearbyReportSchema(Schema):
    """An open report near the point: coarse place (three decimals, about 100 m), masked short text, no person."""

    id = fields.Integer()
    case_id = fields.Integer(allow_none=True)
    category = fields.Nested(AreaRefSchema, allow_none=True)
    text = fields.String()
    lat = fields.Float()
    lon = fields.Float()
    distance_m = fields.Integer()
    status = fields.String(metadata={"description": "case.<status> once a case exists, else the report's stage"})
    supporters = fields.Integer(metadata={"description": "people behind it: reporters and supporters"})
    created_at = fields.DateTime()
    supported = fields.Boolean(metadata={"description": "you reported or supported it already"})


class NearbyPageSchema(Schema):
    items = fields.List(fields.Nested(NearbyReportSchema))
    radius = fields.Integer()


class SupportSchema(Schema):
    """A support made on the phone: its UUID makes a re-send the same support."""

    client_uuid = fields.UUID(required=True)

    @post_load
    def _text(self, data, **_kwargs):
        data["client_uuid"] = str(data["client_uuid"])
        return data


class SupportResultSchema(Schema):
    report_id = fields.Integer()
    case_id = fields.Integer(allow_none=True)
    supported = fields.Boolean()
    created = fields.Boolean(metadata={"description": "false for a re-send, or when you were already counted"})
    supporters = fields.Integer()
