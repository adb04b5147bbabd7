"""Words of data sharing people read: status and kind names, and the notices (Simplified Chinese first, English)."""
from server.models import DataShareRequest
from server.web.localtime import format_city

STATUS_NAMES = {"pending": ("待审核", "Pending"), "approved": ("已批准", "Approved"), "refused": ("已拒绝", "Refused"),
                "revoked": ("已撤销", "Revoked")}
KIND_NAMES = {"reports": ("上报", "Reports"), "cases": ("案件", "Cases")}
OUTCOME_NAMES = {"ok": ("已提供", "Served"), "share_expired": ("已过期", "Expired"),
                 "share_revoked": ("已撤销", "Revoked"), "share_not_approved": ("未批准", "Not approved"),
                 "cut_off": ("下载中断", "Cut off")}

_NOTICES = {
    "requested": ("{dept}申请共享数据（第 {id} 号，{kind}），请审核。",
                  "{dept_en} asks for shared data (request {id}, {kind_en}); please review."),
    "approved": ("您的数据共享申请（第 {id} 号）已批准，使用期限至 {until}。",
                 "Your data-sharing request {id} is approved, for use until {until}."),
    "narrowed": ("您的数据共享申请（第 {id} 号）已缩小范围后批准，使用期限至 {until}。理由：{note}",
                 "Your data-sharing request {id} is approved with a narrower scope, for use until {until}. "
                 "Reason: {note}"),
    "refused": ("您的数据共享申请（第 {id} 号）未获批准。理由：{note}",
                "Your data-sharing request {id} is refused. Reason: {note}"),
    "revoked": ("数据共享（第 {id} 号）已被撤销，其链接和密钥已停用。理由：{reason}",
                "Data sharing {id} is revoked; its links and keys no longer work. Reason: {reason}"),
}


def name_of(table: dict, key: str, lang: str = "zh") -> str:
    """A key's name in one language (the key itself when unknown)."""
    names = table.get(key)
    return key if names is None else names[0 if lang == "zh" else 1]


def notice_both(kind: str, request: DataShareRequest) -> tuple[str, str]:
    """A notice about a request in Chinese and English."""
    dept = request.department
    values = {"id": request.id, "dept": dept.name if dept else "", "dept_en": (dept.name_en or dept.name) if dept else "",
              "kind": name_of(KIND_NAMES, request.kind), "kind_en": name_of(KIND_NAMES, request.kind, "en"),
              "until": format_city(request.granted_until), "note": request.review_note or "—",
              "reason": request.revoke_reason or "—"}
    zh, en = _NOTICES[kind]
    return zh.format(**values), en.format(**values)
