"""The admin cases page's search: the form's arguments, checked as the API checks them, and the rows' thumbnails."""
from datetime import timedelta

from marshmallow import ValidationError

from server.cases.search_schemas import CaseSearchArgsSchema
from server.extensions import db
from server.models import Category, Media, Report

FIELDS = ("q", "department", "category", "status", "level", "since", "until", "sort")


def search_args(query: dict, per_page: int) -> tuple[dict, dict, bool]:
    """(the arguments for ``list_cases``, the form's values to show again, whether the form was rejected)."""
    form = {key: (query.get(key) or "").strip() for key in FIELDS}
    raw = {key: value for key, value in form.items() if value}
    for key in ("since", "until"):  # a date field sends a day: from its start (since) to the next day's (until)
        if len(raw.get(key, "")) == 10:
            raw[key] += "T00:00:00+08:00"
    raw["page"], raw["per_page"] = query.get("page") or "1", str(per_page)
    try:
        args = CaseSearchArgsSchema().load(raw)
    except ValidationError:
        return CaseSearchArgsSchema().load({"per_page": str(per_page)}), form, True
    if args.get("until") and len(form["until"]) == 10:
        args["until"] += timedelta(days=1)
    return args, form, False


def category_choices() -> list[Category]:
    """Risk classes, each followed by its subcategories (for the search form)."""
    rows = db.session.execute(db.select(Category).order_by(Category.code)).scalars().all()
    classes = [c for c in rows if c.parent_id is None]
    return [c for parent in classes for c in [parent] + [s for s in rows if s.parent_id == parent.id]]


def thumbnails(case_ids: list[int]) -> dict[int, str]:
    """The first photo (a media id) of each case's reports, for the cases that have one."""
    if not case_ids:
        return {}
    rows = db.session.execute(db.select(Report.case_id, Media.id).join(Media, Media.report_id == Report.id)
                              .where(Report.case_id.in_(case_ids), Media.kind == "photo",
                                     Media.thumb_key.is_not(None))
                              .order_by(Report.case_id, Report.id, Media.position)).all()
    found: dict[int, str] = {}
    for case_id, media_id in rows:
        found.setdefault(case_id, media_id)
    return found


def addresses(cases: list) -> dict[int, str]:
    """Each case's address: its first report's."""
    ids = [c.origin_report_id for c in cases]
    rows = db.session.execute(db.select(Report.id, Report.address).where(Report.id.in_(ids))).all() if ids else []
    by_report = dict(rows)
    return {c.id: by_report.get(c.origin_report_id) or "" for c in cases}
