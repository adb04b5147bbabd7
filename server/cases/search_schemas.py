"""The case search's query arguments (GET /cases with ``q``, category, level and sort)."""
from marshmallow import fields, pre_load, validate

from server.cases.schemas import CaseListArgsSchema

SORTS = ["created", "-created", "deadline", "-deadline", "level", "-level"]


class CaseSearchArgsSchema(CaseListArgsSchema):
    """Filters and order for GET /cases: the list's filters plus text, category, level and sort."""

    q = fields.String(validate=validate.Length(min=1, max=100), metadata={
        "description": "words that must each be in the case number, a report's (masked) text or its address"})
    category = fields.String(validate=validate.Length(min=1, max=64), metadata={
        "description": "a subcategory code, or a risk class code (the class and its subcategories)"})
    level = fields.Integer(validate=validate.Range(1, 4), metadata={"description": "severity level, 1 (I) to 4 (IV)"})
    sort = fields.String(validate=validate.OneOf(SORTS), metadata={
        "description": "created, deadline (resolve-by) or level; a leading - reverses. Default: a department's "
                       "inbox nearest deadline first, otherwise newest first"})

    @pre_load
    def _strip(self, data, **kwargs):
        """Drop empty query arguments (a search form sends every field) and trim ``q``."""
        if not hasattr(data, "items"):
            return data
        out = {}
        for key in data:
            values = data.getlist(key) if hasattr(data, "getlist") else [data[key]]
            values = [v.strip() if isinstance(v, str) else v for v in values]
            values = [v for v in values if v != ""]
            if values:
                out[key] = values if len(values) > 1 else values[0]
        return out
