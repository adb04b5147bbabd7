"""Text reports as intake leaves them, and what the pipeline made of each (the batch and drain tests)."""
import uuid
from datetime import timedelta

import sqlalchemy as sa

from server.extensions import db
from server.models import CaseEvent, Report, ReportEvent, User, utcnow
from server.pipeline import stages

GAS = "桂花园小区7栋楼道里好大一股煤气味，像是哪家漏气了"
OTHERS = ["人民路和解放路路口井盖缺失，路面塌陷了一个大坑", "滨江公园门口大树倒伏压住了半边马路",
          "东风小区电梯困人，电梯门打不开", "河西工业园工厂偷排污水，河水发黑发臭"]
SPOT = (28.2345, 112.9067)


def add_waiting(texts, point=SPOT, waited: timedelta = timedelta(0), points=None) -> list[int]:
    """Text reports waiting at ``received``, as intake leaves them (the resident's), received ``waited`` ago; at
    ``points`` one each when given."""
    resident = db.session.execute(db.select(User.id).where(User.role == "resident").order_by(User.id).limit(1)) \
        .scalar_one()
    points = points or [point] * len(texts)
    rows = [Report(client_uuid=str(uuid.uuid4()), payload_hash="0" * 64, text=text, lat=lat, lon=lon,
                   reporter_id=resident, created_at=utcnow() - waited) for text, (lat, lon) in zip(texts, points)]
    db.session.add_all(rows)
    db.session.commit()
    ids = [r.id for r in rows]
    db.session.remove()
    return ids


def report_state(report_id: int) -> dict:
    """A report's stage, case and attempts, the case events that name it, and how often it was routed."""
    report = db.session.get(Report, report_id, populate_existing=True)
    mentions = db.session.execute(db.select(CaseEvent.action).where(
        CaseEvent.action.in_(["create", "report_joined"]),
        CaseEvent.data["report_id"].as_string() == str(report_id))).scalars().all()
    routed = db.session.execute(db.select(sa.func.count()).select_from(ReportEvent).where(
        ReportEvent.report_id == report_id, ReportEvent.stage == "routed")).scalar_one()
    return {"stage": report.stage, "case": report.case_id, "attempts": report.attempts, "mentions": mentions,
            "routed_events": routed}


def failing_in_analysis(monkeypatch, word: str = "井盖") -> dict:
    """Make the analysis of every report whose text has ``word`` raise, while the returned switch's "on" is true."""
    original, broken = stages.read, {"on": True}

    def failing(report, **kwargs):
        if broken["on"] and word in report.text:
            raise RuntimeError("classifier unreachable")
        return original(report, **kwargs)

    monkeypatch.setattr(stages, "read", failing)  # a report's analysis, alone or in a batch
    return broken
