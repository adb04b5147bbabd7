"""Data shared through the platform (集中式数据共享): departments' requests, the reviewers' grants, the links and keys
that serve them, and every access."""
import enum

from server.extensions import db
from server.models.types import UTCDateTime, utcnow


class ShareStatus(str, enum.Enum):
    """Where a request stands: 待审核, 已批准, 已拒绝, 已撤销."""

    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"
    REVOKED = "revoked"


class ShareKind(str, enum.Enum):
    """What a request asks for: reports (上报) or cases (案件)."""

    REPORTS = "reports"
    CASES = "cases"


class DataShareRequest(db.Model):
    """A department's request for a dataset and, once reviewed, what was granted (equal to it or narrower)."""

    __tablename__ = "share_requests"
    id = db.Column(db.Integer, primary_key=True)
    requester_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False, index=True)
    department_id = db.Column(db.Integer, db.ForeignKey("departments.id"), index=True)
    kind = db.Column(db.String(16), nullable=False)  # ShareKind
    categories = db.Column(db.JSON, nullable=False, default=list)  # category codes (a class includes its children)
    areas = db.Column(db.JSON, nullable=False, default=list)  # area codes (district, street, community or grid)
    period_from = db.Column(UTCDateTime, nullable=False)
    period_to = db.Column(UTCDateTime, nullable=False)
    personal_data = db.Column(db.Boolean, nullable=False, default=False)
    purpose = db.Column(db.Text, nullable=False)
    use_until = db.Column(UTCDateTime, nullable=False)
    status = db.Column(db.String(16), nullable=False, default=ShareStatus.PENDING.value, index=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow, index=True)
    # The grant: what the reviewer approved (null until approved).
    granted_categories = db.Column(db.JSON)
    granted_areas = db.Column(db.JSON)
    granted_from = db.Column(UTCDateTime)
    granted_to = db.Column(UTCDateTime)
    granted_personal = db.Column(db.Boolean)
    granted_until = db.Column(UTCDateTime)
    reviewer_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    reviewed_at = db.Column(UTCDateTime)
    review_note = db.Column(db.Text)  # the reason of a refusal or of a narrowing
    revoked_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    revoked_at = db.Column(UTCDateTime)
    revoke_reason = db.Column(db.Text)

    requester = db.relationship("User", foreign_keys=[requester_id])
    department = db.relationship("Department")
    reviewer = db.relationship("User", foreign_keys=[reviewer_id])
    revoked_by = db.relationship("User", foreign_keys=[revoked_by_id])
    credentials = db.relationship("ShareCredential", back_populates="request", order_by="ShareCredential.id")


class ShareCredential(db.Model):
    """A time-limited export link (link) or API key (key) of an approved request; only the secret's hash is kept."""

    __tablename__ = "share_credentials"
    id = db.Column(db.Integer, primary_key=True)
    request_id = db.Column(db.Integer, db.ForeignKey("share_requests.id", ondelete="CASCADE"), nullable=False,
                           index=True)
    kind = db.Column(db.String(8), nullable=False)  # link | key
    prefix = db.Column(db.String(16), nullable=False)  # shown in listings and the audit to tell credentials apart
    secret_hash = db.Column(db.String(64), unique=True, nullable=False)
    created_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    expires_at = db.Column(UTCDateTime, nullable=False)
    revoked_at = db.Column(UTCDateTime)
    last_used_at = db.Column(UTCDateTime)

    request = db.relationship("DataShareRequest", back_populates="credentials")
    created_by = db.relationship("User")


class ShareAccess(db.Model):
    """One use of a link or key: who (the credential, and the signed-in user if any), when, from where, how many
    rows, and whether it was served (``ok``) or refused (the error code)."""

    __tablename__ = "share_accesses"
    id = db.Column(db.Integer, primary_key=True)
    request_id = db.Column(db.Integer, db.ForeignKey("share_requests.id", ondelete="CASCADE"), nullable=False,
                           index=True)
    credential_id = db.Column(db.Integer, db.ForeignKey("share_credentials.id", ondelete="SET NULL"), index=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    at = db.Column(UTCDateTime, nullable=False, default=utcnow, index=True)
    ip = db.Column(db.String(64))
    format = db.Column(db.String(8))
    rows = db.Column(db.Integer, nullable=False, default=0)
    outcome = db.Column(db.String(32), nullable=False)

    request = db.relationship("DataShareRequest")
    credential = db.relationship("ShareCredential")
    user = db.relationship("User")
