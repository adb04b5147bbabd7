"""REST endpoints for admins: API keys of Open311 clients and Open311 service attributes."""
from flask_smorest import Blueprint

from server.accounts.audit_log import record_api_action
from server.accounts.auth import BEARER, auth_required, current_user
from server.web.errors import ApiError
from server.extensions import db
from server.models import Role
from server.web.schemas import ErrorSchema
from server.open311 import keys as key_service
from server.open311 import services as svc
from server.open311.schemas import ApiKeyCreatedSchema, ApiKeyCreateSchema, ApiKeySchema, ServiceAttributesSchema

keys_blp = Blueprint("apikeys", __name__, description="API keys of Open311 clients (admins)")
open311_blp = Blueprint("open311_admin", __name__, description="Open311 service attributes (admins)")


@keys_blp.route("", methods=["GET"])
@keys_blp.doc(security=BEARER)
@keys_blp.response(200, ApiKeySchema(many=True))
@keys_blp.alt_response(403, schema=ErrorSchema)
@auth_required(Role.ADMIN)
def list_keys():
    """Every key, newest first (revoked ones too)."""
    return [key_service.present_key(k) for k in key_service.list_keys()]


@keys_blp.route("", methods=["POST"])
@keys_blp.doc(security=BEARER)
@keys_blp.arguments(ApiKeyCreateSchema)
@keys_blp.response(201, ApiKeyCreatedSchema)
@keys_blp.alt_response(409, schema=ErrorSchema)
@auth_required(Role.ADMIN)
def create_key(args):
    """Issue a key; the response holds the key itself, which is not stored and is shown only this once."""
    record_api_action("apikey.create", args["name"], current_user())  # committed with the key
    try:
        row, plaintext = key_service.create_key(args["name"], created_by=current_user())
    except key_service.ApiKeyError as exc:
        raise ApiError(409, "conflict", str(exc), {"name": [str(exc)]}) from None
    return {**key_service.present_key(row), "key": plaintext}


@keys_blp.route("/<int:key_id>", methods=["DELETE"])
@keys_blp.doc(security=BEARER)
@keys_blp.response(200, ApiKeySchema)
@keys_blp.alt_response(404, schema=ErrorSchema)
@auth_required(Role.ADMIN)
def revoke_key(key_id: int):
    """Revoke a key: Open311 POSTs with it answer 403 from now on."""
    if db.session.get(key_service.ApiKey, key_id) is None:
        raise ApiError(404, "not_found", f"No API key {key_id}.")
    record_api_action("apikey.revoke", str(key_id), current_user())
    return key_service.present_key(key_service.revoke_key(key_id))


# --- Open311 service attributes -------------------------------------------------------------------------

@open311_blp.route("/services/<string:code>/attributes", methods=["PUT"])
@open311_blp.doc(security=BEARER)
@open311_blp.arguments(ServiceAttributesSchema)
@open311_blp.response(200, ServiceAttributesSchema)
@open311_blp.alt_response(404, schema=ErrorSchema)
@auth_required(Role.ADMIN)
def put_attributes(args, code: str):
    """Replace the extra questions of a service (shown by Open311's service definition)."""
    category = svc.service(code)
    if category is None:
        raise ApiError(404, "not_found", f"No active service {code!r}.")
    record_api_action("open311.attributes", code, current_user(), count=len(args["attributes"]))
    svc.set_attributes(category, args["attributes"])
    return {"attributes": svc.present_definition(category)["attributes"]}
