"""Interoperability: Open311 API keys and requests, service attributes, department webhooks and deliveries."""
import enum
import uuid

from server.extensions import db
from server.models.types import UTCDateTime, utcnow
from server.models.versions import WEBHOOKS, versioned


class ApiKey(db.Model):
    """A key an outside system (a 311 call centre, an app) posts Open311 requests with; only its hash is kept."""

    __tablename__ = "api_keys"
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80), unique=True, nullable=False)
    prefix = db.Column(db.String(16), nullable=False)  # shown in listings to tell keys apart
    key_hash = db.Column(db.String(64), unique=True, nullable=False)
    # The service account the key's reports are filed under (it cannot sign in).
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    created_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    last_used_at = db.Column(UTCDateTime)
    revoked_at = db.Column(UTCDateTime)

    user = db.relationship("User", foreign_keys=[user_id])

    @property
    def active(self) -> bool:
        """Whether the key is still accepted."""
        return self.revoked_at is None


class ServiceAttribute(db.Model):
    """An extra question of an Open311 service (a category): its datatype, whether required, its values."""

    __tablename__ = "service_attributes"
    __table_args__ = (db.UniqueConstraint("category_id", "code"),)
    id = db.Column(db.Integer, primary_key=True)
    category_id = db.Column(db.Integer, db.ForeignKey("categories.id", ondelete="CASCADE"), nullable=False,
                            index=True)
    code = db.Column(db.String(64), nullable=False)
    # string | number | datetime | text | singlevaluelist | multivaluelist
    datatype = db.Column(db.String(24), nullable=False, default="string")
    required = db.Column(db.Boolean, nullable=False, default=False)
    variable = db.Column(db.Boolean, nullable=False, default=True)
    description = db.Column(db.String(255), nullable=False)
    datatype_description = db.Column(db.String(255))
    order = db.Column(db.Integer, nullable=False, default=1)
    values = db.Column(db.JSON, nullable=False, default=list)  # [{"key": ..., "name": ...}]

    category = db.relationship("Category")


class Open311Request(db.Model):
    """What an Open311 client sent beyond the report itself: its token, answers, address id and contact."""

    __tablename__ = "open311_requests"
    id = db.Column(db.Integer, primary_key=True)
    report_id = db.Column(db.Integer, db.ForeignKey("reports.id", ondelete="CASCADE"), unique=True, nullable=False)
    api_key_id = db.Column(db.Integer, db.ForeignKey("api_keys.id"), nullable=False, index=True)
    token = db.Column(db.String(36), unique=True, nullable=False, default=lambda: str(uuid.uuid4()))
    service_code = db.Column(db.String(64), nullable=False)
    attributes = db.Column(db.JSON, nullable=False, default=dict)
    address_id = db.Column(db.String(64))
    media_url = db.Column(db.String(500))
    device_id = db.Column(db.String(100))
    account_id = db.Column(db.String(100))
    contact_enc = db.Column(db.Text)  # name, email, phone: encrypted at rest
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    report = db.relationship("Report")
    api_key = db.relationship("ApiKey")


class WebhookEvent(str, enum.Enum):
    """What a department webhook is told about."""

    DISPATCHED = "case.dispatched"
    UPDATED = "case.updated"


@versioned(WEBHOOKS)
class Webhook(db.Model):
    """A department's URL that receives its cases' dispatches and updates, signed with its secret."""

    __tablename__ = "webhooks"
    __table_args__ = (db.UniqueConstraint("department_id", "url"),)
    id = db.Column(db.Integer, primary_key=True)
    department_id = db.Column(db.Integer, db.ForeignKey("departments.id"), nullable=False, index=True)
    url = db.Column(db.String(500), nullable=False)
    secret_enc = db.Column(db.Text, nullable=False)  # encrypted: the server must sign with it
    events = db.Column(db.JSON, nullable=False, default=lambda: [e.value for e in WebhookEvent])
    active = db.Column(db.Boolean, nullable=False, default=True)
    created_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    disabled_at = db.Column(UTCDateTime)

    department = db.relationship("Department", lazy="joined")


class DeliveryStatus(str, enum.Enum):
    """Where a delivery stands."""

    PENDING = "pending"
    DELIVERED = "delivered"
    FAILING = "failing"  # an attempt failed; another is scheduled
    FAILED = "failed"  # every attempt failed


class WebhookDelivery(db.Model):
    """One event POSTed (or being POSTed) to one webhook: the exact body, the attempts and how they went."""

    __tablename__ = "webhook_deliveries"
    id = db.Column(db.Integer, primary_key=True)
    uuid = db.Column(db.String(36), unique=True, nullable=False, default=lambda: str(uuid.uuid4()))
    webhook_id = db.Column(db.Integer, db.ForeignKey("webhooks.id", ondelete="CASCADE"), nullable=False, index=True)
    event = db.Column(db.String(32), nullable=False)
    case_id = db.Column(db.Integer, db.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    case_event_id = db.Column(db.Integer, db.ForeignKey("case_events.id", ondelete="CASCADE"))
    body = db.Column(db.Text, nullable=False)  # the JSON exactly as signed and sent
    status = db.Column(db.String(16), nullable=False, default=DeliveryStatus.PENDING.value, index=True)
    attempts = db.Column(db.Integer, nullable=False, default=0)
    last_status_code = db.Column(db.Integer)
    last_error = db.Column(db.Text)
    next_attempt_at = db.Column(UTCDateTime)
    delivered_at = db.Column(UTCDateTime)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow, index=True)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    webhook = db.relationship("Webhook", lazy="joined")
    case_event = db.relationship("CaseEvent")
