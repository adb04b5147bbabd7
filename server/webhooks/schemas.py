"""Schemas of the webhooks API: webhooks and their deliveries."""
from marshmallow import Schema, fields, validate

from server.models import DeliveryStatus, WebhookEvent
from server.web.schemas import PageArgsSchema, page_schema
from server.webhooks.transport import REASONS

EVENTS = [e.value for e in WebhookEvent]


class WebhookCreateSchema(Schema):
    """A department's URL and which events it wants."""

    department = fields.String(load_default=None, validate=validate.Length(min=1, max=32),
                               metadata={"description": "department code (admins; staff register their own)"})
    url = fields.Url(required=True, schemes={"http", "https"}, require_tld=False, validate=validate.Length(max=500))
    events = fields.List(fields.String(validate=validate.OneOf(EVENTS)), load_default=None,
                         validate=validate.Length(min=1))


class DeliveryCountsSchema(Schema):
    """How a webhook's deliveries stand."""

    pending = fields.Integer()
    delivered = fields.Integer()
    failing = fields.Integer()
    failed = fields.Integer()
    last_delivered_at = fields.DateTime(allow_none=True)
    last_reason = fields.String(allow_none=True, metadata={"enum": list(REASONS)})
    last_error = fields.String(allow_none=True, metadata={
        "description": "admins: what went wrong, with the start of the answer; department staff: the reason only"})


class WebhookSchema(Schema):
    """A webhook with its delivery health."""

    id = fields.Integer()
    department = fields.String()
    url = fields.String()
    events = fields.List(fields.String())
    active = fields.Boolean()
    created_at = fields.DateTime()
    disabled_at = fields.DateTime(allow_none=True)
    health = fields.String(metadata={"enum": ["ok", "failing", "idle", "disabled"]})
    deliveries = fields.Nested(DeliveryCountsSchema)


class WebhookCreatedSchema(WebhookSchema):
    """A new webhook (or a new secret) with the secret, shown this once."""

    secret = fields.String(metadata={"description": "HMAC-SHA256 key of X-GridWatch-Signature; shown once"})


class DeliveryArgsSchema(PageArgsSchema):
    """Filters of the delivery list."""

    webhook_id = fields.Integer()
    status = fields.String(validate=validate.OneOf([s.value for s in DeliveryStatus]))
    case_id = fields.Integer()


class DeliverySchema(Schema):
    """One delivery and how its attempts went (see ``server.webhooks.delivery.present_delivery``)."""

    id = fields.Integer()
    delivery_id = fields.String()
    webhook_id = fields.Integer()
    department = fields.String()
    url = fields.String()
    event = fields.String()
    case_id = fields.Integer(allow_none=True)
    status = fields.String()
    attempts = fields.Integer()
    last_status_code = fields.Integer(allow_none=True)
    reason = fields.String(allow_none=True, metadata={
        "enum": list(REASONS), "description": "why the last attempt failed, from a fixed vocabulary"})
    last_error = fields.String(allow_none=True, metadata={
        "description": "admins: what went wrong, with the start of the answer; department staff: the reason only"})
    next_attempt_at = fields.DateTime(allow_none=True)
    delivered_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


DeliveryPageSchema = page_schema("DeliveryPageSchema", DeliverySchema, "A page of deliveries.")
