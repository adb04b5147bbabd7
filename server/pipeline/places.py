"""The city's areas as the pipeline needs them: point-in-grid and place names in text."""
from shapely.geometry import Point, shape
from shapely.prepared import prep

from nlp.places import PlaceResolver
from nlp.segment import Segmenter

from server.extensions import db
from server.models import Area, AreaLevel
from server.models.versions import AREAS, on_change, versions
from server.table_cache import TableCache


class AreaIndex:
    """Grid polygons for coordinates, and a resolver and segmenter that know the place names."""

    def __init__(self, areas: list[Area]):
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


def _area_version() -> tuple:
    """A token that changes with every change to the areas (``server.models.versions``)."""
    return versions(AREAS)


# Admins edit areas rarely: workers ask whether the table changed every few seconds.
_index: TableCache[AreaIndex] = TableCache(
    _area_version, lambda: AreaIndex(db.session.execute(db.select(Area)).scalars().all()))


def area_index() -> AreaIndex:
    """The index for the current area table, rebuilt when the table changes (checked every few seconds)."""
    return _index.get()


def invalidate() -> None:
    """Forget the cached index (between tests; an edit of the areas in this process calls it, see on_change)."""
    _index.invalidate()


on_change(AREAS, invalidate)  # areas written in this process: the next lookup reads them again
