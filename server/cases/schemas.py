"""Case actions, lists, ratings and notifications."""
from datetime import timedelta, timezone

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from triage.lifecycle import CaseStatus

from server.models import utcnow
from server.web.schemas import BoundedDateTime, PageArgsSchema, page_schema
from server.reports.schemas import MediaSchema
from server.plans.schemas import CasePlanSchema

STATUSES = [s.value for s in CaseStatus]
QUEUES = ["manual_dispatch", "send_back", "extension", "feedback_review", "overdue", "rating_review", "verification"]
RATINGS = ["satisfied", "basically_satisfied", "dissatisfied"]
NOTE = {"load_default": None, "allow_none": True, "validate": validate.Length(max=2000)}


class CodeList(fields.List):
    """A list of department codes, also as one comma-separated form field."""

    def __init__(self, **kwargs):
        super().__init__(fields.String(validate=validate.Length(min=1, max=32)), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            value = [value]
        if isinstance(value, (list, tuple)):
            value = [v.strip() if isinstance(v, str) else v
                     for item in value for v in (item.split(",") if isinstance(item, str) else [item])
                     if not isinstance(v, str) or v.strip()]
        return super()._deserialize(value, attr, data, **kwargs)


def _aware(value):
    """A datetime with a zone (UTC when none given)."""
    return value.replace(tzinfo=timezone.utc) if value is not None and value.tzinfo is None else value


class DispatchSchema(Schema):
    """派发: the lead department (主办), assisting ones (协办), optionally a corrected severity."""

    lead = fields.String(required=True, validate=validate.Length(min=1, max=32))
    assist = CodeList(load_default=list)
    severity = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(1, 4))
    category = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=64),
                             metadata={"description": "subcategory code, e.g. from the case's suggestions"})
    note = fields.String(**NOTE)


class NoteSchema(Schema):
    """An action with only a note: sign (签收), start, close."""

    note = fields.String(**NOTE)


class SendBackSchema(Schema):
    """退单: why the case is not the department's."""

    reason = fields.String(required=True, validate=validate.Length(min=2, max=2000))
    note = fields.String(**NOTE)


class RuleSendBackSchema(Schema):
    """退单裁定: redispatch to other departments, or uphold the original dispatch."""

    decision = fields.String(required=True, validate=validate.OneOf(["redispatch", "uphold"]))
    lead = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=32))
    assist = CodeList(load_default=list)
    note = fields.String(**NOTE)

    @validates_schema
    def _lead_for_redispatch(self, data, **kwargs):
        if data.get("decision") == "redispatch" and not data.get("lead"):
            raise ValidationError("A redispatch names the new lead department.", "lead")


class ExtendRequestSchema(Schema):
    """延期申请: a new resolve-by time, or working days to add, with the reason."""

    resolve_by = BoundedDateTime(load_default=None, allow_none=True)
    days = fields.Float(load_default=None, allow_none=True, validate=validate.Range(min=0.5, max=60))
    reason = fields.String(required=True, validate=validate.Length(min=2, max=2000))
    note = fields.String(**NOTE)

    @validates_schema
    def _one_of(self, data, **kwargs):
        if (data.get("resolve_by") is None) == (data.get("days") is None):
            raise ValidationError("Give either resolve_by or days.", "resolve_by")


class ExtendDecideSchema(Schema):
    """延期审批."""

    approve = fields.Boolean(required=True)
    note = fields.String(**NOTE)


class FeedbackSchema(Schema):
    """处置反馈 (files: ``photos``, ``audio``, ``video`` as multipart)."""

    personnel = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))
    equipment = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))
    measures = fields.String(required=True, validate=validate.Length(min=1, max=4000))
    result = fields.String(required=True, validate=validate.Length(min=1, max=4000))
    completed_at = BoundedDateTime(load_default=None, allow_none=True)
    note = fields.String(**NOTE)
    public_reply = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000), metadata={
        "description": "a reply written for the public (the reporter, Open311); the note and the other fields "
                       "stay with staff"})

    @validates_schema
    def _not_future(self, data, **kwargs):
        if data.get("completed_at") and data["completed_at"] > utcnow() + timedelta(minutes=10):
            raise ValidationError("Cannot be in the future.", "completed_at")


