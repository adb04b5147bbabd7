"""Open311 services: one per active subcategory of the taxonomy, with its attribute questions."""
import json
from importlib import resources

from marshmallow import ValidationError

from server.extensions import db
from server.models import Category, ServiceAttribute
from server.open311.schemas import AttributeDefinitionSchema, answers_schema


def services() -> list[tuple[Category, bool]]:
    """Active subcategories (service codes like ``accident.gas_leak``), each with whether it has attributes."""
    rows = db.session.execute(db.select(Category).where(Category.parent_id.is_not(None), Category.active.is_(True))
                              .order_by(Category.code)).scalars().all()
    with_attributes = set(db.session.execute(db.select(ServiceAttribute.category_id).distinct()).scalars())
    return [(c, c.id in with_attributes) for c in rows]


def service(code: str) -> Category | None:
    """The active subcategory behind a service code."""
    return db.session.execute(db.select(Category).where(
        Category.code == code, Category.parent_id.is_not(None), Category.active.is_(True))).scalar_one_or_none()


def attributes(category: Category) -> list[ServiceAttribute]:
    """A service's attributes in their order."""
    return list(db.session.execute(db.select(ServiceAttribute).where(ServiceAttribute.category_id == category.id)
                                   .order_by(ServiceAttribute.order, ServiceAttribute.id)).scalars())


def present_service(category: Category, has_metadata: bool) -> dict:
    """A service as GET services lists it (Chinese name first; English in the description)."""
    return {"service_code": category.code, "service_name": category.name,
            "description": category.name_en or category.name, "metadata": has_metadata, "type": "realtime",
            "keywords": ", ".join((category.keywords or [])[:10]),
            "group": category.parent.name if category.parent else None}


def present_definition(category: Category) -> dict:
    """GET services/{code}: the attributes with their datatypes and values."""
    return {"service_code": category.code, "attributes": [{
        "variable": a.variable, "code": a.code, "datatype": a.datatype, "required": a.required,
        "datatype_description": a.datatype_description, "order": a.order, "description": a.description,
        "values": [{"key": v["key"], "name": v["name"]} for v in a.values or []],
    } for a in attributes(category)]}


def set_attributes(category: Category, definitions: list[dict]) -> list[ServiceAttribute]:
    """Replace a service's attributes (validated with the definition schema; raises ValidationError). Commits."""
    loaded = AttributeDefinitionSchema(many=True).load(definitions)
    codes = [d["code"] for d in loaded]
    if len(codes) != len(set(codes)):
        raise ValidationError({"code": ["Each attribute code once per service."]})
    db.session.execute(db.delete(ServiceAttribute).where(ServiceAttribute.category_id == category.id))
    rows = []
    for position, item in enumerate(loaded, start=1):
        item["order"] = item["order"] or position
        rows.append(ServiceAttribute(category_id=category.id, **item))
    db.session.add_all(rows)
    db.session.commit()
    return rows


def load_default_attributes(overwrite: bool = False) -> int:
    """The shipped attribute questions (``attributes.json``) for the services that have none yet; returns how many
    services were given attributes. Commits."""
    shipped = json.loads(resources.files(__package__).joinpath("attributes.json").read_text(encoding="utf-8"))
    done = 0
    for code, definitions in shipped.items():
        category = service(code)
        if category is None or (attributes(category) and not overwrite):
            continue
        set_attributes(category, definitions)
        done += 1
    return done


def check_answers(category: Category, raw: dict[str, list[str]]) -> tuple[dict, list[ServiceAttribute]]:
    """Validate ``attribute[code]`` answers against the service's definitions; raises ValidationError."""
    definitions = attributes(category)
    kinds = {d.code: d.datatype for d in definitions}
    data = {code: (values if kinds.get(code) == "multivaluelist" else values[-1]) for code, values in raw.items()}
    answers = answers_schema(definitions).load(data)
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in answers.items()}, definitions


def describe_answers(answers: dict, definitions: list[ServiceAttribute]) -> str:
    """The answers as a line of text for the report (names of list values rather than keys)."""
    parts = []
    for d in definitions:
        if d.code not in answers:
            continue
        names = {v["key"]: v["name"] for v in d.values or []}
        value = answers[d.code]
        shown = "、".join(names.get(v, v) for v in value) if isinstance(value, list) else names.get(value, value)
        parts.append(f"{d.description}：{shown}")
    return "；".join(parts)
