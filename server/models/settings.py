"""Values the platform learns or keeps as a whole (e.g. the keyword IDF table)."""
from server.extensions import db
from server.models.types import UTCDateTime, utcnow


class Setting(db.Model):
    """One named JSON value."""

    __tablename__ = "settings"
    key = db.Column(db.String(64), primary_key=True)
    value = db.Column(db.JSON, nullable=False)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)


def get_setting(key: str, default=None):
    """A setting's value, or the default."""
    row = db.session.get(Setting, key)
    return row.value if row is not None else default


def put_setting(key: str, value) -> None:
    """Store a setting (the caller commits)."""
    row = db.session.get(Setting, key) or Setting(key=key)
    row.value, row.updated_at = value, utcnow()
    db.session.add(row)
