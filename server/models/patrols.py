"""Grid patrols (网格巡查): checklists per place type, places in a grid, daily tasks and their item results."""
import enum

from server.extensions import db
from server.models.types import UTCDateTime, utcnow


class TaskStatus(str, enum.Enum):
    """How far a grid worker has got with one place on one day."""

    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    DONE = "done"


class ItemResult(str, enum.Enum):
    """One checklist item on site: fine, or a hazard (which becomes a report)."""

    OK = "ok"
    HAZARD = "hazard"


class ChecklistTemplate(db.Model):
    """What to check at one kind of place; items are ``[{code, text, text_en, category}]``."""

    __tablename__ = "checklist_templates"
    id = db.Column(db.Integer, primary_key=True)
    place_type = db.Column(db.String(40), unique=True, nullable=False)
    name = db.Column(db.String(80), nullable=False)
    name_en = db.Column(db.String(120))
    items = db.Column(db.JSON, nullable=False, default=list)
    active = db.Column(db.Boolean, nullable=False, default=True, server_default=db.true())
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)


class PatrolPlace(db.Model):
    """A place in a grid that its grid worker patrols (a compound, a market, a school...)."""

    __tablename__ = "patrol_places"
    __table_args__ = (db.UniqueConstraint("grid_id", "name"),)
    id = db.Column(db.Integer, primary_key=True)
    grid_id = db.Column(db.Integer, db.ForeignKey("areas.id"), nullable=False, index=True)
    name = db.Column(db.String(80), nullable=False)
    place_type = db.Column(db.String(40), nullable=False)
    lat = db.Column(db.Float)
    lon = db.Column(db.Float)
    address = db.Column(db.String(255))
    active = db.Column(db.Boolean, nullable=False, default=True, server_default=db.true())

    grid = db.relationship("Area", lazy="joined")


class PatrolTask(db.Model):
    """One place to patrol on one day by one grid worker, with a snapshot of its checklist."""

    __tablename__ = "patrol_tasks"
    __table_args__ = (db.UniqueConstraint("worker_id", "place_id", "due_date"),)
    id = db.Column(db.Integer, primary_key=True)
    worker_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False, index=True)
    grid_id = db.Column(db.Integer, db.ForeignKey("areas.id"), nullable=False, index=True)
    place_id = db.Column(db.Integer, db.ForeignKey("patrol_places.id"), nullable=False, index=True)
    due_date = db.Column(db.Date, nullable=False, index=True)
    items = db.Column(db.JSON, nullable=False, default=list)  # the template's items when the task was made
    status = db.Column(db.String(16), nullable=False, default=TaskStatus.PENDING.value)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    completed_at = db.Column(UTCDateTime)

    place = db.relationship("PatrolPlace", lazy="joined")
    results = db.relationship("PatrolItemResult", order_by="PatrolItemResult.id", lazy="selectin",
                              cascade="all, delete-orphan", back_populates="task")


class PatrolItemResult(db.Model):
    """The answer to one checklist item; a hazard links to the report the phone made for it."""

    __tablename__ = "patrol_item_results"
    __table_args__ = (db.UniqueConstraint("task_id", "item_code"),)
    id = db.Column(db.Integer, primary_key=True)
    task_id = db.Column(db.Integer, db.ForeignKey("patrol_tasks.id", ondelete="CASCADE"), nullable=False, index=True)
    item_code = db.Column(db.String(40), nullable=False)
    result = db.Column(db.String(8), nullable=False)
    note = db.Column(db.Text)
    # The phone sends the report's client_uuid; the report may arrive before or after the result.
    report_client_uuid = db.Column(db.String(36), index=True)
    report_id = db.Column(db.Integer, db.ForeignKey("reports.id"), index=True)
    checked_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    recorded_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    task = db.relationship("PatrolTask", back_populates="results")
