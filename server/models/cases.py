"""Cases, the departments on them, and their hash-chained events."""
import hashlib
import json
import secrets

from server.extensions import db
from server.models.types import UTCDateTime, utcnow

# The prev_hash of a case's first event: the start of its hash chain.
GENESIS = "0" * 64


class Case(db.Model):
    """A hazard being handled; opened from one report, later reports may join it."""

    __tablename__ = "cases"
    id = db.Column(db.Integer, primary_key=True)
    number = db.Column(db.String(32), unique=True)
    origin_report_id = db.Column(db.Integer, db.ForeignKey("reports.id"), unique=True, nullable=False)
    category_id = db.Column(db.Integer, db.ForeignKey("categories.id"), index=True)
    severity = db.Column(db.Integer, nullable=False, default=4)
    status = db.Column(db.String(24), nullable=False, index=True)
    needs_manual_dispatch = db.Column(db.Boolean, nullable=False, default=False)
    # Triage's ranked ways to handle the case ({category, confidence, lead, assist, sources}), shown in
    # the manual dispatch queue, and what they came from ("keywords" or "model+keywords").
    suggestions = db.Column(db.JSON)
    classifier = db.Column(db.String(32))
    severity_reasons = db.Column(db.JSON)
    reporters = db.Column(db.Integer, nullable=False, default=1, server_default="1")  # distinct people reporting it
    # Distinct people among the case's own reports (its origin and those that joined it), counted as they come
    # (CaseReporter); ``reporters`` is the larger of this and the people of its hotspot.
    own_reporters = db.Column(db.Integer, nullable=False, default=1, server_default="1")
    hotspot_id = db.Column(db.Integer, db.ForeignKey("hotspots.id", use_alter=True))
    merged_into_id = db.Column(db.Integer, db.ForeignKey("cases.id"))
    sign_by = db.Column(UTCDateTime)
    resolve_by = db.Column(UTCDateTime)
    closed_at = db.Column(UTCDateTime)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow, index=True)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)
    # Lifecycle bookkeeping (server/cases).
    dispatched_at = db.Column(UTCDateTime)
    signed_at = db.Column(UTCDateTime)
    feedback_at = db.Column(UTCDateTime)
    pending_resolve_by = db.Column(UTCDateTime)  # asked for in an open extension request
    sign_escalated_at = db.Column(UTCDateTime)
    resolve_escalated_at = db.Column(UTCDateTime)
    verified_at = db.Column(UTCDateTime)
    verified_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    rating_review = db.Column(db.Boolean, nullable=False, default=False, server_default=db.false())
    reopen_count = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    # The head of the event chain: the newest event's seq and hash (0 and GENESIS before the first). Kept with the
    # case row, which every append holds locked, so that appending reads no event; the audit checks that it matches.
    event_seq = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    event_hash = db.Column(db.String(64), nullable=False, default=GENESIS, server_default=GENESIS)

    category = db.relationship("Category")
    departments = db.relationship("CaseDepartment", lazy="selectin", cascade="all, delete-orphan")
    # Read when asked for, not with every case: a case a crowd reports holds an event per report that joined it, and
    # most readers of a case (a notice's delivery, a support, an access check) need none of them.
    events = db.relationship("CaseEvent", order_by="CaseEvent.seq", lazy="select")

    def department_ids(self, role: str | None = None) -> list[int]:
        """The departments on the case, optionally only the lead or the assisting ones."""
        return [d.department_id for d in self.departments if role is None or d.role == role]


