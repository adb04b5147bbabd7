"""The notification bell and page: my notices (mark read, open the case), and for supervisors what went out."""
from flask import g, redirect, render_template, request, url_for

from server.extensions import db
from server.models import Notification
from server.notifications import inbox

from admin.blueprint import bp
from ..auth import ADMIN, DEPT, SUPERVISOR, login_required
from ..catalogue_zh import ZH
from ..i18n import lang

PER_PAGE = 20
ZH.update({
    "Notifications": "消息通知", "Unread notifications": "未读通知", "Mark read": "标为已读",
    "Mark all read": "全部标为已读", "Open the case": "查看案件", "No notifications.": "暂无通知。",
    "Unread": "未读", "Read": "已读", "Outbound deliveries": "对外发送记录", "Channel": "渠道", "Recipient": "接收人",
    "Attempts": "尝试次数", "Sent": "已发送", "pending": "待发送", "failing": "重试中", "sent": "已发送",
    "failed": "发送失败", "no_address": "无联系方式", "Previous": "上一页", "Next": "下一页",
    "Page {page} of {pages}": "第 {page} / {pages} 页", "Time": "时间", "Message": "内容", "Status": "状态",
})


@bp.app_context_processor
def _bell():
    """The unread count in every admin page's header."""
    user = g.get("admin_user") if request.blueprint == "admin" else None
    return {"unread_notices": inbox.unread(user.id) if user is not None else 0}


@bp.get("/notifications")
@login_required(SUPERVISOR, DEPT, ADMIN)
def notifications():
    """My notices, newest first, 20 a page; supervisors and admins also see the latest outbound deliveries."""
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    found = inbox.page_of(g.admin_user.id, page, PER_PAGE)
    sent = None
    if g.admin_user.role in (SUPERVISOR, ADMIN):
        sent = [inbox.present_delivery(r) for r in inbox.deliveries(1, 20).items]
    return render_template("admin/notifications.html", notices=inbox.present(found.items, lang()), found=found,
                           deliveries=sent)


@bp.post("/notifications/<int:notice_id>/read")
@login_required(SUPERVISOR, DEPT, ADMIN)
def notification_read(notice_id: int):
    """Mark one of my notices read; with ``open`` go on to its case."""
    inbox.mark_read(g.admin_user.id, [notice_id])
    case_id = db.session.execute(db.select(Notification.case_id).where(
        Notification.id == notice_id, Notification.user_id == g.admin_user.id)).scalar()
    if request.form.get("open") and case_id:
        return redirect(url_for("admin.case_detail", case_id=case_id))
    return redirect(url_for("admin.notifications", page=request.form.get("page", 1, type=int)))


@bp.post("/notifications/read")
@login_required(SUPERVISOR, DEPT, ADMIN)
def notifications_read_all():
    """Mark all my notices read."""
    inbox.mark_read(g.admin_user.id, None)
    return redirect(url_for("admin.notifications"))
