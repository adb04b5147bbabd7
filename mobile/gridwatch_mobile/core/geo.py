"""Web Mercator: degrees to world pixels and back, and the slippy-map tiles that cover a view."""
import math

TILE = 256
MAX_LAT = 85.05112878


def world_size(zoom: float) -> float:
    return TILE * (2 ** zoom)


def to_pixels(lat: float, lon: float, zoom: float) -> tuple[float, float]:
    """World pixel (x to the east, y to the south) of a point at a zoom level."""
    lat = max(-MAX_LAT, min(MAX_LAT, lat))
    size = world_size(zoom)
    x = (lon + 180.0) / 360.0 * size
    s = math.sin(math.radians(lat))
    y = (0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)) * size
    return x, y


def to_degrees(x: float, y: float, zoom: float) -> tuple[float, float]:
    """(lat, lon) of a world pixel."""
    size = world_size(zoom)
    lon = x / size * 360.0 - 180.0
    n = math.pi - 2 * math.pi * y / size
    lat = math.degrees(math.atan(math.sinh(n)))
    return lat, lon


def zoom_to_fit(min_lon: float, min_lat: float, max_lon: float, max_lat: float, width: float, height: float,
                max_zoom: float = 18.0) -> float:
    """The largest zoom showing the whole box in a view of that many pixels."""
    for z10 in range(int(max_zoom * 10), 0, -1):
        z = z10 / 10
        x1, y1 = to_pixels(max_lat, min_lon, z)
        x2, y2 = to_pixels(min_lat, max_lon, z)
        if x2 - x1 <= width and y2 - y1 <= height:
            return z
    return 1.0


def tiles_for_view(center_lat: float, center_lon: float, zoom: float, width: float, height: float):
    """(z, x, y) of the tiles at the integer zoom below ``zoom`` that cover a view (x not yet wrapped)."""
    z = max(0, int(math.floor(zoom)))
    scale = 2 ** (zoom - z)
    cx, cy = to_pixels(center_lat, center_lon, z)
    half_w, half_h = width / 2 / scale, height / 2 / scale
    count = 2 ** z
    for tx in range(int((cx - half_w) // TILE), int((cx + half_w) // TILE) + 1):
        for ty in range(int((cy - half_h) // TILE), int((cy + half_h) // TILE) + 1):
            if 0 <= ty < count:
                yield z, tx, ty


def tile_url(template: str, z: int, x: int, y: int) -> str:
    """A tile's address from a ``{z}/{x}/{y}`` template."""
    x %= 2 ** z  # the world repeats to the east and west
    return template.replace("{z}", str(z)).replace("{x}", str(x)).replace("{y}", str(y))
