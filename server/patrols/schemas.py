"""Patrol request and response schemas."""
from marshmallow import Schema, ValidationError, fields, post_load, validate, validates

from server.models.patrols import ItemResult, TaskStatus
from server.web.schemas import BoundedDate
from server.patrols.service import QUERY_RANGE_DAYS, today

RESULTS = [r.value for r in ItemResult]


class TaskListArgsSchema(Schema):
    """Query of GET /patrols/tasks."""

    date = BoundedDate(metadata={"description": "YYYY-MM-DD, within a year of today; today in the city when absent "
                                                "(tasks are made for days from yesterday to a week ahead)"})

    @validates("date")
    def _near(self, value, **kwargs):
        if abs((value - today()).days) > QUERY_RANGE_DAYS:
            raise ValidationError(f"Must be within {QUERY_RANGE_DAYS} days of today (in the city).")


class ItemAnswerSchema(Schema):
    """The answer to one checklist item."""

    item_code = fields.String(required=True, validate=validate.Length(min=1, max=40))
    result = fields.String(required=True, validate=validate.OneOf(RESULTS))
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))
    report_client_uuid = fields.UUID(load_default=None, allow_none=True,
                                     metadata={"description": "client_uuid of the report made for this hazard"})
    checked_at = fields.DateTime(load_default=None, allow_none=True, metadata={"description": "when on site"})

    @post_load
    def _clean(self, data, **kwargs):
        if data.get("report_client_uuid") is not None:
            data["report_client_uuid"] = str(data["report_client_uuid"])
        return data


class ResultsSchema(Schema):
    """Body of POST /patrols/tasks/<id>/results."""

    results = fields.List(fields.Nested(ItemAnswerSchema), required=True, validate=validate.Length(min=1, max=100))


class ItemResultOutSchema(Schema):
    result = fields.String()
    note = fields.String(allow_none=True)
    report_id = fields.Integer(allow_none=True)
    report_client_uuid = fields.String(allow_none=True)
    checked_at = fields.DateTime()


class ChecklistItemSchema(Schema):
    code = fields.String()
    text = fields.String()
    text_en = fields.String(allow_none=True)
    category = fields.String(allow_none=True)
    result = fields.Nested(ItemResultOutSchema, allow_none=True)


class PlaceSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    place_type = fields.String()
    lat = fields.Float(allow_none=True)
    lon = fields.Float(allow_none=True)
    address = fields.String(allow_none=True)


class GridRefSchema(Schema):
    code = fields.String()
    name = fields.String()


class ProgressSchema(Schema):
    answered = fields.Integer()
    total = fields.Integer()
    hazards = fields.Integer()


class TaskSchema(Schema):
    """One place to patrol today, with its checklist and answers."""

    id = fields.Integer()
    date = fields.Date()
    status = fields.String(metadata={"enum": [s.value for s in TaskStatus]})
    completed_at = fields.DateTime(allow_none=True)
    place = fields.Nested(PlaceSchema)
    grid = fields.Nested(GridRefSchema)
    items = fields.List(fields.Nested(ChecklistItemSchema))
    progress = fields.Nested(ProgressSchema)


class TaskListSchema(Schema):
    """A grid worker's tasks for one day."""

    date = fields.Date()
    grid = fields.Nested(GridRefSchema)
    items = fields.List(fields.Nested(TaskSchema))
