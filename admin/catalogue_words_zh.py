"""Simplified Chinese for what the system records and the admin pages show as words: system notes on case events,
recorded decisions and reasons, transcript states, queue names, audit log actions (``audit:<code>``) and their
details' keys."""
from server.web.catalogue_zh import SYSTEM_NOTES_ZH

WORDS_ZH = {
    # system notes on case events (admin.i18n.event_note): kept once, with the API's catalogue
    **SYSTEM_NOTES_ZH, "{people} people report it: level {old} → {new}": "{people} 人反映同一问题，等级由{old}调整为{new}",
    "人工派单": "人工派单",
    # recorded values
    "uphold": "维持", "redispatch": "改派", "reopen": "重启", "manual": "人工督办", "sign_overdue": "超过签收时限",
    "resolve_overdue": "超过办理时限", "dissatisfied_rating": "不满意评价",
    "ok": "正常", "low_confidence": "待核对", "unavailable": "无法自动转写",
    "embedded": "内置队列", "rq": "RQ", "log": "日志（演示通道）", "sms": "短信", "reports": "上报处理", "transcribe": "语音转写", "maintenance": "维护任务",
    "webhooks": "Webhook 推送", "notifications": "通知", "failed": "失败", "workers": "工作进程",
    # audit log details
    "plan": "预案", "since": "起始", "until": "截止", "created": "新增", "updated": "更新", "kind": "类型",
    "prefix": "前缀", "role": "角色", "password_changed": "已改密码", "department": "部门", "grid": "网格",
    "username": "用户名", "reason": "理由", "fields": "字段", "count": "数量", "label": "名称", "case": "案件",
    # audit log actions
    "audit:api_key.create": "新建 API 密钥", "audit:api_key.revoke": "吊销 API 密钥", "audit:areas.import": "导入区域",
    "audit:case.activate_plan": "启动应急预案", "audit:case.model_mark": "设为典型案例",
    "audit:case.model_unmark": "取消典型案例", "audit:department.create": "新增部门", "audit:department.update": "修改部门",
    "audit:export": "导出数据", "audit:job.retry": "重试任务", "audit:reply_template.put": "保存答复模板",
    "audit:reply_template.reset": "恢复默认答复模板", "audit:report.retry": "重新处理上报",
    "audit:share.request": "申请数据共享", "audit:share.approve": "批准数据共享", "audit:share.refuse": "拒绝数据共享",
    "audit:share.revoke": "撤销数据共享", "audit:share.narrow": "缩小范围批准数据共享",
    "audit:share.credential": "签发共享链接或密钥", "audit:share.credential_revoke": "停用共享链接或密钥",
    "audit:sign_in": "登录", "audit:sign_in_failed": "登录失败", "audit:sign_in_refused": "拒绝登录（角色不适用）",
    "audit:sign_out": "退出", "audit:taxonomy.update": "修改分类与派单规则", "audit:transcript.correct": "校正转写",
    "audit:user.create": "新增用户", "audit:user.update": "修改用户", "audit:hotspot.confirm": "确认热点",
    "audit:hotspot.dismiss": "驳回热点", "audit:hotspot.merge": "合并热点", "audit:hotspot.split": "拆分热点",
    "audit:hotspot.link": "关联案件", "audit:hotspot.label": "修改热点名称", "audit:hotspot.open_case": "由热点立案",
}
