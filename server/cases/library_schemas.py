"""Request and response shapes of the case library, model cases and reply templates."""
from marshmallow import Schema, fields, validate

from server.web.schemas import PageArgsSchema, page_schema


class SimilarArgsSchema(Schema):
    """How many similar cases."""

    limit = fields.Integer(load_default=5, validate=validate.Range(min=1, max=20))


class LibraryArgsSchema(PageArgsSchema):
    """Search the library: words (by similarity), a category code, model cases only."""

    q = fields.String(load_default="", validate=validate.Length(max=200))
    category = fields.String(load_default=None, validate=validate.Length(max=64))
    model = fields.Boolean(load_default=False)


class ModelMarkSchema(Schema):
    """典型案例: the supervisor's summary of what others can learn from the case."""

    summary = fields.String(required=True, validate=validate.Length(min=4, max=2000))


class ReplyTemplateSchema(Schema):
    """A category's reply template; placeholders in braces, e.g. {address}, {reported_on}."""

    measures = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    result = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    public_reply = fields.String(load_default="", validate=validate.Length(max=2000))


class SimilarityOutSchema(Schema):
    """Why a case came up: combined score and its parts."""

    score = fields.Float()
    text = fields.Float()
    same_category = fields.Boolean()
    distance_km = fields.Float(allow_none=True)


class LibraryItemSchema(Schema):
    """A closed case in the library: what, where (coarse), what was done, how long, how it was rated."""

    id = fields.Integer()
    number = fields.String()
    status = fields.String()
    category = fields.Dict(allow_none=True)
    place = fields.Dict(allow_none=True)
    excerpt = fields.String()
    handling = fields.Dict()
    closed_at = fields.DateTime(allow_none=True)
    hours_to_close = fields.Float(allow_none=True)
    rating = fields.String(allow_none=True)
    rating_zh = fields.String(allow_none=True)
    model = fields.Boolean()
    model_summary = fields.String(allow_none=True)
    model_marked_at = fields.DateTime(allow_none=True)
    similarity = fields.Nested(SimilarityOutSchema)


class SimilarOutSchema(Schema):
    """The most similar closed cases, relevant model cases first."""

    case_id = fields.Integer()
    items = fields.List(fields.Nested(LibraryItemSchema))
    indexed = fields.Integer(metadata={"description": "closed cases in the index"})


LibraryPageSchema = page_schema("LibraryPageSchema", LibraryItemSchema, "A page of the library.")


class ReplyTemplateOutSchema(Schema):
    """A template as stored or shipped, or filled from a case."""

    category = fields.String(allow_none=True)
    category_name = fields.String(allow_none=True)
    measures = fields.String()
    result = fields.String()
    public_reply = fields.String()
    source = fields.String(metadata={"description": "custom (an admin's) or shipped"})
    placeholders = fields.Dict()


class ReplyTemplateListSchema(Schema):
    """Every category's template."""

    items = fields.List(fields.Nested(ReplyTemplateOutSchema))
    placeholders = fields.Dict()