class ReasonSchema(Schema):
    """重启: why."""

    reason = fields.String(required=True, validate=validate.Length(min=2, max=2000))
    note = fields.String(**NOTE)


class EscalateSchema(Schema):
    """督办."""

    note = fields.String(**NOTE)


class MergeSchema(Schema):
    """合并 into another case."""

    into = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))
    note = fields.String(**NOTE)


class RuleRatingSchema(Schema):
    """A supervisor's ruling on a dissatisfied rating: reopen the case, or uphold the closure."""

    decision = fields.String(required=True, validate=validate.OneOf(["reopen", "uphold"]))
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))
    note = fields.String(**NOTE)


class VerificationSchema(Schema):
    """核查 by the grid worker (files: at least one of ``photos``)."""

    passed = fields.Boolean(load_default=True)
    note = fields.String(**NOTE)


class WaiveVerificationSchema(Schema):
    """免核查 by a supervisor when no grid worker can verify: the reason is required and kept in the audit chain."""

    reason = fields.String(required=True, validate=validate.Length(min=2, max=2000))
    note = fields.String(**NOTE)


class RegradeSchema(Schema):
    """调整等级 by a supervisor: the corrected level (1 = Ⅰ 特别重大 … 4 = Ⅳ 一般) and why; kept in the audit chain, and
    automatic regrading (more reporters) no longer changes it."""

    severity = fields.Integer(required=True, validate=validate.Range(1, 4))
    reason = fields.String(required=True, validate=validate.Length(min=2, max=2000))
    note = fields.String(**NOTE)


ACTION_SCHEMAS = {
    "dispatch": DispatchSchema, "sign": NoteSchema, "send_back": SendBackSchema,
    "rule_send_back": RuleSendBackSchema, "extend_request": ExtendRequestSchema, "extend_decide": ExtendDecideSchema,
    "start": NoteSchema, "feedback": FeedbackSchema, "close": NoteSchema, "reopen": ReasonSchema,
    "escalate": EscalateSchema, "merge": MergeSchema, "rule_rating": RuleRatingSchema,
    "waive_verification": WaiveVerificationSchema, "regrade": RegradeSchema,
}


class RatingSchema(Schema):
    """满意 / 基本满意 / 不满意."""

    rating = fields.String(required=True, validate=validate.OneOf(RATINGS))
    comment = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))


class RatingOutSchema(Schema):
    """A stored rating."""

    report_id = fields.Integer()
    case_id = fields.Integer()
    rating = fields.String()
    comment = fields.String(allow_none=True)
    created_at = fields.DateTime()


class CaseListArgsSchema(PageArgsSchema):
    """Filters for GET /cases."""

    status = CodeList()
    severity = fields.Integer(validate=validate.Range(1, 4))
    overdue = fields.Boolean()
    queue = fields.String(validate=validate.OneOf(QUEUES))
    department = fields.String(validate=validate.Length(max=32))
    since = BoundedDateTime()
    until = BoundedDateTime()

    @validates_schema
    def _statuses(self, data, **kwargs):
        bad = [s for s in data.get("status", []) if s not in STATUSES]
        if bad:
            raise ValidationError(f"Unknown status(es): {', '.join(bad)}.", "status")


class DepartmentOnCaseSchema(Schema):
    code = fields.String()
    name = fields.String()
    role = fields.String()
    assigned_at = fields.DateTime(allow_none=True)
    signed_at = fields.DateTime(allow_none=True)


class SuggestionSchema(Schema):
    """One of triage's ranked ways to handle a case (shown in the manual dispatch queue)."""

    category = fields.String(allow_none=True, metadata={"description": "subcategory code, or null: department only"})
    category_name = fields.String(allow_none=True)
    confidence = fields.Float()
    lead = fields.String()
    lead_name = fields.String(allow_none=True)
    assist = fields.List(fields.String())
    sources = fields.List(fields.String(), metadata={"description": "hint, keywords, model"})
    assist_names = fields.List(fields.String())
    reason = fields.List(fields.String(), metadata={
        "description": "why: the keywords or words that drove the category, the routing rule, the confidence"})


