"""One category filter: a subcategory code selects itself, a risk class its subcategories, nothing else matches."""
from server.demo.seed import seed_reference
from server.extensions import db
from server.models import Category
from server.taxonomy.filters import category_codes, category_ids


def _codes(app, code: str) -> tuple[set, set]:
    """The codes selected by id and by code."""
    with app.app_context():
        by_id = set(db.session.execute(db.select(Category.code).where(Category.id.in_(category_ids(code)))).scalars())
        return by_id, set(db.session.execute(category_codes(code)).scalars())


def test_a_class_selects_its_subcategories_and_a_subcategory_itself(app):
    with app.app_context():
        seed_reference()
        db.session.commit()
        subs = set(db.session.execute(db.select(Category.code).where(Category.code.startswith("accident."))).scalars())
    assert len(subs) > 3
    by_id, by_code = _codes(app, "accident")
    assert by_id == by_code == subs | {"accident"}
    assert _codes(app, "accident.gas_leak") == ({"accident.gas_leak"}, {"accident.gas_leak"})
    for text in ("accident.gas", "acc", "", "accident."):
        assert _codes(app, text) == (set(), set()), text
