"""Departments that handle cases."""
import enum

from server.extensions import db
from server.models.versions import TAXONOMY, versioned


class DepartmentType(str, enum.Enum):
    """How a department takes part in handling."""

    EMERGENCY_RESPONSE = "emergency_response"
    OPERATIONAL_SUPPORT = "operational_support"
    COORDINATION = "coordination"


@versioned(TAXONOMY)
class Department(db.Model):
    """A government department or utility that can lead or assist a case."""

    __tablename__ = "departments"
    id = db.Column(db.Integer, primary_key=True)
    code = db.Column(db.String(32), unique=True, nullable=False)
    name = db.Column(db.String(80), nullable=False)
    name_en = db.Column(db.String(120))
    type = db.Column(db.String(32), nullable=False)
    phone = db.Column(db.String(32))
    active = db.Column(db.Boolean, nullable=False, default=True)
