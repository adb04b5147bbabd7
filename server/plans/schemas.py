"""Emergency plans: the admin's set, activating one on a case, and a department completing its task."""
from marshmallow import Schema, fields, validate

NOTE = {"load_default": None, "allow_none": True, "validate": validate.Length(max=2000)}


class PlanDepartmentSchema(Schema):
    """One department's part in a plan: lead (牵头) or assist (配合), and its tasks."""

    department = fields.String(required=True, validate=validate.Length(min=1, max=32))
    role = fields.String(required=True, validate=validate.OneOf(["lead", "assist"]))
    tasks = fields.List(fields.String(validate=validate.Length(min=1, max=500)), required=True,
                        validate=validate.Length(min=1, max=30))


class PlanSchema(Schema):
    """A plan for a category (``accident.gas_leak``) at a response level (1 = Ⅰ级 … 4 = Ⅳ级)."""

    category = fields.String(required=True, validate=validate.Length(min=1, max=64))
    level = fields.Integer(required=True, validate=validate.Range(1, 4))
    name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    departments = fields.List(fields.Nested(PlanDepartmentSchema), required=True,
                              validate=validate.Length(min=1, max=30))
    active = fields.Boolean(load_default=True)


class PlanSetSchema(Schema):
    """Every plan; PUT replaces the whole set."""

    plans = fields.List(fields.Nested(PlanSchema), required=True, validate=validate.Length(max=500))


class PlanSetOutSchema(PlanSetSchema):
    source = fields.String(metadata={"description": "shipped (defaults, never edited) or edited"})


class ActivatePlanSchema(Schema):
    """启动应急预案: optionally a response level other than the one the case's severity picks."""

    level = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(1, 4))
    note = fields.String(**NOTE)


class TaskDoneSchema(Schema):
    """A department reports its plan task done (what was done)."""

    note = fields.String(**NOTE)


class PlanTaskOutSchema(Schema):
    id = fields.Integer()
    department = fields.Dict()
    role = fields.String()
    duties = fields.List(fields.String())
    done = fields.Boolean()
    done_at = fields.DateTime(allow_none=True)
    done_by = fields.Dict(allow_none=True)
    note = fields.String(allow_none=True)
    may_complete = fields.Boolean()


class CasePlanSchema(Schema):
    """The plan activated on a case and its tasks, followed together until all are done."""

    id = fields.Integer()
    name = fields.String()
    category = fields.String()
    level = fields.Integer()
    level_zh = fields.String(allow_none=True)
    activated_at = fields.DateTime()
    activated_by = fields.Dict(allow_none=True)
    completed_at = fields.DateTime(allow_none=True)
    done = fields.Integer()
    total = fields.Integer()
    progress = fields.Float()
    tasks = fields.List(fields.Nested(PlanTaskOutSchema))
