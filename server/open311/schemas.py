"""Marshmallow schemas of the Open311 parameters, and of a service's attribute answers."""
import re
from marshmallow import (EXCLUDE, RAISE, Schema, ValidationError, fields, post_load, pre_load, validate,
                         validates_schema)

from server.web.schemas import BoundedDateTime

STATUSES = ("open", "closed")
MAX_ID = 2**31 - 1  # report ids are INTEGER columns
DATATYPES = ("string", "number", "datetime", "text", "singlevaluelist", "multivaluelist")


_BARE_PLUS = re.compile(r" (\d{2}:?\d{2})$")


class _DateWindow(Schema):
    """``start_date`` and ``end_date``, tolerating an offset's ``+`` left unencoded in the query (read as a space)."""

    class Meta:
        unknown = EXCLUDE

    start_date = BoundedDateTime(load_default=None)
    end_date = BoundedDateTime(load_default=None)

    @pre_load
    def _plus(self, data, **kwargs):
        data = dict(data)
        for key in ("start_date", "end_date"):
            if isinstance(data.get(key), str):
                data[key] = _BARE_PLUS.sub(r"+\1", data[key].strip("\"'"))
        return data


class _CommaList(fields.String):
    """``a,b,c`` → ``["a", "b", "c"]`` (the spec's way of giving several values)."""

    def __init__(self, item: fields.Field, **kwargs):
        super().__init__(**kwargs)
        self.item = item

    def _deserialize(self, value, attr, data, **kwargs):
        raw = super()._deserialize(value, attr, data, **kwargs)
        parts = [p.strip() for p in raw.split(",") if p.strip()]
        if not parts:
            raise ValidationError("Give at least one value.")
        return [self.item.deserialize(p) for p in parts]


class RequestCreateSchema(Schema):
    """POST requests: the spec's fields (``attribute[code]`` values are read apart)."""

    class Meta:
        unknown = EXCLUDE

    api_key = fields.String(load_default=None)
    jurisdiction_id = fields.String(load_default=None, validate=validate.Length(max=100))
    service_code = fields.String(required=True, validate=validate.Length(min=1, max=64))
    lat = fields.Float(load_default=None, validate=validate.Range(-90, 90))
    lon = fields.Float(data_key="long", load_default=None, validate=validate.Range(-180, 180))
    address_string = fields.String(load_default=None, validate=validate.Length(max=255))
    address_id = fields.String(load_default=None, validate=validate.Length(max=64))
    email = fields.Email(load_default=None)
    device_id = fields.String(load_default=None, validate=validate.Length(max=100))
    account_id = fields.String(load_default=None, validate=validate.Length(max=100))
    first_name = fields.String(load_default=None, validate=validate.Length(max=64))
    last_name = fields.String(load_default=None, validate=validate.Length(max=64))
    phone = fields.String(load_default=None, validate=validate.Length(max=32))
    description = fields.String(load_default="", validate=validate.Length(max=5000))
    media_url = fields.Url(load_default=None, validate=validate.Length(max=500))
    # Extension: the client's own id of the request; a re-send with the same id gets the same request back.
    client_uuid = fields.UUID(load_default=None)

    @validates_schema
    def _location(self, data, **kwargs):
        if (data.get("lat") is None) != (data.get("lon") is None):
            raise ValidationError("Give both lat and long, or neither.", "lat")
        if data.get("lat") is None and not data.get("address_string") and not data.get("address_id"):
            raise ValidationError("A location is required: lat and long, address_string or address_id.",
                                  "location")

    @post_load
    def _clean(self, data, **kwargs):
        data["description"] = (data.get("description") or "").strip()
        for key in ("address_string", "address_id", "first_name", "last_name", "phone", "device_id", "account_id"):
            if isinstance(data.get(key), str):
                data[key] = data[key].strip() or None
        return data


class RequestListArgsSchema(_DateWindow):
    """GET requests: filters."""

    service_request_id = _CommaList(fields.Integer(strict=False, validate=validate.Range(min=1, max=MAX_ID,
                                                        error="Not a known service_request_id.")), load_default=None)
    service_code = _CommaList(fields.String(validate=validate.Length(max=64)), load_default=None)
    status = _CommaList(fields.String(validate=validate.OneOf(STATUSES)), load_default=None)


class UpdateListArgsSchema(_DateWindow):
    """GET servicerequestupdates (mySociety's extension): a time window."""


class AttributeValueSchema(Schema):
    """One allowed value of a list attribute."""

    key = fields.String(required=True, validate=validate.Length(min=1, max=64))
    name = fields.String(required=True, validate=validate.Length(min=1, max=120))


class AttributeDefinitionSchema(Schema):
    """An attribute as admins define it and the service definition shows it."""

    code = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z0-9_.-]{1,64}$"))
    datatype = fields.String(required=True, validate=validate.OneOf(DATATYPES))
    required = fields.Boolean(load_default=False)
    variable = fields.Boolean(load_default=True)
    description = fields.String(required=True, validate=validate.Length(min=1, max=255))
    datatype_description = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=255))
    order = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=1000))
    values = fields.List(fields.Nested(AttributeValueSchema), load_default=list)

    @validates_schema
    def _values(self, data, **kwargs):
        listed = data["datatype"] in ("singlevaluelist", "multivaluelist")
        if listed and not data.get("values"):
            raise ValidationError("A list attribute needs values.", "values")
        if not listed and data.get("values"):
            raise ValidationError("Only list attributes have values.", "values")


def answers_schema(definitions) -> Schema:
    """A schema checking the answers to a service's attributes (``ServiceAttribute`` rows)."""
    built = {}
    for d in definitions:
        keys = [v["key"] for v in d.values or []]
        if d.datatype == "number":
            field = fields.Float(required=d.required)
        elif d.datatype == "datetime":
            field = BoundedDateTime(required=d.required)
        elif d.datatype == "singlevaluelist":
            field = fields.String(required=d.required, validate=validate.OneOf(keys))
        elif d.datatype == "multivaluelist":
            field = fields.List(fields.String(validate=validate.OneOf(keys)), required=d.required,
                                validate=validate.Length(min=1 if d.required else 0))
        else:
            limit = 5000 if d.datatype == "text" else 1000
            field = fields.String(required=d.required, validate=validate.Length(min=1 if d.required else 0,
                                                                                max=limit))
        built[d.code] = field
    return Schema.from_dict(built, name="AttributeAnswers")(unknown=RAISE)


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


class ServiceAttributesSchema(Schema):
    """A service's attribute definitions (replacing the old ones)."""

    attributes = fields.List(fields.Nested(AttributeDefinitionSchema), required=True)
