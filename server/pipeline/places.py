"""The city's areas as the pipeline needs them: point-in-grid and place names in text."""
import threading
import time

from shapely.geometry import Point, shape
from shapely.prepared import prep

from ..extensions import db
from ..models import Area, AreaLevel

_lock = threading.Lock()
_cache: dict = {}
# How often a worker asks whether the area table changed (admins edit it rarely; invalidate() is immediate).
RECHECK_SECONDS = 5.0


class AreaIndex:
    """Grid polygons for coordinates, and a resolver and segmenter that know the place names."""

    def __init__(self, areas: list[Area]):
        from nlp.places import PlaceResolver
        from nlp.segment import Segmenter
        self.by_code = {a.code: a.id for a in areas}
        self.grids = [(a.id, prep(shape(a.polygon)), (a.min_lon, a.min_lat, a.max_lon, a.max_lat))
                      for a in areas if a.level == AreaLevel.GRID.value and a.polygon]
        codes = {a.id: a.code for a in areas}
        self.code_of = codes
        parents = {a.id: a.parent_id for a in areas}
        levels = {a.id: a.level for a in areas}
        self.district_code: dict[int, str] = {}
        for area in areas:  # each area's district, without walking parents per report
            node = area.id
            while node is not None and levels[node] != AreaLevel.DISTRICT.value:
                node = parents[node]
            if node is not None:
                self.district_code[area.id] = codes[node]
        self.resolver = PlaceResolver([
            {"code": a.code, "name": a.name, "level": a.level, "parent": codes.get(a.parent_id),
             "aliases": list(a.aliases or []) + [lm["name"] for lm in (a.landmarks or []) if lm.get("name")]}
            for a in areas])
        self.segmenter = Segmenter(self.resolver.names())

    def grid_at(self, lat: float, lon: float) -> int | None:
        """The grid containing a point."""
        point = Point(lon, lat)
        for grid_id, polygon, (x0, y0, x1, y1) in self.grids:
            if x0 <= lon <= x1 and y0 <= lat <= y1 and polygon.covers(point):
                return grid_id
        return None


def area_index() -> AreaIndex:
    """The index for the current area table, rebuilt when the table changes (checked every few seconds)."""
    now = time.monotonic()
    with _lock:
        if _cache.get("engine") == id(db.engine) and now - _cache.get("checked", -1e9) < RECHECK_SECONDS:
            return _cache["index"]
    version = tuple(db.session.execute(db.select(db.func.count(Area.id), db.func.max(Area.id))).one())
    with _lock:
        if _cache.get("version") != version or _cache.get("engine") != id(db.engine):
            areas = db.session.execute(db.select(Area)).scalars().all()
            _cache.update(version=version, index=AreaIndex(areas), engine=id(db.engine))
        _cache["checked"] = now
        return _cache["index"]


def invalidate() -> None:
    """Forget the cached index (after an admin edits areas, and between tests)."""
    with _lock:
        _cache.clear()
