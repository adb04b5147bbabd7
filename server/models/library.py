"""The case library (案例库): each closed case's stored text vector, model-case marks, reply templates."""
from server.extensions import db
from server.models.types import UTCDateTime, utcnow


class CaseLibraryEntry(db.Model):
    """A closed case in the library: its text vector (nlp.similar) and, when a supervisor marks it, 典型案例."""

    __tablename__ = "case_library"
    case_id = db.Column(db.Integer, db.ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    vector = db.Column(db.LargeBinary)  # nlp.similar.encode(): version byte, uint32 features, float16 weights
    model = db.Column(db.Boolean, nullable=False, default=False, server_default=db.false(), index=True)
    summary = db.Column(db.Text)  # the supervisor's summary of a model case
    marked_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    marked_at = db.Column(UTCDateTime)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    case = db.relationship("Case", lazy="joined")
    marked_by = db.relationship("User")


class ReplyTemplate(db.Model):
    """A category's reply template for feedback (处置反馈), edited by admins; shipped defaults apply without one."""

    __tablename__ = "reply_templates"
    id = db.Column(db.Integer, primary_key=True)
    category_id = db.Column(db.Integer, db.ForeignKey("categories.id", ondelete="CASCADE"), unique=True,
                            nullable=False)
    measures = db.Column(db.Text, nullable=False, default="")
    result = db.Column(db.Text, nullable=False, default="")
    public_reply = db.Column(db.Text, nullable=False, default="")
    updated_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    category = db.relationship("Category")
