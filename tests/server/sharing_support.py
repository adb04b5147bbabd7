"""Shared set-up for the data-sharing tests (no tests here): reports in known places, categories and times."""
from datetime import timedelta

from server.extensions import db
from server.models import Area, Category, Report, utcnow
from nlp.pii import mask

from ..helpers import new_uuid
from .test_cases_support import USERS, user

DAY = timedelta(days=1)
GRID = "D01-S01-C01-G01"
OTHER_STREET_GRID = "D02-S01-C01-G01"
PHONE_TEXT = "燃气管道漏气，联系电话13912345678"


def add_report(text: str, grid: str, category: str, days_ago: float, place=(28.21237, 112.90481),
               anonymous: bool = False) -> int:
    """A processed report of the demo resident (张女士, 13800000001)."""
    area = db.session.execute(db.select(Area).where(Area.code == grid)).scalar_one()
    cat = db.session.execute(db.select(Category).where(Category.code == category)).scalar_one()
    report = Report(client_uuid=new_uuid(), payload_hash="x" * 64, reporter_id=user(USERS["resident"]).id,
                    text=text, text_masked=mask(text), lat=place[0], lon=place[1], address="桂花园小区3栋 电话13912345678",
                    grid_id=area.id, category_id=cat.id, stage="routed", anonymous=anonymous,
                    created_at=utcnow() - days_ago * DAY)
    db.session.add(report)
    db.session.commit()
    return report.id


def world() -> dict:
    """In scope of a gas request for street D01-S01 over the last 10 days: ``inside``; outside: another category,
    another street, too old."""
    return {"inside": add_report(PHONE_TEXT, GRID, "accident.gas_leak", 2),
            "anonymous": add_report("燃气味，匿名上报", GRID, "accident.gas_leak", 3, anonymous=True),
            "other_category": add_report("井盖丢失", GRID, "accident.road_facility", 2),
            "other_area": add_report("燃气泄漏", OTHER_STREET_GRID, "accident.gas_leak", 2),
            "too_old": add_report("燃气泄漏很久以前", GRID, "accident.gas_leak", 30)}


def ask(client, headers, **changes) -> dict:
    """The body of a request by the gas department for reports of gas leaks in street D01-S01, last 10 days."""
    now = utcnow()
    body = {"kind": "reports", "categories": ["accident.gas_leak"], "areas": ["D01-S01"],
            "period_from": (now - 10 * DAY).isoformat(), "period_to": now.isoformat(), "personal_data": False,
            "purpose": "燃气管网隐患排查（Gas network survey）", "use_until": (now + 30 * DAY).isoformat()}
    body.update(changes)
    return client.post("/api/v1/sharing/requests", json=body, headers=headers)


def sharing_ids() -> dict:
    """For the access matrix's world: a pending and an approved request of the gas department (gas01), a live export
    link of the approved one, and a period of use a new request may ask for."""
    from server.sharing import credentials, service
    gas, supervisor, now = user("gas01"), user("command01"), utcnow()
    terms = {"kind": "reports", "categories": ["accident.gas_leak"], "areas": ["D01"], "period_from": now - 30 * DAY,
             "period_to": now, "personal_data": False, "purpose": "燃气管网隐患排查", "use_until": now + 90 * DAY}
    pending, approved = service.create_request(gas, terms), service.create_request(gas, terms)
    service.approve(supervisor, approved, {})
    link, secret = credentials.issue(gas, approved, "link")
    db.session.commit()
    return {"share_pending": pending.id, "share_approved": approved.id, "share_link": secret, "share_link_id": link.id,
            "share_use_until": (now + 60 * DAY).isoformat()}
