"""The grid polygons (GeoJSON from the server), kept for offline use as the map's base layer."""
import os

import requests

from .api import ApiError, NetworkError

GRIDS_KEY = "grid_polygons"


def rings(geometry: dict) -> list[list[tuple[float, float]]]:
    """The outer rings of a Polygon or MultiPolygon as (lon, lat) lists."""
    if not geometry:
        return []
    if geometry.get("type") == "Polygon":
        return [[tuple(p[:2]) for p in geometry["coordinates"][0]]]
    if geometry.get("type") == "MultiPolygon":
        return [[tuple(p[:2]) for p in poly[0]] for poly in geometry["coordinates"]]
    return []


def contains(ring: list[tuple[float, float]], lon: float, lat: float) -> bool:
    """Whether a point lies inside a ring (ray casting)."""
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]):
        if (y1 > lat) != (y2 > lat) and lon < (x2 - x1) * (lat - y1) / ((y2 - y1) or 1e-12) + x1:
            inside = not inside
    return inside


def bounds(features: list[dict]) -> tuple[float, float, float, float] | None:
    """(min_lon, min_lat, max_lon, max_lat) of every polygon."""
    points = [p for f in features for ring in rings(f.get("geometry")) for p in ring]
    if not points:
        return None
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    return min(lons), min(lats), max(lons), max(lats)


def fetch_tile(url: str, path: str) -> str:
    """Download one map tile into the phone's tile cache (no sign-in is sent to a tile server)."""
    response = requests.get(url, timeout=(5, 20), headers={"User-Agent": "GridWatch phone app"})
    response.raise_for_status()
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".part"
    with open(tmp, "wb") as out:
        out.write(response.content)
    os.replace(tmp, path)
    return path


class BaseMap:
    """The grids of the city: refreshed when online, read from the phone's database otherwise."""

    def __init__(self, api_provider, db, settings):
        self.api_provider, self.db, self.settings = api_provider, db, settings

    def features(self) -> list[dict]:
        return (self.db.get_cached(GRIDS_KEY) or {}).get("features", [])

    def refresh(self) -> tuple[list[dict], bool]:
        """(features, online): the server's grids, or the saved ones when it cannot be reached."""
        try:
            body = self.api_provider().grids()
        except (ApiError, NetworkError):
            return self.features(), False
        self.db.put_cached(GRIDS_KEY, body)
        if body.get("city_timezone"):
            self.settings.set("city_timezone", body["city_timezone"])
        if body.get("tile_url") is not None:
            self.settings.set("tile_url", body.get("tile_url") or None)
        return body.get("features", []), True

    def grid_at(self, lat: float, lon: float) -> dict | None:
        """The properties of the grid holding a point."""
        for feature in self.features():
            if any(contains(ring, lon, lat) for ring in rings(feature.get("geometry"))):
                return feature.get("properties") or {}
        return None

    def grid_name(self, code: str | None) -> str | None:
        """A grid's name by its code (from the saved polygons)."""
        for feature in self.features():
            props = feature.get("properties") or {}
            if code and props.get("code") == code:
                return props.get("name")
        return None
