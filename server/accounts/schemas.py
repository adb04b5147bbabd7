"""Sign-in, registration and the user as others see them."""
import re

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates, validates_schema

from server.accounts.security import normalise_phone, password_problem

PHONE_MESSAGE = "A mainland mobile number of 11 digits, starting with 1 (e.g. 13800000009 or +86 138 0000 0009)."


class LoginSchema(Schema):
    """Credentials for POST /auth/login."""

    username = fields.String(required=True, validate=validate.Length(min=1, max=64))
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=256))


class RegisterSchema(Schema):
    """A resident signing up with a phone number."""

    phone = fields.String(required=True, metadata={"example": "13800000009"})
    password = fields.String(required=True, load_only=True, validate=validate.Length(max=256))
    display_name = fields.String(load_default=None, validate=validate.Length(max=64))

    @validates("phone")
    def _phone(self, value, **kwargs):
        if normalise_phone(value) is None:
            raise ValidationError(PHONE_MESSAGE)

    @validates_schema(skip_on_field_errors=False)
    def _password(self, data, **kwargs):
        if "password" not in data:
            return
        phone = normalise_phone(data.get("phone")) or data.get("phone")
        problem = password_problem(data["password"], username=phone, phone=phone)
        if problem:
            raise ValidationError(problem, field_name="password")

    @post_load
    def _normalise(self, data, **kwargs):
        """One spelling of every number: '１３８…', '13800000002\\n' and '+86 138…' are the same account."""
        data["phone"] = normalise_phone(data["phone"])
        return data


class UserSchema(Schema):
    """A user as the API shows them; the phone number is masked (residents' usernames are generated)."""

    id = fields.Integer()
    username = fields.String(metadata={"description": "residents: generated (r_…), never the phone number"})
    role = fields.String()
    display_name = fields.String(allow_none=True)
    phone = fields.String(allow_none=True, metadata={"description": "masked, e.g. 138****0001"})
    department = fields.String(allow_none=True, metadata={"description": "department code"})
    grid = fields.String(allow_none=True, metadata={"description": "grid code"})


class TokenSchema(Schema):
    """A new bearer token."""

    access_token = fields.String(required=True)
    token_type = fields.String(required=True, metadata={"example": "Bearer"})
    expires_at = fields.DateTime(required=True)
    user = fields.Nested(UserSchema, required=True)


class DeleteAccountSchema(Schema):
    """A resident deleting their account confirms with their password."""

    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=256))
    confirm = fields.Boolean(required=True, metadata={"description": "must be true: the account cannot come back"})

    @validates("confirm")
    def _confirm(self, value, **kwargs):
        if value is not True:
            raise ValidationError("Set confirm to true to delete the account; it cannot be undone.")


class DeletedAccountSchema(Schema):
    """What deleting an account did."""

    deleted = fields.Boolean(required=True)
    reports_anonymised = fields.Integer(required=True)


USERNAME_RE = re.compile(r"^[A-Za-z0-9_.-]{3,64}$")
