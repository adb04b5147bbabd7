"""What an alert says to people: its subject and evidence in Chinese and English, and the supervisors' notice."""
from server.models import Alert
from server.notifications.service import notify, supervisors


def subject(alert: Alert, lang: str = "zh") -> str:
    """Return what the alert is about: the grid (or cell) and category, or the hotspot."""
    if alert.kind == "hotspot":
        label = alert.hotspot.label if alert.hotspot is not None else alert.key.partition(":")[2]
        return f"热点「{label}」" if lang == "zh" else f"hotspot “{label}”"
    place = alert.area_code or "?"
    if alert.grid is not None:
        place = alert.grid.name if lang == "zh" else (alert.grid.name_en or alert.grid.name)
    category = ""
    if alert.category is not None:
        category = alert.category.name if lang == "zh" else (alert.category.name_en or alert.category.name)
    return f"{place} · {category}" if category else place


def evidence(alert: Alert, lang: str = "zh") -> str:
    """Return the count against what was expected, in the alert's window."""
    hours = f"{alert.window_hours:g}"
    if lang == "zh":
        grew = "新增" if alert.kind == "hotspot" else ""
        return f"近 {hours} 小时{grew} {alert.count} 件上报，预期约 {alert.expected:.1f} 件"
    return f"{alert.count} reports in {hours} h where about {alert.expected:.1f} were expected"


def notify_alert(alert: Alert) -> int:
    """Tell every supervisor (in-app notification; the caller commits)."""
    kind = "热点增长过快" if alert.kind == "hotspot" else "上报数量异常升高"
    return notify(supervisors(), None, "alert", f"预警（{kind}）：{subject(alert)}，{evidence(alert)}。")
