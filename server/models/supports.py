"""我也遇到了: a person's support for an open report near them, instead of a duplicate report."""
from server.extensions import db
from server.models.types import UTCDateTime, utcnow


class ReportSupport(db.Model):
    """One person's support for one report (one per person and report; the phone's UUID makes a re-send the same)."""

    __tablename__ = "report_supports"
    __table_args__ = (db.UniqueConstraint("report_id", "user_id", name="uq_report_supports_report_id_user_id"),
                      db.UniqueConstraint("user_id", "client_uuid", name="uq_report_supports_user_id_client_uuid"))
    id = db.Column(db.Integer, primary_key=True)
    report_id = db.Column(db.Integer, db.ForeignKey("reports.id", ondelete="CASCADE"), nullable=False, index=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    client_uuid = db.Column(db.String(36), nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
