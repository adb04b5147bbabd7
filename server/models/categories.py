"""The category taxonomy: four risk classes and their subcategories."""
from server.extensions import db
from server.models.versions import TAXONOMY, versioned


@versioned(TAXONOMY)
class Category(db.Model):
    """A risk class (parent empty) or a subcategory (code like ``accident.gas_leak``)."""

    __tablename__ = "categories"
    id = db.Column(db.Integer, primary_key=True)
    code = db.Column(db.String(64), unique=True, nullable=False)
    parent_id = db.Column(db.Integer, db.ForeignKey("categories.id"))
    name = db.Column(db.String(80), nullable=False)
    name_en = db.Column(db.String(120))
    keywords = db.Column(db.JSON, nullable=False, default=list)
    examples = db.Column(db.JSON, nullable=False, default=list)
    default_severity = db.Column(db.Integer, nullable=False, default=4)
    lead_department_id = db.Column(db.Integer, db.ForeignKey("departments.id"))
    assist_department_codes = db.Column(db.JSON, nullable=False, default=list)
    active = db.Column(db.Boolean, nullable=False, default=True)

    parent = db.relationship("Category", remote_side=[id])
    lead_department = db.relationship("Department")
