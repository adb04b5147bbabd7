"""Shared set-up for the case lifecycle tests (no tests here): cases built in the database, driven by the service."""
from server.media.uploads import Upload
from server.cases.service import Context, apply_action
from server.extensions import db
from server.models import Area, Case, Report, User, utcnow

from .. import media_fixtures as mf
from ..helpers import new_uuid

GRID = "D01-S01-C01-G01"
USERS = {"resident": "13800000001", "grid_worker": "grid01", "lead": "gas01", "assist": "fire01",
         "supervisor": "command01", "admin": "admin"}
FEEDBACK = {"personnel": "王工等3人", "equipment": "检漏仪", "measures": "关阀、更换软管", "result": "漏点已修复"}


def user(username: str) -> User:
    """A demo user by username, or a resident by phone number."""
    from server.accounts.service import find_user
    found = find_user(username)
    assert found is not None, username
    return found


def new_case(grid: bool = True, severity: int = 3) -> int:
    """A received case (waiting for manual dispatch) opened from a resident's report."""
    from server.cases.log import append_event
    area = db.session.execute(db.select(Area).where(Area.code == GRID)).scalar_one() if grid else None
    report = Report(client_uuid=new_uuid(), payload_hash="x" * 64, reporter_id=user(USERS["resident"]).id,
                    text="小区楼道煤气味很重", grid_id=area.id if area else None, stage="routed")
    db.session.add(report)
    db.session.flush()
    case = Case(origin_report_id=report.id, severity=severity, status="received", needs_manual_dispatch=True)
    db.session.add(case)
    db.session.flush()
    case.number = f"GWT{case.id:06d}"
    report.case_id = case.id
    append_event(case, "create", "received", data={"report_id": report.id})
    db.session.commit()
    return case.id


def act(case_id: int, action: str, who: str | None, fields: dict | None = None, uploads=()) -> Case:
    """Take an action as a demo user (None: the system)."""
    case = db.session.get(Case, case_id)
    apply_action(case, action, Context(user(USERS[who]) if who else None, dict(fields or {}), list(uploads)))
    return case


PHOTO = [Upload("photos", mf.jpeg_bytes())]
# How to bring a case to each status, from received.
PATHS = {
    "received": [],
    "dispatched": [("dispatch", "supervisor", {"lead": "GAS", "assist": ["FIRE"]})],
}
PATHS["accepted"] = PATHS["dispatched"] + [("sign", "lead", {})]
PATHS["returned"] = PATHS["dispatched"] + [("send_back", "lead", {"reason": "不属于本单位职责"})]
PATHS["in_progress"] = PATHS["accepted"] + [("start", "lead", {})]
PATHS["extension_requested"] = PATHS["accepted"] + [("extend_request", "lead", {"days": 2, "reason": "需更换管道"})]
PATHS["feedback_submitted"] = PATHS["in_progress"] + [("feedback", "lead", FEEDBACK)]
PATHS["closed"] = PATHS["feedback_submitted"] + [("verify", "grid_worker", {}, PHOTO), ("close", "supervisor", {})]
PATHS["reopened"] = PATHS["feedback_submitted"] + [("reopen", "supervisor", {"reason": "处置不彻底"})]
PATHS["escalated"] = PATHS["accepted"] + [("escalate", "supervisor", {})]


def case_in(status: str, grid: bool = True) -> int:
    """A fresh case driven to the status."""
    case_id = new_case(grid)
    for step in PATHS[status]:
        action, who, fields, *uploads = step
        act(case_id, action, who, fields, uploads[0] if uploads else ())
    assert db.session.get(Case, case_id).status == status
    return case_id


def past(case_id: int, **deadlines) -> None:
    """Move deadlines into the past (e.g. resolve_by=hours ago)."""
    from datetime import timedelta
    case = db.session.get(Case, case_id)
    for name, hours in deadlines.items():
        setattr(case, name, utcnow() - timedelta(hours=hours))
    db.session.commit()
