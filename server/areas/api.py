"""The grid polygons as GeoJSON: the phone's offline base map (kept on the phone), with the city's zone and tiles."""
from flask import current_app
from flask_smorest import Blueprint

from server.accounts.auth import BEARER, auth_required
from server.extensions import db
from server.models import Area, AreaLevel
from server.web.schemas import ErrorSchema

blp = Blueprint("areas", __name__, description="Areas and grids (the phone's map)")


@blp.route("/grids.geojson", methods=["GET"])
@blp.doc(security=BEARER, responses={"200": {"description": "A GeoJSON FeatureCollection of the grids, with "
                                                           "city_timezone and tile_url beside the features"}})
@blp.alt_response(401, schema=ErrorSchema)
@auth_required()
def grids():
    """Every grid's polygon with its code and name; the city's time zone and the tile server, if one is set."""
    rows = db.session.execute(db.select(Area).where(Area.level == AreaLevel.GRID.value, Area.polygon.is_not(None))
                              .order_by(Area.code)).scalars()
    features = [{"type": "Feature", "geometry": a.polygon,
                 "properties": {"code": a.code, "name": a.name, "name_en": a.name_en}} for a in rows]
    cfg = current_app.config
    return {"type": "FeatureCollection", "features": features,
            "city_timezone": cfg["CITY_TIMEZONE"], "tile_url": cfg.get("ADMIN_TILE_URL") or ""}
