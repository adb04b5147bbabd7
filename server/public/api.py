"""The public page's API: the map of recent reports and closed cases, its base map, and guests (no account)."""
import json

from flask import Response, current_app
from flask_smorest import Blueprint

from server.extensions import db
from server.models import Area, AreaLevel
from server.public.guests import create_guest
from server.public.limits import throttle
from server.public.map import cached_map
from server.public.schemas import GuestCreateSchema, GuestTokenSchema, MapArgsSchema, MapSchema
from server.web.ratelimit import signin_throttled
from server.web.schemas import ErrorSchema

blp = Blueprint("public", __name__, description="The residents' public web page: map and reporting without account")
_MAP = MapSchema()


def _map_json(answer: dict) -> bytes:
    """The map as the API answers it (MapSchema), serialised once for the cache."""
    return json.dumps(_MAP.dump(answer), ensure_ascii=False, separators=(",", ":")).encode()


@blp.route("/map", methods=["GET"])
@blp.arguments(MapArgsSchema, location="query")
@blp.response(200, MapSchema)
@blp.alt_response(422, schema=ErrorSchema)
@blp.alt_response(429, schema=ErrorSchema, description="Too many look-ups from this address; see Retry-After")
def public_map(args):
    """Recent reports and closed cases, each at the middle of its 200 m cell, counted per cell, category and status;
    no personal data (no name, text or exact point). Public; rate-limited per address, cached briefly."""
    throttle("public-map", "PUBLIC_MAP_RATE_LIMIT")
    body = cached_map(args["days"], args["status"], args["category"], render=_map_json)
    seconds = current_app.config["PUBLIC_MAP_CACHE_SECONDS"]
    return Response(body, 200, mimetype="application/json", headers={"Cache-Control": f"public, max-age={seconds}"})


@blp.route("/basemap", methods=["GET"])
@blp.doc(responses={"200": {"description": "A GeoJSON FeatureCollection of the grids, with tile_url beside it"}})
@blp.alt_response(429, schema=ErrorSchema)
def basemap():
    """The grid polygons (code and names) and the tile server, if one is set: the public map's base. Public."""
    throttle("public-map", "PUBLIC_MAP_RATE_LIMIT")
    rows = db.session.execute(db.select(Area).where(Area.level == AreaLevel.GRID.value, Area.polygon.is_not(None))
                              .order_by(Area.code)).scalars()
    features = [{"type": "Feature", "geometry": a.polygon,
                 "properties": {"code": a.code, "name": a.name, "name_en": a.name_en}} for a in rows]
    seconds = current_app.config["PUBLIC_MAP_CACHE_SECONDS"]
    return ({"type": "FeatureCollection", "features": features, "tile_url": current_app.config.get("ADMIN_TILE_URL")
             or ""}, 200, {"Cache-Control": f"public, max-age={seconds}"})


@blp.route("/guests", methods=["POST"])
@blp.arguments(GuestCreateSchema)
@blp.response(201, GuestTokenSchema, description="The guest's token: keep it; it is shown only this once")
@blp.alt_response(429, schema=ErrorSchema, description="Too many guests from this address (REGISTER_RATE_LIMIT)")
@signin_throttled(register=True)
def create_guest_token(_args):
    """Report without an account: a guest resident (no phone number, no password) and its bearer token, valid for
    ``PUBLIC_FOLLOW_DAYS`` days. Send the report with it (same ``POST /reports``); the token is the secret of the
    follow-up link. Only its hash is stored; it cannot be shown again."""
    token, row = create_guest()
    return {"access_token": token, "token_type": "Bearer", "expires_at": row.expires_at}
