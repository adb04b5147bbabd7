"""Per-process caches of tables (areas, taxonomy, keyword IDF) see changes made by other processes."""
import json

import sqlalchemy as sa

from admin.geojson_areas import import_areas, parse
from server.demo.seed import seed_reference
from server.extensions import db
from server.hotspots import keyword_idf
from server.models import Area, Category, put_setting
from server.pipeline import places
from server.taxonomy import source as taxonomy_source


def _square(lon: float, lat: float, side: float = 0.01) -> dict:
    """A square polygon with its south-west corner at (lon, lat)."""
    return {"type": "Polygon", "coordinates": [[[lon, lat], [lon + side, lat], [lon + side, lat + side],
                                                [lon, lat + side], [lon, lat]]]}


def _areas_file(grid_lon: float) -> bytes:
    """One district and its one grid, the grid's square starting at grid_lon."""
    features = [{"type": "Feature", "geometry": _square(112.90, 28.20, 0.2),
                 "properties": {"code": "D01", "name": "西岭区", "level": "district"}},
                {"type": "Feature", "geometry": _square(grid_lon, 28.21),
                 "properties": {"code": "D01-G01", "name": "一网格", "level": "grid", "parent": "D01"}}]
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def test_reimporting_areas_with_the_same_count_changes_the_version(app, monkeypatch):
    monkeypatch.setattr(places._index, "recheck_seconds", 0)  # ask for the version on every use
    with app.app_context():
        import_areas(parse(_areas_file(112.91)))
        db.session.commit()
        grid = db.session.execute(db.select(Area.id).where(Area.code == "D01-G01")).scalar_one()
        first = places._area_version()
        assert places.area_index().grid_at(28.215, 112.915) == grid

        import_areas(parse(_areas_file(113.05)))  # the same two areas, the grid moved: same count, same ids
        db.session.commit()
        assert places._area_version() != first
        # A worker that did not make the change (nothing invalidated here) finds the grid where it is now.
        assert places.area_index().grid_at(28.215, 112.915) is None
        assert places.area_index().grid_at(28.215, 113.055) == grid


def test_an_edit_of_one_area_changes_the_version_and_reading_does_not(app):
    with app.app_context():
        import_areas(parse(_areas_file(112.91)))
        db.session.commit()
        version = places._area_version()
        db.session.execute(db.select(Area)).scalars().all()
        db.session.commit()
        assert places._area_version() == version
        area = db.session.execute(db.select(Area).where(Area.code == "D01-G01")).scalar_one()
        area.aliases = ["老网格"]
        db.session.commit()
        assert places._area_version() != version


def test_a_category_edited_elsewhere_reaches_the_taxonomy_without_waiting(app, monkeypatch):
    monkeypatch.setattr(taxonomy_source._taxonomy, "recheck_seconds", 0)
    with app.app_context():
        seed_reference()
        db.session.commit()
        assert taxonomy_source.current_taxonomy().subcategory("accident.gas_leak").name_zh == "燃气泄漏"
        gas = db.session.execute(db.select(Category).where(Category.code == "accident.gas_leak")).scalar_one()
        gas.name = "燃气泄漏（改）"
        db.session.commit()  # as another process would: nothing invalidated here
        assert taxonomy_source.current_taxonomy().subcategory("accident.gas_leak").name_zh == "燃气泄漏（改）"
        db.session.execute(sa.update(Category).where(Category.code == "accident.gas_leak").values(name="燃气"))
        db.session.commit()
        assert taxonomy_source.current_taxonomy().subcategory("accident.gas_leak").name_zh == "燃气"


def test_a_refitted_idf_table_reaches_every_process(app, monkeypatch):
    monkeypatch.setattr(keyword_idf._table, "recheck_seconds", 0)
    with app.app_context():
        assert keyword_idf.current_idf() is None
        put_setting(keyword_idf.KEY, {"n_docs": 60, "idf": {"燃气": 1.5}})
        db.session.commit()
        table = keyword_idf.current_idf()
        assert table is not None and keyword_idf.current_idf() is table


def test_edits_in_this_process_reach_its_caches_at_once_without_an_invalidate(app):
    """Areas and taxonomy written through this process's session: its cached index and taxonomy are forgotten at
    once (versions.on_change), long before the next recheck of the version token."""
    assert places._index.recheck_seconds >= 5 and taxonomy_source._taxonomy.recheck_seconds >= 5
    with app.app_context():
        seed_reference()
        import_areas(parse(_areas_file(112.91)))
        db.session.commit()
        assert places.area_index().grid_at(28.215, 113.055) is None
        assert taxonomy_source.current_taxonomy().subcategory("accident.gas_leak").name_zh == "燃气泄漏"

        import_areas(parse(_areas_file(113.05)))  # the grid moves east
        db.session.commit()
        grid = db.session.execute(db.select(Area.id).where(Area.code == "D01-G01")).scalar_one()
        assert places.area_index().grid_at(28.215, 113.055) == grid
        gas = db.session.execute(db.select(Category).where(Category.code == "accident.gas_leak")).scalar_one()
        gas.name = "燃气泄漏（改）"
        db.session.commit()
        assert taxonomy_source.current_taxonomy().subcategory("accident.gas_leak").name_zh == "燃气泄漏（改）"
