"""What people do in the admin web: hotspot reviews, transcript corrections and an audit log of every change."""
from server.extensions import db
from server.models.types import UTCDateTime, utcnow


class HotspotReview(db.Model):
    """One supervisor decision on a hotspot: confirm, link, dismiss, merge, move out, relabel."""

    __tablename__ = "hotspot_reviews"
    id = db.Column(db.Integer, primary_key=True)
    # Kept when a re-clustering drops the hotspot (its key and label say what was reviewed).
    hotspot_id = db.Column(db.Integer, db.ForeignKey("hotspots.id", ondelete="SET NULL"), index=True)
    hotspot_key = db.Column(db.String(32))
    hotspot_label = db.Column(db.String(120))
    action = db.Column(db.String(16), nullable=False)
    reviewer_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    note = db.Column(db.Text)
    data = db.Column(db.JSON, nullable=False, default=dict)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow, index=True)

    reviewer = db.relationship("User", lazy="joined")


class TranscriptCorrection(db.Model):
    """A person's correction of a transcript; the transcript keeps Whisper's original text."""

    __tablename__ = "transcript_corrections"
    id = db.Column(db.Integer, primary_key=True)
    transcript_id = db.Column(db.Integer, db.ForeignKey("transcripts.id", ondelete="CASCADE"), nullable=False,
                              index=True)
    previous_text = db.Column(db.Text, nullable=False, default="")
    corrected_text = db.Column(db.Text, nullable=False)
    corrected_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    corrected_by = db.relationship("User", lazy="joined")


class AdminAuditLog(db.Model):
    """One change made through the admin web (sign-ins, reviews, actions, settings), with who and when."""

    __tablename__ = "admin_audit_log"
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    action = db.Column(db.String(48), nullable=False, index=True)
    target = db.Column(db.String(64))
    data = db.Column(db.JSON, nullable=False, default=dict)
    ip = db.Column(db.String(45))
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow, index=True)

    user = db.relationship("User", lazy="joined")
