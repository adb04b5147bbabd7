"""Schemas of the interoperability API: API keys, webhooks and deliveries, exports, Open311 attributes."""
from datetime import datetime, timezone

from marshmallow import Schema, fields, post_load, validate, validates_schema, ValidationError

from triage.lifecycle import CaseStatus

from ..models import DeliveryStatus, WebhookEvent
from ..open311.schemas import AttributeDefinitionSchema
from ..schemas.common import BoundedDateTime, PageArgsSchema, PageMetaSchema
from .transport import REASONS

EVENTS = [e.value for e in WebhookEvent]


class ApiKeyCreateSchema(Schema):
    """A new key's name (who uses it)."""

    name = fields.String(required=True, validate=validate.Length(min=1, max=80))


class ApiKeySchema(Schema):
    """A key as listed (never the key itself)."""

    id = fields.Integer()
    name = fields.String()
    prefix = fields.String(metadata={"description": "the key's first characters, to tell keys apart"})
    active = fields.Boolean()
    created_at = fields.DateTime()
    last_used_at = fields.DateTime(allow_none=True)
    revoked_at = fields.DateTime(allow_none=True)


class ApiKeyCreatedSchema(ApiKeySchema):
    """A new key with the key itself, shown this once."""

    key = fields.String(metadata={"description": "the API key; it is not stored and cannot be shown again"})


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
    """One delivery and how its attempts went (see ``server.interop.delivery.present_delivery``)."""

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


class DeliveryPageSchema(Schema):
    """A page of deliveries."""

    items = fields.List(fields.Nested(DeliverySchema))
    meta = fields.Nested(PageMetaSchema)


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


class ServiceAttributesSchema(Schema):
    """A service's attribute definitions (replacing the old ones)."""

    attributes = fields.List(fields.Nested(AttributeDefinitionSchema), required=True)
