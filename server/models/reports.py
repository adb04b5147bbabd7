"""Hazard reports, their media, transcripts and processing history."""
import enum
import secrets

from server.extensions import db
from server.models.types import UTCDateTime, utcnow


class Stage(str, enum.Enum):
    """How far the pipeline has taken a report."""

    RECEIVED = "received"
    TRANSCRIBED = "transcribed"
    ANALYSED = "analysed"
    ROUTED = "routed"
    FAILED = "failed"


PENDING_STAGES = (Stage.RECEIVED.value, Stage.TRANSCRIBED.value, Stage.ANALYSED.value)


class Channel(str, enum.Enum):
    """Where a report came from."""

    APP = "app"
    PATROL = "patrol"
    WEB = "web"
    HOTLINE = "hotline"
    OPEN311 = "open311"


class Report(db.Model):
    """One accepted hazard report; never deleted, never duplicated (``client_uuid``, unique per reporter)."""

    __tablename__ = "reports"
    # A phone's UUID identifies a report only together with its reporter: another account re-using it is
    # another report, never a re-send of someone else's (migration 0011).
    # Near-duplicate search reads the newest reports of a few H3 cells, or of a named place, within a time window
    # (migration 0012): both go through an index on (where, when), whatever the crowd in the place.
    # A drain claims the oldest waiting reports in the order of an index on (stage, id) (migration 0021): it reads
    # the few it claims, not every waiting report's entry to sort them.
    __table_args__ = (db.UniqueConstraint("reporter_id", "client_uuid", name="uq_reports_reporter_id_client_uuid"),
                      db.Index("ix_reports_cell_created_at", "cell", "created_at"),
                      db.Index("ix_reports_place_code_created_at", "place_code", "created_at"),
                      db.Index("ix_reports_stage_id", "stage", "id"))
    id = db.Column(db.Integer, primary_key=True)
    client_uuid = db.Column(db.String(36), nullable=False)
    payload_hash = db.Column(db.String(64), nullable=False)
    # Found by the unique (reporter_id, client_uuid) index: no index of its own (migration 0021).
    reporter_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    channel = db.Column(db.String(16), nullable=False, default=Channel.APP.value)
    text = db.Column(db.Text, nullable=False, default="")
    text_masked = db.Column(db.Text)
    category_hint = db.Column(db.String(64))
    lat = db.Column(db.Float)
    lon = db.Column(db.Float)
    address = db.Column(db.String(255))
    anonymous = db.Column(db.Boolean, nullable=False, default=False)
    occurred_at = db.Column(UTCDateTime)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow, index=True)
    has_audio = db.Column(db.Boolean, nullable=False, default=False)

    stage = db.Column(db.String(16), nullable=False, default=Stage.RECEIVED.value)
    stage_reason = db.Column(db.Text)
    stage_updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    attempts = db.Column(db.Integer, nullable=False, default=0)
    last_error = db.Column(db.Text)
    flags = db.Column(db.JSON, nullable=False, default=list)

    grid_id = db.Column(db.Integer, db.ForeignKey("areas.id"), index=True)
    place_code = db.Column(db.String(40))
    tokens = db.Column(db.JSON)
    keywords = db.Column(db.JSON)
    category_id = db.Column(db.Integer, db.ForeignKey("categories.id"), index=True)
    suggestions = db.Column(db.JSON)
    severity = db.Column(db.Integer)
    severity_reasons = db.Column(db.JSON)
    case_id = db.Column(db.Integer, db.ForeignKey("cases.id", use_alter=True), index=True)
    hotspot_id = db.Column(db.Integer, db.ForeignKey("hotspots.id", use_alter=True), index=True)
    duplicate_of_id = db.Column(db.Integer, db.ForeignKey("reports.id"), index=True)
    # Set when analysed: the H3 cell of the position (nlp.hotspots.duplicates.cell_of) and what near-duplicate
    # search compares of the text (its signature), so that candidates are never read and counted again.
    cell = db.Column(db.String(16))
    signature = db.Column(db.JSON)

    reporter = db.relationship("User", foreign_keys=[reporter_id])
    grid = db.relationship("Area", foreign_keys=[grid_id])
    category = db.relationship("Category")
    # Loaded when touched; listings ask for them up front (selectinload).
    media = db.relationship("Media", back_populates="report", order_by="Media.position")
    transcripts = db.relationship("Transcript", back_populates="report")
    events = db.relationship("ReportEvent", order_by="ReportEvent.id")

    def set_stage(self, stage: Stage, reason: str | None = None) -> None:
        """Move to a stage and record it in the report's history."""
        self.stage = stage.value
        self.stage_reason = reason
        self.stage_updated_at = utcnow()
        event = ReportEvent(report_id=self.id, stage=stage.value, note=reason)
        if "events" in self.__dict__:  # keep a loaded history in step
            self.events.append(event)
        else:  # no need to load the history just to add to it
            db.session.add(event)

    def add_flag(self, flag: str) -> None:
        """Mark the report for human attention (e.g. ``transcription_unavailable``)."""
        if flag not in (self.flags or []):
            self.flags = [*(self.flags or []), flag]


class ReportEvent(db.Model):
    """One step of a report through the pipeline (receipt itself is the report's created_at)."""

    __tablename__ = "report_events"
    id = db.Column(db.Integer, primary_key=True)
    report_id = db.Column(db.Integer, db.ForeignKey("reports.id", ondelete="CASCADE"), nullable=False, index=True)
    stage = db.Column(db.String(16), nullable=False)
    note = db.Column(db.Text)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)


def _media_id() -> str:
    """An identifier nobody can guess (media URLs carry it)."""
    return secrets.token_urlsafe(18)


class Media(db.Model):
    """A stored photo or voice recording attached to a report."""

    __tablename__ = "media"
    id = db.Column(db.String(32), primary_key=True, default=_media_id)
    report_id = db.Column(db.Integer, db.ForeignKey("reports.id", ondelete="CASCADE"), nullable=False, index=True)
    kind = db.Column(db.String(8), nullable=False)  # photo | audio
    position = db.Column(db.Integer, nullable=False, default=0)
    storage_key = db.Column(db.String(80), nullable=False)
    thumb_key = db.Column(db.String(80))
    mime = db.Column(db.String(40), nullable=False)
    size = db.Column(db.Integer, nullable=False)
    sha256 = db.Column(db.String(64), nullable=False)
    width = db.Column(db.Integer)
    height = db.Column(db.Integer)
    duration = db.Column(db.Float)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    report = db.relationship("Report", back_populates="media")


class Transcript(db.Model):
    """What Whisper heard in one voice recording (the original is kept when corrected)."""

    __tablename__ = "transcripts"
    id = db.Column(db.Integer, primary_key=True)
    report_id = db.Column(db.Integer, db.ForeignKey("reports.id", ondelete="CASCADE"), nullable=False, index=True)
    # None once the recording itself was removed (retention, account deletion): the masked text stays.
    media_id = db.Column(db.String(32), db.ForeignKey("media.id", ondelete="CASCADE"), nullable=True, unique=True)
    status = db.Column(db.String(16), nullable=False)  # ok | low_confidence | unavailable
    text = db.Column(db.Text, nullable=False, default="")
    segments = db.Column(db.JSON, nullable=False, default=list)
    language = db.Column(db.String(8))
    avg_logprob = db.Column(db.Float)
    no_speech_prob = db.Column(db.Float)
    duration = db.Column(db.Float)
    model = db.Column(db.String(120))
    error = db.Column(db.Text)
    corrected_text = db.Column(db.Text)
    corrected_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    report = db.relationship("Report", back_populates="transcripts")
