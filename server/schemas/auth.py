"""Sign-in, registration and the user as others see them."""
import re

from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from ..security import PHONE_RE, password_problem


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
        if not PHONE_RE.match(value):
            raise ValidationError("A mainland mobile number of 11 digits, starting with 1.")

    @validates_schema(skip_on_field_errors=False)
    def _password(self, data, **kwargs):
        if "password" not in data:
            return
        problem = password_problem(data["password"], username=data.get("phone"), phone=data.get("phone"))
        if problem:
            raise ValidationError(problem, field_name="password")


class UserSchema(Schema):
    """A user as the API shows them; the phone number is masked."""

    id = fields.Integer()
    username = fields.String()
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


USERNAME_RE = re.compile(r"^[A-Za-z0-9_.-]{3,64}$")
