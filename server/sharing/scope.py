"""What a request covers: its category and area codes checked and turned into the ids rows are filtered by, and
whether a grant stays within what was asked (narrowing never widens)."""
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from server.errors import Invalid
from server.extensions import db
from server.models import Area, AreaLevel, Category, DataShareRequest


@dataclass(frozen=True)
class Scope:
    """Exactly the data an approved request may serve."""

    kind: str
    category_ids: frozenset[int]
    grid_ids: frozenset[int]
    since: datetime
    until: datetime
    personal: bool


def _categories() -> dict[str, Category]:
    return {c.code: c for c in db.session.execute(db.select(Category)).scalars()}


def _areas() -> dict[str, Area]:
    return {a.code: a for a in db.session.execute(db.select(Area)).scalars()}


def check_codes(categories: list[str], areas: list[str]) -> None:
    """Every code names a category or an area, else a 422 naming the unknown ones."""
    errors = {}
    unknown = sorted(set(categories) - set(_categories()))
    if unknown:
        errors["categories"] = [f"No such categories: {', '.join(unknown)}"]
    unknown = sorted(set(areas) - set(_areas()))
    if unknown:
        errors["areas"] = [f"No such areas: {', '.join(unknown)}"]
    if errors:
        raise Invalid("Unknown category or area codes.", errors, code="unknown_codes")


def category_ids(codes: list[str]) -> frozenset[int]:
    """The categories the codes select: each category, and for a risk class its subcategories."""
    found = _categories()
    chosen = {found[c].id for c in codes if c in found}
    return frozenset(chosen | {c.id for c in found.values() if c.parent_id in chosen})


def grid_ids(codes: list[str]) -> frozenset[int]:
    """The grids within the areas (a district, street, community or grid)."""
    areas = list(db.session.execute(db.select(Area.id, Area.code, Area.level, Area.parent_id)).all())
    children = defaultdict(list)
    for area in areas:
        children[area.parent_id].append(area)
    level = {a.id: a.level for a in areas}
    todo = [a.id for a in areas if a.code in set(codes)]
    grids = set()
    while todo:
        current = todo.pop()
        if level[current] == AreaLevel.GRID.value:
            grids.add(current)
        todo.extend(child.id for child in children[current])
    return frozenset(grids)


def _covered_categories(granted: list[str], asked: list[str]) -> bool:
    """Each granted category is one asked for, or a subcategory of an asked class."""
    found = _categories()
    by_id = {c.id: c for c in found.values()}
    for code in granted:
        parent = by_id.get(found[code].parent_id) if code in found else None
        if code not in asked and (parent is None or parent.code not in asked):
            return False
    return True


def _covered_areas(granted: list[str], asked: list[str]) -> bool:
    """Each granted area is one asked for or lies within one."""
    found = _areas()
    for code in granted:
        area = found.get(code)
        while area is not None and area.code not in asked:
            area = area.parent
        if area is None:
            return False
    return True


def check_narrowing(request: DataShareRequest, grant: dict) -> list[str]:
    """What a grant narrows (field names), or a 422 where it would widen the request."""
    errors, narrowed = {}, []
    if not _covered_categories(grant["categories"], request.categories):
        errors["categories"] = ["Only the categories asked for, or their subcategories."]
    if not _covered_areas(grant["areas"], request.areas):
        errors["areas"] = ["Only the areas asked for, or areas within them."]
    if grant["period_from"] < request.period_from or grant["period_to"] > request.period_to:
        errors["period_from"] = ["The period must lie within the one asked for."]
    if grant["personal_data"] and not request.personal_data:
        errors["personal_data"] = ["The request did not ask for personal data."]
    if grant["use_until"] > request.use_until:
        errors["use_until"] = ["The period of use cannot be longer than asked."]
    if errors:
        raise Invalid("A grant can only narrow the request.", errors, code="grant_wider_than_request")
    for field, asked, given in (("categories", sorted(request.categories), sorted(grant["categories"])),
                                ("areas", sorted(request.areas), sorted(grant["areas"])),
                                ("period_from", request.period_from, grant["period_from"]),
                                ("period_to", request.period_to, grant["period_to"]),
                                ("personal_data", request.personal_data, grant["personal_data"]),
                                ("use_until", request.use_until, grant["use_until"])):
        if asked != given:
            narrowed.append(field)
    return narrowed


def scope_of(request: DataShareRequest) -> Scope:
    """The approved scope of a request (its grant)."""
    return Scope(kind=request.kind, category_ids=category_ids(request.granted_categories or []),
                 grid_ids=grid_ids(request.granted_areas or []), since=request.granted_from,
                 until=request.granted_to, personal=bool(request.granted_personal))