class CaseDepartment(db.Model):
    """A department's part in a case: lead (主办) or assist (协办)."""

    __tablename__ = "case_departments"
    case_id = db.Column(db.Integer, db.ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    department_id = db.Column(db.Integer, db.ForeignKey("departments.id"), primary_key=True)
    role = db.Column(db.String(8), nullable=False)  # lead | assist
    assigned_at = db.Column(UTCDateTime)
    signed_at = db.Column(UTCDateTime)

    department = db.relationship("Department", lazy="joined")


class CaseReporter(db.Model):
    """A person behind a case (one row per account; a report without an account is a person of its own).

    The unique (case, reporter) pair keeps the count right when workers add reports to a case at once: a
    reporter already there inserts nothing. NULL reporters never collide, so each anonymous report counts.
    """

    __tablename__ = "case_reporters"
    __table_args__ = (db.UniqueConstraint("case_id", "reporter_id", name="uq_case_reporters_case_id_reporter_id"),)
    id = db.Column(db.Integer, primary_key=True)
    case_id = db.Column(db.Integer, db.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False)
    reporter_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    report_id = db.Column(db.Integer, db.ForeignKey("reports.id", ondelete="CASCADE"), nullable=False, index=True)


def default_public(action: str, from_status: str | None, to_status: str, data: dict | None) -> bool:
    """Whether the public may see a case event: THE rule of what leaves staff pages.

    The public (the reporter's timeline, Open311, anything shown without signing in) sees the steps that move a case
    from one status to another (受理, 派发, 签收, 退单, 处置中, 已反馈, 办结, 重启, 督办, 合并, ...) and any event
    carrying a reply written for the public (``data["public_reply"]``, e.g. with 处置反馈). It never sees what
    stays within a status: internal notes, an assisting unit's sign-off, ratings and their comments (rate),
    verification, regrading, joined reports, plans, a supervisor's upheld ruling. Of a public event it sees the
    action, the status, the time and the public reply: never ``note`` nor the other fields of ``data`` (send-back
    and extension reasons, feedback measures, arbitration), which are written for staff.

    ``append_event(..., public=...)`` may decide otherwise for one event. Migration 0009 set the flag of earlier
    events with this rule, and the event hash leaves the flag out when it equals this rule's answer (see
    ``CaseEvent.compute_hash``): keep the rule as it is, and change the default for new events in ``case_log``.
    """
    return from_status != to_status or bool((data or {}).get("public_reply"))


class CaseEvent(db.Model):
    """One transition of a case; each event's hash covers the previous one (留痕)."""

    __tablename__ = "case_events"
    # The public events of a case, by themselves: what its reporters' timelines read (server.cases.timeline), without
    # the many events of reports joining the case.
    __table_args__ = (db.UniqueConstraint("case_id", "seq"),
                      db.Index("ix_case_events_public", "case_id", "seq", postgresql_where=db.text("public"),
                               sqlite_where=db.text("public")))
    id = db.Column(db.Integer, primary_key=True)
    case_id = db.Column(db.Integer, db.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True)
    seq = db.Column(db.Integer, nullable=False)
    action = db.Column(db.String(32), nullable=False)
    from_status = db.Column(db.String(24))
    to_status = db.Column(db.String(24), nullable=False)
    actor_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    note = db.Column(db.Text)  # for staff only
    data = db.Column(db.JSON, nullable=False, default=dict)
    # Whether the public may see the event (its action, status, time and data["public_reply"]): default_public.
    public = db.Column(db.Boolean, nullable=False, default=False, server_default=db.false())
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    prev_hash = db.Column(db.String(64), nullable=False)
    hash = db.Column(db.String(64), nullable=False)

    def compute_hash(self) -> str:
        """SHA-256 over the previous hash and this event's content.

        The content includes ``public`` whenever it differs from ``default_public`` of the rest of the content (which
        the hash covers): the flag cannot be changed without breaking the chain, and events written before the flag
        existed (set by migration 0009 to the same rule) keep their hashes.
        """
        content = {
            "case_id": self.case_id, "seq": self.seq, "action": self.action,
            "from": self.from_status, "to": self.to_status, "actor": self.actor_id,
            "note": self.note, "data": self.data or {},
            "at": self.created_at.isoformat(),
        }
        public = bool(self.public)
        if public != default_public(self.action, self.from_status, self.to_status, self.data):
            content["public"] = public
        body = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256((self.prev_hash + body).encode()).hexdigest()


def chain_problems(events: list[CaseEvent]) -> list[str]:
    """What is wrong with a case's events in seq order: edited, inserted, deleted or reordered (empty when intact)."""
    problems, prev_hash, expected = [], GENESIS, 1
    by_hash = {e.hash: e for e in events}
    for event in events:
        if event.seq != expected:
            if event.seq > expected:
                problems.append(f"event(s) {expected}..{event.seq - 1} missing (deleted)")
            else:
                problems.append(f"event {event.seq} out of order")
        if event.compute_hash() != event.hash:
            problems.append(f"event {event.seq} ({event.action}) edited: its content does not match its hash")
        if event.prev_hash != prev_hash:
            if event.prev_hash in by_hash and event.seq == expected:
                problems.append(f"event {event.seq} does not follow event {event.seq - 1}: inserted or replaced")
            elif event.seq == expected:
                problems.append(f"event {event.seq} ({event.action}) does not chain to the event before it: "
                                "an event was inserted, replaced or deleted before it")
        prev_hash, expected = event.hash, event.seq + 1
    return problems


def verify_chain(events: list[CaseEvent]) -> bool:
    """True when no event of a case was edited, removed or reordered (the one chain check: ``chain_problems``)."""
    return not chain_problems(events)


def _attachment_id() -> str:
    """An identifier nobody can guess (attachment URLs carry it)."""
    return secrets.token_urlsafe(18)


class CaseAttachment(db.Model):
    """A photo, voice note or video attached to a case event (feedback, verification, …)."""

    __tablename__ = "case_attachments"
    id = db.Column(db.String(32), primary_key=True, default=_attachment_id)
    case_id = db.Column(db.Integer, db.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True)
    kind = db.Column(db.String(8), nullable=False)  # photo | audio | video
    storage_key = db.Column(db.String(80), nullable=False)
    thumb_key = db.Column(db.String(80))
    mime = db.Column(db.String(40), nullable=False)
    size = db.Column(db.Integer, nullable=False)
    sha256 = db.Column(db.String(64), nullable=False)
    width = db.Column(db.Integer)
    height = db.Column(db.Integer)
    duration = db.Column(db.Float)
    uploaded_by_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)


class CaseRating(db.Model):
    """The reporter's rating of how a case was handled (回访评价)."""

    __tablename__ = "case_ratings"
    id = db.Column(db.Integer, primary_key=True)
    case_id = db.Column(db.Integer, db.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True)
    report_id = db.Column(db.Integer, db.ForeignKey("reports.id"), nullable=False, unique=True)
    rater_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    rating = db.Column(db.String(24), nullable=False)  # satisfied | basically_satisfied | dissatisfied
    comment = db.Column(db.Text)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow, index=True)


class Notification(db.Model):
    """An in-app notice to one user about a case."""

    __tablename__ = "notifications"
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    case_id = db.Column(db.Integer, db.ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind = db.Column(db.String(32), nullable=False)
    message = db.Column(db.Text, nullable=False)  # Simplified Chinese
    message_en = db.Column(db.Text)  # the same in English (migration 0018)
    # The report a resident's notice is about (the phone opens it, and its rating); migration 0018.
    report_id = db.Column(db.Integer, db.ForeignKey("reports.id", ondelete="SET NULL"))
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow, index=True)
    read_at = db.Column(UTCDateTime)
