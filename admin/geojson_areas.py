"""Areas and grids from an uploaded GeoJSON FeatureCollection, checked with shapely before anything is stored."""
import json

from shapely.geometry import shape

from server.extensions import db
from server.models import Area, AreaLevel

LEVELS = [lvl.value for lvl in AreaLevel]
MAX_FEATURES = 5000


class AreaFileError(ValueError):
    """An upload that cannot be imported; the message says which feature and why."""


def parse(raw: bytes) -> list[dict]:
    """Features as area dicts (code, name, name_en, level, parent, polygon), parents before children."""
    try:
        doc = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise AreaFileError(f"not JSON: {exc}") from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
        raise AreaFileError("expected a GeoJSON FeatureCollection")
    if len(doc["features"]) > MAX_FEATURES:
        raise AreaFileError(f"at most {MAX_FEATURES} features")
    items = []
    for i, feature in enumerate(doc["features"]):
        props = (feature or {}).get("properties") or {}
        code, name, level = props.get("code"), props.get("name"), props.get("level", AreaLevel.GRID.value)
        if not isinstance(code, str) or not code.strip() or not isinstance(name, str) or not name.strip():
            raise AreaFileError(f"feature {i}: properties 'code' and 'name' are required")
        if level not in LEVELS:
            raise AreaFileError(f"feature {i} ({code}): level must be one of {', '.join(LEVELS)}")
        geometry = feature.get("geometry") or {}
        if geometry.get("type") not in ("Polygon", "MultiPolygon"):
            raise AreaFileError(f"feature {i} ({code}): the geometry must be a Polygon or MultiPolygon")
        try:
            geom = shape(geometry)
        except Exception as exc:  # malformed coordinates
            raise AreaFileError(f"feature {i} ({code}): {exc}") from None
        if geom.is_empty or not geom.is_valid:
            raise AreaFileError(f"feature {i} ({code}): the polygon is empty or not valid")
        west, south, east, north = geom.bounds
        if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
            raise AreaFileError(f"feature {i} ({code}): coordinates must be longitude, latitude (WGS 84)")
        items.append({"code": code.strip()[:40], "name": name.strip()[:80], "level": level,
                      "name_en": (props.get("name_en") or None), "parent": props.get("parent") or None,
                      "polygon": geometry, "bounds": geom.bounds})
    items.sort(key=lambda item: LEVELS.index(item["level"]))
    return items


def import_areas(items: list[dict]) -> tuple[int, int]:
    """Insert or update areas by code (the caller commits); (created, updated)."""
    existing = {a.code: a for a in db.session.execute(db.select(Area)).scalars()}
    created = updated = 0
    for item in items:
        parent = existing.get(item["parent"]) if item["parent"] else None
        if item["parent"] and parent is None:
            raise AreaFileError(f"{item['code']}: no parent area {item['parent']!r}")
        area = existing.get(item["code"])
        created, updated = (created + 1, updated) if area is None else (created, updated + 1)
        area = area or Area(code=item["code"])
        area.name, area.name_en, area.level, area.parent = item["name"], item["name_en"], item["level"], parent
        area.polygon = item["polygon"]
        area.min_lon, area.min_lat, area.max_lon, area.max_lat = item["bounds"]
        if area.aliases is None:
            area.aliases = []
        if area.landmarks is None:
            area.landmarks = []
        existing[area.code] = area
        db.session.add(area)
    db.session.flush()
    return created, updated
