"""Emergency plans (数字应急预案): the plans admins keep, and their activations with one task per department."""
from server.extensions import db
from server.models.types import UTCDateTime, utcnow


class EmergencyPlan(db.Model):
    """A plan for a category at a response level: what each department does (admin-edited; shipped defaults)."""

    __tablename__ = "emergency_plans"
    __table_args__ = (db.UniqueConstraint("category_code", "level"),)
    id = db.Column(db.Integer, primary_key=True)
    category_code = db.Column(db.String(64), nullable=False, index=True)
    level = db.Column(db.Integer, nullable=False)  # 1 = I 特别重大 ... 4 = IV 一般
    name = db.Column(db.String(120), nullable=False)
    departments = db.Column(db.JSON, nullable=False, default=list)  # [{department, role, tasks: [str]}]
    active = db.Column(db.Boolean, nullable=False, default=True, server_default=db.true())
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)
    updated_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))


class PlanActivation(db.Model):
    """A plan activated on a case (a snapshot of the plan as it was then)."""

    __tablename__ = "plan_activations"
    id = db.Column(db.Integer, primary_key=True)
    case_id = db.Column(db.Integer, db.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True)
    category_code = db.Column(db.String(64), nullable=False)
    level = db.Column(db.Integer, nullable=False)
    name = db.Column(db.String(120), nullable=False)
    activated_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    activated_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    completed_at = db.Column(UTCDateTime)

    tasks = db.relationship("PlanTask", order_by="PlanTask.id", lazy="selectin", cascade="all, delete-orphan",
                            back_populates="activation")


class PlanTask(db.Model):
    """One department's task under an activated plan: its duties, done once with a note."""

    __tablename__ = "plan_tasks"
    __table_args__ = (db.UniqueConstraint("activation_id", "department_id"),)
    id = db.Column(db.Integer, primary_key=True)
    activation_id = db.Column(db.Integer, db.ForeignKey("plan_activations.id", ondelete="CASCADE"), nullable=False,
                              index=True)
    case_id = db.Column(db.Integer, db.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True)
    department_id = db.Column(db.Integer, db.ForeignKey("departments.id"), nullable=False, index=True)
    role = db.Column(db.String(8), nullable=False)  # lead | assist
    duties = db.Column(db.JSON, nullable=False, default=list)
    done_at = db.Column(UTCDateTime)
    done_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    note = db.Column(db.Text)

    activation = db.relationship("PlanActivation", back_populates="tasks")
    department = db.relationship("Department", lazy="joined")
