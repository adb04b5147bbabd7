"""Demo patrol data: the shipped checklists and one patrol place per landmark of every grid."""
import json
from pathlib import Path

from server.extensions import db
from server.models import Area, AreaLevel
from server.models.patrols import ChecklistTemplate, PatrolPlace

CHECKLISTS = Path(__file__).with_name("checklists.json")


def seed_checklists() -> dict[str, ChecklistTemplate]:
    """Upsert the shipped checklist templates by place type."""
    existing = {t.place_type: t for t in db.session.execute(db.select(ChecklistTemplate)).scalars()}
    for item in json.loads(CHECKLISTS.read_text(encoding="utf-8")):
        row = existing.get(item["place_type"]) or ChecklistTemplate(place_type=item["place_type"])
        row.name, row.name_en, row.items = item["name"], item["name_en"], item["items"]
        existing[row.place_type] = row
        db.session.add(row)
    db.session.flush()
    return existing


def seed_patrols() -> None:
    """Checklists, and the landmarks of every grid as its patrol places (upserted by grid and name)."""
    templates = seed_checklists()
    grids = db.session.execute(db.select(Area).where(Area.level == AreaLevel.GRID.value)).scalars()
    places = {(p.grid_id, p.name): p for p in db.session.execute(db.select(PatrolPlace)).scalars()}
    for grid in grids:
        for landmark in grid.landmarks or []:
            if landmark.get("kind") not in templates:
                continue
            place = places.get((grid.id, landmark["name"])) or PatrolPlace(grid_id=grid.id, name=landmark["name"])
            place.place_type, place.lat, place.lon = landmark["kind"], landmark.get("lat"), landmark.get("lon")
            place.address = f"{grid.name} {landmark['name']}"
            db.session.add(place)
    db.session.commit()
