"""The department metrics' query and answer (docs/metrics.md says what each figure counts)."""
from marshmallow import Schema, fields, validate


class MetricsArgsSchema(Schema):
    period = fields.String(required=True, validate=validate.Regexp(r"^20\d{2}-(0[1-9]|1[0-2])$",
                                                                      error="Use YYYY-MM (2000-01 to 2099-12)."))


class DepartmentMetricsSchema(Schema):
    department = fields.String()
    name = fields.String(allow_none=True)
    period = fields.String()
    assigned = fields.Integer(metadata={"description": "Cases assigned in the period (lead or assisting)."})
    lead = fields.Integer(metadata={"description": "Of those, the cases it leads."})
    sign_due = fields.Integer(metadata={"description": "Sign-fors due in the period: the earlier of the signature "
                                                       "and the sign-for deadline falls in it."})
    signed = fields.Integer()
    signed_in_time = fields.Integer()
    resolve_due = fields.Integer(metadata={"description": "Lead cases due in the period: the earlier of the closing "
                                                          "and the resolve-by deadline falls in it."})
    closed = fields.Integer()
    resolved = fields.Integer(metadata={"description": "Closed, with no dissatisfied rating waiting for a ruling."})
    on_time = fields.Integer()
    rated = fields.Integer(metadata={"description": "Ratings given in the period on its lead cases."})
    ratings = fields.Dict(keys=fields.String(), values=fields.Integer())
    response_rate = fields.Float(allow_none=True, metadata={"description": "signed_in_time / sign_due"})
    resolution_rate = fields.Float(allow_none=True, metadata={"description": "resolved / resolve_due"})
    satisfaction_rate = fields.Float(allow_none=True,
                                     metadata={"description": "(satisfied + basically satisfied) / rated"})
    on_time_rate = fields.Float(allow_none=True, metadata={"description": "on_time / resolve_due"})
    mean_hours_to_sign = fields.Float(allow_none=True)
    mean_hours_to_resolve = fields.Float(allow_none=True)
    score = fields.Float(allow_none=True)
    rank = fields.Integer()


class MetricsPageSchema(Schema):
    period = fields.String()
    departments = fields.List(fields.Nested(DepartmentMetricsSchema))
