"""The taxonomy the pipeline uses: the shipped file as edited by admins in the categories table."""
import json
import logging
import os
import threading
from importlib import resources

from flask import current_app

from triage.classify import KeywordClassifier
from triage.suggest import Suggester
from triage.taxonomy import Taxonomy, from_dict

from server.extensions import db
from server.models import Category, Department
from server.models.versions import TAXONOMY, on_change, versions
from server.table_cache import TableCache

RECHECK_SECONDS = 30
_lock = threading.Lock()
_suggester: dict = {}  # the last suggester built, by the identity of its taxonomy and model
_models: dict = {}  # path -> (mtime, model or None)
log = logging.getLogger(__name__)


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
    """The taxonomy, rebuilt when the categories or departments change (checked every RECHECK_SECONDS)."""
    return _taxonomy.get()[0]


def category_ids() -> dict[str, int]:
    """The ids of the categories table's rows by code, kept with the taxonomy (no query per report)."""
    return _taxonomy.get()[2]


def category_code(category_id: int | None) -> str | None:
    """The code of a category row by id (kept with the taxonomy), None for None or an unknown id."""
    if category_id is None:
        return None
    return next((code for code, i in category_ids().items() if i == category_id), None)


def case_category_code(case) -> str | None:
    """A case's category code without loading its category row when the cached ids know it; a category set in this
    session (not in ``category_id`` until a flush) or unknown to the cache is read from the case."""
    if "category" in case.__dict__ or case.category_id is None:
        return case.category.code if case.category is not None else None
    return category_code(case.category_id) or case.category.code


def current_suggester() -> Suggester:
    """Keyword rules for the current taxonomy, blended with the configured learned model if it loads."""
    taxonomy, keywords, _ = _taxonomy.get()
    model = _model(current_app.config.get("TRIAGE_MODEL"))
    key = (id(taxonomy), id(model))
    with _lock:
        if _suggester.get("key") != key:
            _suggester.update(key=key, value=Suggester(
                taxonomy, keywords, model, current_app.config["TRIAGE_MODEL_WEIGHT"]))
            unknown = _suggester["value"].labels.unknown
            if unknown:
                log.warning("triage model labels that are neither a category nor a department: %s",
                            ", ".join(unknown[:10]))
        return _suggester["value"]


def _model(path: str | None):
    """The learned model at path, loaded once per file version; None (logged) when it cannot be used."""
    if not path:
        return None
    try:
        mtime = os.stat(path).st_mtime_ns
    except OSError:
        mtime = None
    with _lock:
        cached = _models.get(path)
        if cached is not None and cached[0] == mtime:
            return cached[1]
        from triage.learn import load  # lazy: scikit-learn loads only when a learned model is configured
        from triage.modelfile import ModelError
        try:
            model = load(path)
        except ModelError as exc:
            log.error("triage model not used, routing on keyword rules: %s", exc)
            model = None
        _models[path] = (mtime, model)
        return model


def invalidate() -> None:
    """Forget the cached taxonomy (between tests; an edit of categories or departments in this process calls it,
    see on_change)."""
    _taxonomy.invalidate()
    with _lock:
        _suggester.clear()
        _models.clear()


def _build() -> tuple[Taxonomy, KeywordClassifier, dict[str, int]]:
    """The taxonomy, its keyword classifier and the category rows' ids by code."""
    taxonomy = build_taxonomy()
    ids = dict(db.session.execute(db.select(Category.code, Category.id)).all())
    return taxonomy, KeywordClassifier(taxonomy), ids


_taxonomy: TableCache[tuple[Taxonomy, KeywordClassifier, dict[str, int]]] = TableCache(
    lambda: versions(TAXONOMY), _build, recheck_seconds=RECHECK_SECONDS)

on_change(TAXONOMY, invalidate)  # categories or departments written in this process: read again at once
