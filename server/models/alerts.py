"""Early-warning alerts (预警) raised by the detector for supervisors."""
from server.extensions import db
from server.models.types import UTCDateTime, utcnow


class Alert(db.Model):
    """One alert: a grid × category count far above its baseline, or a hotspot growing faster than its history."""

    __tablename__ = "alerts"
    # A replay of the same reports raises the same alert on the same trigger report: stored once.
    __table_args__ = (db.UniqueConstraint("kind", "trigger_report_id", name="uq_alerts_kind_trigger_report_id"),
                      db.Index("ix_alerts_key_raised_at", "key", "raised_at"))
    id = db.Column(db.Integer, primary_key=True)
    kind = db.Column(db.String(16), nullable=False)  # "area" or "hotspot"
    key = db.Column(db.String(120), nullable=False)  # what one episode is about: area × category, or the hotspot
    area_code = db.Column(db.String(40))  # a grid's code, or an H3 cell for a report with coordinates only
    grid_id = db.Column(db.Integer, db.ForeignKey("areas.id", ondelete="SET NULL"), index=True)
    category_id = db.Column(db.Integer, db.ForeignKey("categories.id", ondelete="SET NULL"))
    hotspot_id = db.Column(db.Integer, db.ForeignKey("hotspots.id", ondelete="SET NULL"), index=True)
    trigger_report_id = db.Column(db.Integer, db.ForeignKey("reports.id", ondelete="CASCADE"), nullable=False)
    raised_at = db.Column(UTCDateTime, nullable=False, index=True)  # the trigger report's time
    score = db.Column(db.Float, nullable=False)  # -log10 of the probability of a count at least this high
    count = db.Column(db.Integer, nullable=False)
    expected = db.Column(db.Float, nullable=False)
    window_hours = db.Column(db.Float, nullable=False)
    report_ids = db.Column(db.JSON, nullable=False, default=list)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    grid = db.relationship("Area", foreign_keys=[grid_id])
    category = db.relationship("Category", foreign_keys=[category_id])
    hotspot = db.relationship("Hotspot", foreign_keys=[hotspot_id])