class CaseSummarySchema(Schema):
    """A case in a list."""

    id = fields.Integer()
    number = fields.String()
    status = fields.String()
    status_zh = fields.String()
    severity = fields.Integer()
    category = fields.Dict(allow_none=True)
    needs_manual_dispatch = fields.Boolean()
    departments = fields.List(fields.Nested(DepartmentOnCaseSchema))
    sign_by = fields.DateTime(allow_none=True)
    resolve_by = fields.DateTime(allow_none=True)
    pending_resolve_by = fields.DateTime(allow_none=True)
    overdue = fields.Boolean()
    rating_review = fields.Boolean()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    closed_at = fields.DateTime(allow_none=True)
    origin_report_id = fields.Integer()
    merged_into_id = fields.Integer(allow_none=True)
    reporters = fields.Integer(metadata={"description": "distinct people reporting the hazard"})
    severity_reasons = fields.List(fields.String())
    suggestions = fields.List(fields.Nested(SuggestionSchema))
    classifier = fields.String(allow_none=True, metadata={"description": "keywords or model+keywords"})


class AttachmentSchema(MediaSchema):
    """Evidence on a case event: a report's media fields, and video too."""

    kind = fields.String(metadata={"enum": ["photo", "audio", "video"]})


class CaseEventSchema(Schema):
    seq = fields.Integer()
    action = fields.String()
    action_zh = fields.String()
    from_status = fields.String(allow_none=True)
    to_status = fields.String()
    note = fields.String(allow_none=True, metadata={"description": "as recorded (a system note in English)"})
    note_text = fields.String(allow_none=True, metadata={
        "description": "the note in the reader's language (Accept-Language): system notes translated, people's as written"})
    data = fields.Dict()
    public = fields.Boolean(metadata={"description": "whether the public may see the step (and data.public_reply)"})
    at = fields.DateTime()
    count = fields.Integer(metadata={"description": (
        "1, or how many reports joined the case in a row: one entry stands for the run (action report_joined; "
        "seq, at and actor of its last event; data.report_ids the newest of them, up to 20)")})
    first_seq = fields.Integer(metadata={"description": "the seq of the run's first event (seq when count is 1)"})
    first_at = fields.DateTime(metadata={"description": "when the run's first report joined (at when count is 1)"})
    actor = fields.Dict(allow_none=True)
    attachments = fields.List(fields.Nested(AttachmentSchema))


class CaseSchema(CaseSummarySchema):
    """A case in full."""

    reports = fields.List(fields.Dict(), metadata={"description": (
        "the report the case was opened for and the newest others (CASE_REPORTS_SHOWN, 20 by default), in report "
        "order; GET /api/v1/cases/{case_id}/reports pages through them all")})
    reports_total = fields.Integer(metadata={"description": "how many reports the case has, the first included"})
    verification = fields.Dict()
    ratings = fields.List(fields.Dict())
    plan = fields.Nested(CasePlanSchema, allow_none=True)
    events = fields.List(fields.Nested(CaseEventSchema))
    audit_ok = fields.Boolean()
    allowed_actions = fields.List(fields.String())
    routing_reason = fields.Dict(metadata={"description": (
        "why the case went where it went (为什么派给我): mode (automatic, manual, waiting, none), your_role "
        "(lead or assist when the caller's department is on the case), lines and text in Chinese, the "
        "confidence, and the top suggestions with names and their reasons")})
    severity_correction = fields.Dict(allow_none=True, metadata={"description": (
        "a supervisor's latest correction of the level (调整等级): from, to, reason, at, by; null when the level is "
        "the grader's (whose reasons are severity_reasons). Automatic regrading never changes a corrected level")})


CasePageSchema = page_schema("CasePageSchema", CaseSummarySchema)
