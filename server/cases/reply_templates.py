"""Reply templates (回复模板) per category: shipped defaults, admins' edits, filled from a case for its feedback."""
import json
import string
from importlib import resources

from server.extensions import db
from server.models import Area, Case, Category, Report, ReplyTemplate, utcnow
from server.web.localtime import to_city

FIELDS = ("measures", "result", "public_reply")
PLACEHOLDERS = {
    "number": "案件编号", "category": "类别", "address": "地点", "department": "主办单位",
    "reported_on": "上报日期", "dispatched_on": "派单日期", "signed_on": "签收日期", "today": "今天",
}


def shipped() -> dict:
    """The shipped templates: category code -> fields, "_default" for the rest."""
    return json.loads(resources.files("server.cases").joinpath("data/reply_templates.json").read_text("utf-8"))


def template_for(category: Category | None) -> tuple[dict, str]:
    """(fields, source) for a category: an admin's edit ("custom") or the shipped one ("shipped")."""
    if category is not None:
        row = db.session.execute(db.select(ReplyTemplate).where(ReplyTemplate.category_id == category.id)
                                 ).scalar_one_or_none()
        if row is not None:
            return {f: getattr(row, f) for f in FIELDS}, "custom"
    files = shipped()
    return dict(files.get(category.code if category else "", files["_default"])), "shipped"


def unknown_placeholders(text: str) -> list[str]:
    """The placeholders of text that no case fills (a template must use only PLACEHOLDERS); raises ValueError
    when the braces do not parse."""
    names = [name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None]
    return sorted({n for n in names if n not in PLACEHOLDERS})


def _day(value) -> str:
    """A date in the city's zone, written the Chinese way; "—" when unknown."""
    if value is None:
        return "—"
    local = to_city(value)
    return f"{local.year}年{local.month}月{local.day}日"


def values_for(case: Case) -> dict:
    """What the placeholders of a case stand for."""
    report = db.session.get(Report, case.origin_report_id)
    area = db.session.get(Area, report.grid_id) if report is not None and report.grid_id else None
    lead = next((r.department for r in case.departments if r.role == "lead"), None)
    return {
        "number": case.number or str(case.id), "category": case.category.name if case.category else "隐患",
        "address": (report.address if report is not None and report.address else None)
        or (area.name if area else "现场"),
        "department": lead.name if lead else "承办单位", "reported_on": _day(report.created_at if report else None),
        "dispatched_on": _day(case.dispatched_at), "signed_on": _day(case.signed_at), "today": _day(utcnow()),
    }


def fill(case: Case) -> dict:
    """The case's category template with the case's values in: the start of its feedback."""
    fields, source = template_for(case.category)
    values = values_for(case)
    filled = {f: string.Formatter().vformat(fields.get(f) or "", (), values) for f in FIELDS}
    return {**filled, "source": source, "category": case.category.code if case.category else None}


def save(category: Category, fields: dict, user) -> ReplyTemplate:
    """An admin's template for a category (validated by the caller); the caller commits."""
    row = db.session.execute(db.select(ReplyTemplate).where(ReplyTemplate.category_id == category.id)
                             ).scalar_one_or_none()
    if row is None:
        row = ReplyTemplate(category_id=category.id)
        db.session.add(row)
    for f in FIELDS:
        setattr(row, f, fields.get(f) or "")
    row.updated_by_id, row.updated_at = user.id, utcnow()
    return row


def reset(category: Category) -> bool:
    """Drop an admin's template (the shipped one applies again); whether there was one. The caller commits."""
    row = db.session.execute(db.select(ReplyTemplate).where(ReplyTemplate.category_id == category.id)
                             ).scalar_one_or_none()
    if row is not None:
        db.session.delete(row)
    return row is not None
