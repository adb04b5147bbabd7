"""The category taxonomy, for the phone's category picker."""
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from server.extensions import db
from server.models import Category

blp = Blueprint("categories", __name__, description="Hazard categories")


class CategorySchema(Schema):
    """A risk class or subcategory."""

    code = fields.String()
    name = fields.String()
    name_en = fields.String(allow_none=True)
    parent = fields.String(allow_none=True)
    default_severity = fields.Integer()


@blp.route("", methods=["GET"])
@blp.response(200, CategorySchema(many=True))
def list_categories():
    """The four risk classes and their subcategories (public)."""
    rows = db.session.execute(db.select(Category).where(Category.active.is_(True)).order_by(Category.code)).scalars()
    return [{"code": c.code, "name": c.name, "name_en": c.name_en, "parent": c.parent.code if c.parent else None,
             "default_severity": c.default_severity} for c in rows]
