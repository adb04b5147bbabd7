"""Schemas of the data-sharing API: a request, a review, a link or key, the lists and the audit."""
from marshmallow import Schema, ValidationError, fields, validate

from server.web.schemas import BoundedDateTime, PageArgsSchema, page_schema

_CODE = validate.Regexp(r"^[A-Za-z0-9_.-]{1,64}$", error="Letters, digits, '_', '.' and '-' only.")
_TEXT = validate.Length(min=2, max=2000, error="2 to 2000 characters.")


def _not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("Field may not be blank.")


class ShareRequestInSchema(Schema):
    """A department's request for a dataset."""

    kind = fields.String(required=True, validate=validate.OneOf(["reports", "cases"]))
    categories = fields.List(fields.String(validate=_CODE), required=True, validate=validate.Length(min=1, max=50))
    areas = fields.List(fields.String(validate=_CODE), required=True, validate=validate.Length(min=1, max=50))
    period_from = BoundedDateTime(required=True)
    period_to = BoundedDateTime(required=True)
    personal_data = fields.Boolean(load_default=False)
    purpose = fields.String(required=True, validate=[_TEXT, _not_blank])
    use_until = BoundedDateTime(required=True)


class ShareApproveSchema(Schema):
    """An approval: as asked, or narrowed (any field left out keeps what was asked); a narrowing needs a note."""

    categories = fields.List(fields.String(validate=_CODE), validate=validate.Length(min=1, max=50))
    areas = fields.List(fields.String(validate=_CODE), validate=validate.Length(min=1, max=50))
    period_from = BoundedDateTime()
    period_to = BoundedDateTime()
    personal_data = fields.Boolean()
    use_until = BoundedDateTime()
    note = fields.String(load_default="", validate=validate.Length(max=2000))


class ShareReasonSchema(Schema):
    """A refusal's or a revocation's reason."""

    reason = fields.String(required=True, validate=[_TEXT, _not_blank])


class ShareCredentialInSchema(Schema):
    """Which credential to issue: an export link or an API key."""

    kind = fields.String(required=True, validate=validate.OneOf(["link", "key"]))


class ShareCredentialSchema(Schema):
    """A link or key as listed (never its secret)."""

    id = fields.Integer()
    kind = fields.String()
    prefix = fields.String()
    created_at = fields.DateTime()
    expires_at = fields.DateTime()
    revoked_at = fields.DateTime(allow_none=True)
    last_used_at = fields.DateTime(allow_none=True)


class ShareIssuedSchema(ShareCredentialSchema):
    """A new link or key: the secret is shown this once."""

    secret = fields.String()
    url = fields.String(allow_none=True)


class ShareRequestOutSchema(Schema):
    """A request, its review and its credentials."""

    id = fields.Integer()
    status = fields.String()
    status_name = fields.String()
    kind = fields.String()
    department = fields.String(allow_none=True)
    requester = fields.String(allow_none=True)
    categories = fields.List(fields.String())
    areas = fields.List(fields.String())
    period_from = fields.DateTime()
    period_to = fields.DateTime()
    personal_data = fields.Boolean()
    purpose = fields.String()
    use_until = fields.DateTime()
    created_at = fields.DateTime()
    grant = fields.Dict(allow_none=True)
    reviewer = fields.String(allow_none=True)
    reviewed_at = fields.DateTime(allow_none=True)
    review_note = fields.String(allow_none=True)
    revoked_at = fields.DateTime(allow_none=True)
    revoke_reason = fields.String(allow_none=True)
    credentials = fields.List(fields.Nested(ShareCredentialSchema))


class ShareRequestListArgsSchema(PageArgsSchema):
    """Filter by status."""

    status = fields.String(validate=validate.OneOf(["pending", "approved", "refused", "revoked"]))


ShareRequestPageSchema = page_schema("ShareRequestPageSchema", ShareRequestOutSchema, "A page of requests.")


class ShareApprovedSchema(Schema):
    """An approval and what it narrowed."""

    request = fields.Nested(ShareRequestOutSchema)
    narrowed = fields.List(fields.String())


class ShareDataArgsSchema(Schema):
    """The format of a download."""

    format = fields.String(load_default="json", validate=validate.OneOf(["json", "csv"]))


class ShareAccessArgsSchema(PageArgsSchema):
    """The audit, of one request or of all."""

    request_id = fields.Integer(validate=validate.Range(min=1))


class ShareAccessSchema(Schema):
    """One use of a link or key."""

    id = fields.Integer()
    request_id = fields.Integer()
    credential = fields.String(allow_none=True)
    credential_kind = fields.String(allow_none=True)
    user = fields.String(allow_none=True)
    at = fields.DateTime()
    ip = fields.String(allow_none=True)
    format = fields.String(allow_none=True)
    rows = fields.Integer()
    outcome = fields.String()


ShareAccessPageSchema = page_schema("ShareAccessPageSchema", ShareAccessSchema, "A page of the audit.")
