"""The case library's API: similar closed cases, model cases (典型案例), the library, reply templates."""

from flask_smorest import Blueprint

from server.accounts.audit_log import record_api_action
from server.accounts.auth import BEARER, auth_required, current_user
from server.cases import library, reply_templates
from server.cases.effects import invalid_transition
from server.cases.library_presenters import paged_library, present_library
from server.cases.library_schemas import (LibraryArgsSchema, LibraryItemSchema, LibraryPageSchema, ModelMarkSchema,
                                          ReplyTemplateListSchema, ReplyTemplateOutSchema, ReplyTemplateSchema,
                                          SimilarArgsSchema, SimilarOutSchema)
from server.cases.queries import can_view_case
from server.errors import Invalid
from server.extensions import db
from server.models import Case, Category, Role
from server.web.errors import ApiError
from server.web.schemas import ErrorSchema

blp = Blueprint("case_library", __name__, description="The case library: similar closed cases, model cases, "
                "reply templates")
STAFF = (Role.GRID_WORKER, Role.DEPT_STAFF, Role.SUPERVISOR, Role.ADMIN)
SEARCH_CAP = 500  # words search at most this many of the most similar cases


def _visible_case(case_id: int) -> Case:
    """The case if the signed-in user may see it, else 404."""
    case = db.session.get(Case, case_id)
    if case is None or not can_view_case(current_user(), case):
        raise ApiError(404, "not_found", f"No case {case_id} that you may see.")
    return case


def _category(code: str) -> Category:
    """The category with this code, else 404."""
    row = db.session.execute(db.select(Category).where(Category.code == code)).scalar_one_or_none()
    if row is None:
        raise ApiError(404, "not_found", f"No category {code!r}.")
    return row


@blp.route("/cases/<int:case_id>/similar", methods=["GET"])
@blp.doc(security=BEARER)
@blp.arguments(SimilarArgsSchema, location="query")
@blp.response(200, SimilarOutSchema)
@blp.alt_response(403, schema=ErrorSchema, description="Residents follow their own reports")
@blp.alt_response(404, schema=ErrorSchema)
@auth_required(*STAFF)
def similar(args, case_id: int):
    """The closed cases most like this one (text, category, place): what was done, how long it took, the
    reporter's rating; relevant model cases (典型案例) first. Answered from stored vectors (nothing refitted)."""
    case = _visible_case(case_id)
    matches = library.similar_to(case, args["limit"])
    items = present_library([m.id for m in matches], {m.id: m for m in matches})
    return {"case_id": case.id, "items": items, "indexed": len(library.index())}


@blp.route("/case-library", methods=["GET"])
@blp.doc(security=BEARER)
@blp.arguments(LibraryArgsSchema, location="query")
@blp.response(200, LibraryPageSchema)
@blp.alt_response(403, schema=ErrorSchema)
@auth_required(*STAFF)
def library_page(args):
    """The library of closed cases: by words (most similar first), category and model cases; without words, model
    cases first, then the most recently closed."""
    found = paged_library(args["q"], args["category"], args["model"], args["page"], args["per_page"], SEARCH_CAP)
    return {"items": found.items, "meta": found.meta()}  # no match: 0 pages, as every other API page says


@blp.route("/cases/<int:case_id>/model", methods=["PUT"])
@blp.doc(security=BEARER)
@blp.arguments(ModelMarkSchema)
@blp.response(200, LibraryItemSchema)
@blp.alt_response(403, schema=ErrorSchema, description="Supervisors mark model cases")
@blp.alt_response(409, schema=ErrorSchema, description="The case is not closed")
@auth_required(Role.SUPERVISOR)
def mark_model(args, case_id: int):
    """Mark a closed case as a model case (典型案例) with a summary (again: a new summary)."""
    case = _visible_case(case_id)
    if case.status != library.CLOSED:
        raise invalid_transition("only a closed case can be a model case", "只有已办结的案件可以设为典型案例")
    library.mark_model(case, current_user(), args["summary"].strip())
    record_api_action("case.model_mark", case.number, current_user())
    db.session.commit()
    library.invalidate()
    return present_library([case.id])[0]


@blp.route("/cases/<int:case_id>/model", methods=["DELETE"])
@blp.doc(security=BEARER)
@blp.response(200, LibraryItemSchema)
@blp.alt_response(403, schema=ErrorSchema, description="Supervisors mark model cases")
@auth_required(Role.SUPERVISOR)
def unmark_model(case_id: int):
    """Take the model-case mark (and its summary) off a case."""
    case = _visible_case(case_id)
    library.unmark_model(case)
    record_api_action("case.model_unmark", case.number, current_user())
    db.session.commit()
    library.invalidate()
    return present_library([case.id])[0]


@blp.route("/cases/<int:case_id>/reply-template", methods=["GET"])
@blp.doc(security=BEARER)
@blp.response(200, ReplyTemplateOutSchema)
@blp.alt_response(404, schema=ErrorSchema)
@auth_required(*STAFF)
def case_reply_template(case_id: int):
    """The case's category template filled from the case (address, category, dates): the start of a feedback."""
    case = _visible_case(case_id)
    filled = reply_templates.fill(case)
    return {**filled, "category_name": case.category.name if case.category else None,
            "placeholders": reply_templates.PLACEHOLDERS}


def _template_out(category: Category) -> dict:
    fields, source = reply_templates.template_for(category)
    return {"category": category.code, "category_name": category.name, **fields, "source": source}


@blp.route("/reply-templates", methods=["GET"])
@blp.doc(security=BEARER)
@blp.response(200, ReplyTemplateListSchema)
@auth_required(*STAFF)
def list_templates():
    """Every category's reply template (an admin's, else the shipped one) and the placeholders they may use."""
    categories = db.session.execute(db.select(Category).where(Category.parent_id.is_not(None))
                                    .order_by(Category.code)).scalars()
    return {"items": [_template_out(c) for c in categories], "placeholders": reply_templates.PLACEHOLDERS}


@blp.route("/reply-templates/<code>", methods=["PUT"])
@blp.doc(security=BEARER)
@blp.arguments(ReplyTemplateSchema)
@blp.response(200, ReplyTemplateOutSchema)
@blp.alt_response(403, schema=ErrorSchema, description="Admins edit templates")
@blp.alt_response(422, schema=ErrorSchema, description="An unknown placeholder")
@auth_required(Role.ADMIN)
def put_template(args, code: str):
    """Set a category's reply template; placeholders must be among those listed."""
    category = _category(code)
    errors = {}
    for field in reply_templates.FIELDS:
        try:
            bad = reply_templates.unknown_placeholders(args.get(field) or "")
        except ValueError:
            errors[field] = ["Unbalanced braces: write {{ and }} for a literal brace."]
            continue
        if bad:
            errors[field] = [f"Unknown placeholder(s): {', '.join(bad)}."]
    if errors:
        raise Invalid(errors=errors)
    reply_templates.save(category, args, current_user())
    record_api_action("reply_template.put", category.code, current_user())
    db.session.commit()
    return _template_out(category)


@blp.route("/reply-templates/<code>", methods=["DELETE"])
@blp.doc(security=BEARER)
@blp.response(200, ReplyTemplateOutSchema)
@blp.alt_response(403, schema=ErrorSchema, description="Admins edit templates")
@auth_required(Role.ADMIN)
def reset_template(code: str):
    """Drop the admin's template of a category: the shipped one applies again."""
    category = _category(code)
    if reply_templates.reset(category):
        record_api_action("reply_template.reset", category.code, current_user())
    db.session.commit()
    return _template_out(category)
