"""Filtering by category, with one meaning everywhere (the reports API, the exports, the admin city map).

A subcategory code (``accident.gas_leak``) selects that subcategory; a risk class code (``accident``) selects the class
and every subcategory whose parent it is in the categories table; any other text selects nothing (no prefix matching).
"""
from server.extensions import db
from server.models import Category


def _selected(code: str):
    """The categories ``code`` selects: the category itself and, for a risk class, its subcategories."""
    parent = db.select(Category.id).where(Category.code == code).scalar_subquery()
    return db.or_(Category.code == code, Category.parent_id == parent)


def category_ids(code: str):
    """The ids of the categories ``code`` selects (for a ``category_id`` column)."""
    return db.select(Category.id).where(_selected(code))


def category_codes(code: str):
    """The codes of the categories ``code`` selects (for a column holding a code, such as a hotspot's category)."""
    return db.select(Category.code).where(_selected(code))
