"""Schemas shared by several endpoints."""
from marshmallow import Schema, fields, validate


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
