"""Public-opinion hotspots: clusters of reports about one hazard."""
from server.extensions import db
from server.models.types import UTCDateTime, utcnow


class Hotspot(db.Model):
    """A cluster of related reports that the machine suggests and a supervisor reviews."""

    __tablename__ = "hotspots"
    id = db.Column(db.Integer, primary_key=True)
    # Kept across re-clusterings (matched by member overlap), so that reviews stay attached.
    key = db.Column(db.String(32), unique=True)
    label = db.Column(db.String(120), nullable=False)
    keywords = db.Column(db.JSON, nullable=False, default=list)
    status = db.Column(db.String(16), nullable=False, default="suggested", index=True)
    size = db.Column(db.Integer, nullable=False, default=0)
    # Distinct people among its members, counted as reports are assigned (HotspotReporter), rebuilt by re-clustering.
    reporters = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    centroid_lat = db.Column(db.Float)
    centroid_lon = db.Column(db.Float)
    min_lat = db.Column(db.Float)
    min_lon = db.Column(db.Float)
    max_lat = db.Column(db.Float)
    max_lon = db.Column(db.Float)
    representative_report_id = db.Column(db.Integer, db.ForeignKey("reports.id", use_alter=True))
    growth = db.Column(db.Float)
    heat = db.Column(db.Float, nullable=False, default=0.0, index=True)
    grids = db.Column(db.JSON, nullable=False, default=list)
    dominant_category = db.Column(db.String(64))
    highest_severity = db.Column(db.Integer)
    first_seen = db.Column(UTCDateTime)
    last_seen = db.Column(UTCDateTime)
    case_id = db.Column(db.Integer, db.ForeignKey("cases.id", use_alter=True))
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow, index=True)


class HotspotReporter(db.Model):
    """A person among a hotspot's members (as CaseReporter is for a case): the hotspot's count never re-reads them."""

    __tablename__ = "hotspot_reporters"
    __table_args__ = (
        db.UniqueConstraint("hotspot_id", "reporter_id", name="uq_hotspot_reporters_hotspot_id_reporter_id"),)
    id = db.Column(db.Integer, primary_key=True)
    hotspot_id = db.Column(db.Integer, db.ForeignKey("hotspots.id", ondelete="CASCADE"), nullable=False)
    reporter_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    report_id = db.Column(db.Integer, db.ForeignKey("reports.id", ondelete="CASCADE"), nullable=False, index=True)
