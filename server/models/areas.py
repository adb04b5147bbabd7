"""The area hierarchy: district → street → community → grid."""
import enum

from server.extensions import db
from server.models.versions import AREAS, versioned


class AreaLevel(str, enum.Enum):
    """区, 街道, 社区, 网格."""

    DISTRICT = "district"
    STREET = "street"
    COMMUNITY = "community"
    GRID = "grid"


@versioned(AREAS)
class Area(db.Model):
    """One area with its GeoJSON polygon and bounding box."""

    __tablename__ = "areas"
    id = db.Column(db.Integer, primary_key=True)
    code = db.Column(db.String(40), unique=True, nullable=False)
    name = db.Column(db.String(80), nullable=False)
    name_en = db.Column(db.String(120))
    level = db.Column(db.String(20), nullable=False, index=True)
    parent_id = db.Column(db.Integer, db.ForeignKey("areas.id"), index=True)
    polygon = db.Column(db.JSON)
    min_lat = db.Column(db.Float)
    min_lon = db.Column(db.Float)
    max_lat = db.Column(db.Float)
    max_lon = db.Column(db.Float)
    aliases = db.Column(db.JSON, nullable=False, default=list)
    landmarks = db.Column(db.JSON, nullable=False, default=list)

    parent = db.relationship("Area", remote_side=[id])

    def ancestor(self, level: AreaLevel) -> "Area | None":
        """This area or the ancestor at a given level."""
        area = self
        while area is not None and area.level != level.value:
            area = area.parent
        return area
