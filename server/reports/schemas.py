"""Report intake and the report as the API shows it."""
from datetime import timedelta, timezone

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from server.models import Channel, Stage, utcnow
from server.web.schemas import BoundedDateTime, PageArgsSchema, page_schema

CHANNELS = [c.value for c in Channel]
STAGES = [s.value for s in Stage]


class ReportCreateSchema(Schema):
    """Fields of POST /reports, as JSON or multipart form fields (files: ``photos``, ``audio``)."""

    client_uuid = fields.UUID(load_default=None, metadata={
        "description": "made on the phone; re-sends by the same account reuse it. Required from residents; "
                       "staff and grid workers may leave it out (each request is then a new report)."})
    text = fields.String(load_default="", validate=validate.Length(max=5000))
    category_hint = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=64))
    lat = fields.Float(load_default=None, allow_none=True, validate=validate.Range(-90, 90))
    lon = fields.Float(load_default=None, allow_none=True, validate=validate.Range(-180, 180))
    address = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=255))
    occurred_at = BoundedDateTime(load_default=None, allow_none=True)
    anonymous = fields.Boolean(load_default=False)
    channel = fields.String(load_default=Channel.APP.value, validate=validate.OneOf(CHANNELS))

    @validates_schema
    def _coherent(self, data, **kwargs):
        if (data.get("lat") is None) != (data.get("lon") is None):
            raise ValidationError("Give both lat and lon, or neither.", "lat")
        occurred = data.get("occurred_at")
        if occurred is not None:
            if occurred.tzinfo is None:
                occurred = occurred.replace(tzinfo=timezone.utc)
            if occurred > utcnow() + timedelta(minutes=10):
                raise ValidationError("Cannot be in the future.", "occurred_at")

    @post_load
    def _clean(self, data, **kwargs):
        if data["client_uuid"] is not None:
            data["client_uuid"] = str(data["client_uuid"])
        data["text"] = data["text"].strip()
        if data.get("occurred_at") is not None and data["occurred_at"].tzinfo is None:
            data["occurred_at"] = data["occurred_at"].replace(tzinfo=timezone.utc)
        return data


class ReportFilesSchema(Schema):
    """Documents the multipart files of POST /reports."""

    photos = fields.List(fields.Raw(metadata={"type": "string", "format": "binary"}),
                         metadata={"description": "up to 6 JPEG, PNG or WebP photos"})
    audio = fields.Raw(metadata={"type": "string", "format": "binary",
                                 "description": "one voice recording: m4a, 3gp/amr, ogg/opus, mp3, wav"})


class ReportMultipartSchema(ReportCreateSchema, ReportFilesSchema):
    """The multipart form of POST /reports."""


class MediaSchema(Schema):
    """A photo or recording; its URLs need the same sign-in as the report."""

    id = fields.String()
    kind = fields.String(metadata={"enum": ["photo", "audio"]})
    mime = fields.String()
    size = fields.Integer()
    width = fields.Integer(allow_none=True)
    height = fields.Integer(allow_none=True)
    duration = fields.Float(allow_none=True)
    url = fields.String()
    thumb_url = fields.String(allow_none=True)


class TranscriptSchema(Schema):
    """What was heard in a recording."""

    media_id = fields.String()
    status = fields.String(metadata={"enum": ["ok", "low_confidence", "unavailable"]})
    text = fields.String()
    corrected_text = fields.String(allow_none=True)
    language = fields.String(allow_none=True)
    avg_logprob = fields.Float(allow_none=True)
    no_speech_prob = fields.Float(allow_none=True)
    duration = fields.Float(allow_none=True)
    model = fields.String(allow_none=True)
    segments = fields.List(fields.Dict())


class TimelineEntrySchema(Schema):
    """One step in the report's history."""

    at = fields.DateTime()
    stage = fields.String()
    note = fields.String(allow_none=True)


class AreaRefSchema(Schema):
    """A short reference to an area or category."""

    code = fields.String()
    name = fields.String()


class ReportSchema(Schema):
    """A report as the API shows it to a given viewer."""

    id = fields.Integer()
    client_uuid = fields.String()
    channel = fields.String()
    text = fields.String()
    category_hint = fields.String(allow_none=True)
    category = fields.Nested(AreaRefSchema, allow_none=True)
    lat = fields.Float(allow_none=True)
    lon = fields.Float(allow_none=True)
    address = fields.String(allow_none=True)
    anonymous = fields.Boolean()
    reporter = fields.String(allow_none=True, metadata={"description": "display name, hidden when anonymous"})
    occurred_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    stage = fields.String(metadata={"enum": STAGES})
    stage_reason = fields.String(allow_none=True)
    flags = fields.List(fields.String())
    grid = fields.Nested(AreaRefSchema, allow_none=True)
    keywords = fields.List(fields.String())
    severity = fields.Integer(allow_none=True)
    case_id = fields.Integer(allow_none=True)
    hotspot_id = fields.Integer(allow_none=True)
    media = fields.List(fields.Nested(MediaSchema))
    transcripts = fields.List(fields.Nested(TranscriptSchema))
    timeline = fields.List(fields.Nested(TimelineEntrySchema))


class ReportListArgsSchema(PageArgsSchema):
    """Filters of GET /reports."""

    stage = fields.String(validate=validate.OneOf(STAGES))
    category = fields.String(validate=validate.Length(max=64))
    since = BoundedDateTime()
    until = BoundedDateTime()
    bbox = fields.String(metadata={"description": "min_lon,min_lat,max_lon,max_lat"})

    @validates_schema
    def _bbox(self, data, **kwargs):
        raw = data.get("bbox")
        if raw is None:
            return
        try:
            parts = [float(x) for x in raw.split(",")]
        except ValueError:
            parts = []
        if len(parts) != 4 or parts[0] > parts[2] or parts[1] > parts[3]:
            raise ValidationError("Four numbers: min_lon,min_lat,max_lon,max_lat.", "bbox")


ReportPageSchema = page_schema("ReportPageSchema", ReportSchema, "A page of reports.")
