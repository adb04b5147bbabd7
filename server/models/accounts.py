"""Users, roles and API tokens."""
import enum

from server.extensions import db
from server.models.types import UTCDateTime, utcnow


class Role(str, enum.Enum):
    """What a user is on the platform."""

    RESIDENT = "resident"
    GRID_WORKER = "grid_worker"
    DEPT_STAFF = "dept_staff"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class User(db.Model):
    """A person who signs in: resident, grid worker, department staff, supervisor or admin."""

    __tablename__ = "users"
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(64), unique=True, nullable=False)
    password_hash = db.Column(db.String(255), nullable=False)
    role = db.Column(db.String(20), nullable=False, index=True)
    display_name = db.Column(db.String(64))
    # Phone numbers: encrypted at rest, found by a keyed hash (blind index).
    phone_enc = db.Column(db.Text)
    phone_index = db.Column(db.String(64), unique=True)
    department_id = db.Column(db.Integer, db.ForeignKey("departments.id"))
    grid_id = db.Column(db.Integer, db.ForeignKey("areas.id"))
    active = db.Column(db.Boolean, nullable=False, default=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    # Admin web sessions carry this number; raising it (sign-out, new password, changed access, deactivation)
    # ends every session of the user at its next request (migration 0010).
    session_version = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    # When the person deleted their account: the row stays (case events name it) without any personal data.
    deleted_at = db.Column(UTCDateTime)

    department = db.relationship("Department", lazy="joined")
    grid = db.relationship("Area", lazy="joined")

    @property
    def role_enum(self) -> Role:
        """The role as an enum member."""
        return Role(self.role)


class ApiToken(db.Model):
    """A bearer token; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    token_hash = db.Column(db.String(64), unique=True, nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    expires_at = db.Column(UTCDateTime, nullable=False)
    revoked_at = db.Column(UTCDateTime)

    user = db.relationship("User", lazy="joined")
