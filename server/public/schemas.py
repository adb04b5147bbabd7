"""The public page's API as it takes and shows it: the map's query and answer, and a guest's follow-up token."""
from marshmallow import Schema, fields, validate

MAX_DAYS = 90


class MapArgsSchema(Schema):
    """Which dots: the last ``days`` days, open or closed cases (or all), one category or risk class."""

    days = fields.Integer(load_default=30, validate=validate.Range(1, MAX_DAYS))
    status = fields.String(load_default="all", validate=validate.OneOf(["all", "open", "closed"]))
    category = fields.String(load_default=None, validate=validate.Length(max=64))


class MapCategorySchema(Schema):
    code = fields.String()
    name = fields.String()
    name_en = fields.String(allow_none=True)


class MapPropertiesSchema(Schema):
    """A dot: a 200 m cell, a category and a status, with how many cases or reports it stands for."""

    cell = fields.String(metadata={"description": "row:column of the 200 m cell"})
    category = fields.Nested(MapCategorySchema, allow_none=True)
    status = fields.String(metadata={"description": "a case status, or processing (no case yet)"})
    group = fields.String(metadata={"enum": ["open", "closed"]})
    count = fields.Integer()
    last_day = fields.String(metadata={"description": "the day of the latest activity, in the city's time zone"})


class MapFeatureSchema(Schema):
    type = fields.String()
    geometry = fields.Dict(metadata={"description": "a Point at the cell's middle"})
    properties = fields.Nested(MapPropertiesSchema)


class MapSchema(Schema):
    """The public map: a GeoJSON FeatureCollection of coarsened dots, no personal data."""

    type = fields.String()
    features = fields.List(fields.Nested(MapFeatureSchema))
    cell_m = fields.Integer()
    days = fields.Integer()
    generated_at = fields.DateTime()


class GuestCreateSchema(Schema):
    """Nothing to give: a guest has no name, phone number or password."""


class GuestTokenSchema(Schema):
    """A guest's bearer token: shown once, the key of the follow-up link (only its hash is stored)."""

    access_token = fields.String()
    token_type = fields.String()
    expires_at = fields.DateTime()
