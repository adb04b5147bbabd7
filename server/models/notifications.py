"""Notices sent outside the platform (SMS, official-account messages) and the deadline warnings already given."""
from server.extensions import db
from server.models.types import UTCDateTime, utcnow


class NotificationDelivery(db.Model):
    """One in-app notice sent through the outbound channel: one row per notice (never two), with its status."""

    __tablename__ = "notification_deliveries"
    id = db.Column(db.Integer, primary_key=True)
    notification_id = db.Column(db.Integer, db.ForeignKey("notifications.id", ondelete="CASCADE"), nullable=False,
                                unique=True)
    channel = db.Column(db.String(16), nullable=False)  # log | ... (NOTIFY_CHANNEL when it was made)
    # pending, failing (a retry is due), sent, failed (attempts used up), no_address (nobody to send it to)
    status = db.Column(db.String(16), nullable=False, default="pending", index=True)
    attempts = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    recipient = db.Column(db.String(64))  # masked: a phone as 138****5678, else the masked login
    last_error = db.Column(db.Text)
    next_attempt_at = db.Column(UTCDateTime)
    sent_at = db.Column(UTCDateTime)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow, index=True)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    notification = db.relationship("Notification", lazy="joined")


class DeadlineWarning(db.Model):
    """A case's deadline (sign or resolve) whose nearing was told: the primary key keeps it to once."""

    __tablename__ = "deadline_warnings"
    case_id = db.Column(db.Integer, db.ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    kind = db.Column(db.String(16), primary_key=True)  # sign | resolve
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
