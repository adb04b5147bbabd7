"""The demo's data sharing (数据共享): one approved request of the gas department and one pending request of the
fire department, so that the pages have something to show; safe to run again."""
from datetime import timedelta

from server.accounts.service import find_user
from server.extensions import db
from server.models import DataShareRequest, utcnow
from server.sharing import service

APPROVED_PURPOSE = "【示范】燃气管网隐患排查：核对近30天西岭区燃气泄漏上报的分布，安排入户检查"
PENDING_PURPOSE = "【示范】消防检查计划：统计滨江区近60天消防隐患案件，含联系人以便回访"


def seed_sharing() -> int:
    """Create the two demo requests unless they exist; returns how many were created."""
    exists = db.session.execute(db.select(DataShareRequest.id).where(
        DataShareRequest.purpose.in_([APPROVED_PURPOSE, PENDING_PURPOSE]))).first()
    gas, fire, supervisor = find_user("gas01"), find_user("fire01"), find_user("command01")
    if exists is not None or None in (gas, fire, supervisor):
        return 0
    now = utcnow()
    approved = service.create_request(gas, {
        "kind": "reports", "categories": ["accident.gas_leak"], "areas": ["D01"], "period_from": now - timedelta(30),
        "period_to": now, "personal_data": False, "purpose": APPROVED_PURPOSE, "use_until": now + timedelta(60)})
    service.approve(supervisor, approved, {})
    service.create_request(fire, {
        "kind": "cases", "categories": ["accident.fire_hazard"], "areas": ["D02"], "period_from": now - timedelta(60),
        "period_to": now, "personal_data": True, "purpose": PENDING_PURPOSE, "use_until": now + timedelta(90)})
    db.session.commit()
    return 2
