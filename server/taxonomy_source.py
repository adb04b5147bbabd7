"""The taxonomy the pipeline uses: the shipped file as edited by admins in the categories table."""
import json
import threading
import time
from importlib import resources

from triage.classify import KeywordClassifier
from triage.taxonomy import Taxonomy, from_dict

from .extensions import db
from .models import Category, Department

TTL_SECONDS = 30
_lock = threading.Lock()
_cache: dict = {}


def _shipped() -> dict:
    """The taxonomy file that triage ships."""
    return json.loads(resources.files("triage").joinpath("data", "taxonomy.json").read_text(encoding="utf-8"))


def build_taxonomy() -> Taxonomy:
    """The shipped taxonomy with the database's departments and category rows applied."""
    data = _shipped()
    departments = db.session.execute(db.select(Department)).scalars().all()
    if departments:
        data["departments"] = [{"code": d.code, "name_zh": d.name, "name_en": d.name_en} for d in departments]
    rows = {c.code: c for c in db.session.execute(db.select(Category)).scalars()}
    for raw_class in data["classes"]:
        for sub in raw_class["subcategories"]:
            row = rows.get(f"{raw_class['code']}.{sub['code']}")
            if row is None:
                continue
            sub.update(name_zh=row.name, name_en=row.name_en or sub.get("name_en", ""),
                       keywords=list(row.keywords or sub["keywords"]), examples=list(row.examples or []),
                       default_severity=row.default_severity,
                       assist=[c for c in (row.assist_department_codes or [])])
            if row.lead_department is not None:
                sub["lead"] = row.lead_department.code
        raw_class["subcategories"] = [s for s in raw_class["subcategories"]
                                      if rows.get(f"{raw_class['code']}.{s['code']}") is None
                                      or rows[f"{raw_class['code']}.{s['code']}"].active]
    return from_dict(data)


def current_taxonomy() -> Taxonomy:
    """The taxonomy, rebuilt at most every TTL_SECONDS per process."""
    return _current()[0]


def current_classifier() -> KeywordClassifier:
    """The keyword classifier for the current taxonomy."""
    return _current()[1]


def _current() -> tuple[Taxonomy, KeywordClassifier]:
    with _lock:
        if _cache.get("until", 0) < time.monotonic() or _cache.get("engine") != id(db.engine):
            taxonomy = build_taxonomy()
            _cache.update(value=(taxonomy, KeywordClassifier(taxonomy)), until=time.monotonic() + TTL_SECONDS,
                          engine=id(db.engine))
        return _cache["value"]


def invalidate() -> None:
    """Forget the cached taxonomy (after an admin edit, and between tests)."""
    with _lock:
        _cache.clear()
