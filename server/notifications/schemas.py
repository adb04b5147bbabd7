"""The notification API's schemas."""
from marshmallow import Schema, fields, validate, validates_schema, ValidationError

from server.web.schemas import PageArgsSchema, page_schema

STATUSES = ("pending", "failing", "sent", "failed", "no_address")


class NotificationSchema(Schema):
    id = fields.Integer()
    case_id = fields.Integer(allow_none=True)
    case_number = fields.String(allow_none=True)
    report_id = fields.Integer(allow_none=True, metadata={"description": "the resident's report it is about"})
    kind = fields.String()
    message = fields.String(metadata={"description": "in the reader's language (Accept-Language; Chinese first)"})
    created_at = fields.DateTime()
    local_time = fields.String(metadata={"description": "created_at in the city's time zone, as people read it"})
    read_at = fields.DateTime(allow_none=True)
    action = fields.String(allow_none=True, metadata={"description": "rate: the report may be rated now"})


class NotificationListArgsSchema(PageArgsSchema):
    unread = fields.Boolean(metadata={"description": "true: unread only; false: read only"})
    lang = fields.String(validate=validate.OneOf(("zh", "en")), metadata={"description": "overrides Accept-Language"})


NotificationPageSchema = page_schema("NotificationPageSchema", NotificationSchema, unread=fields.Integer())


class MarkReadSchema(Schema):
    """Which notifications to mark read: ids, or all."""

    ids = fields.List(fields.Integer(validate=validate.Range(min=1, max=2**31 - 1)), load_default=list,
                      validate=validate.Length(max=1000))
    all = fields.Boolean(load_default=False)

    @validates_schema
    def _one_of(self, data, **_kwargs):
        if not data["all"] and not data["ids"]:
            raise ValidationError("请给出要标为已读的通知（ids），或 all=true", "ids")


class UnreadSchema(Schema):
    unread = fields.Integer()


class NoticeDeliveryArgsSchema(PageArgsSchema):
    status = fields.String(validate=validate.OneOf(STATUSES))


class NoticeDeliverySchema(Schema):
    id = fields.Integer()
    notification_id = fields.Integer()
    kind = fields.String()
    case_id = fields.Integer(allow_none=True)
    channel = fields.String()
    status = fields.String()
    attempts = fields.Integer()
    recipient = fields.String(allow_none=True, metadata={"description": "masked"})
    message = fields.String()
    last_error = fields.String(allow_none=True)
    created_at = fields.DateTime()
    sent_at = fields.DateTime(allow_none=True)
    local_time = fields.String()


NoticeDeliveryPageSchema = page_schema("NoticeDeliveryPageSchema", NoticeDeliverySchema)
