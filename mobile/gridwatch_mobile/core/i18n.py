"""The app's messages in Simplified Chinese (first) and English, switchable at runtime."""
from .messages_extra import EN, ZH

MESSAGES = {
    "zh": {
        "app.name": "网格安全", "app.tagline": "隐患随手拍 · 网格巡查",
        "common.back": "返回", "common.refresh": "刷新", "common.save": "保存", "common.cancel": "取消",
        "common.ok": "确定", "common.loading": "加载中…", "common.offline_cached": "离线：显示上次同步的内容",
        "common.network_error": "无法连接服务器，请检查网络或服务器地址",
        "common.empty": "暂无内容",
        "login.username": "手机号或用户名", "login.password": "密码", "login.submit": "登录",
        "login.to_register": "没有账号？居民注册", "login.settings": "服务器设置",
        "login.failed": "用户名或密码错误", "login.missing": "请输入账号和密码",
        "register.title": "居民注册", "register.phone": "手机号（11位）", "register.password": "密码（至少10位）",
        "register.name": "称呼（可选，如：张女士）", "register.submit": "注册并登录",
        "register.to_login": "已有账号？去登录",
        "home.hello": "您好，{name}", "home.role.resident": "居民", "home.role.grid_worker": "网格员",
        "home.role.other": "用户", "home.new_report": "上报隐患", "home.my_reports": "我的上报",
        "home.patrol": "今日巡查", "home.verify": "核查任务", "home.outbox": "待发送 {n} 条",
        "home.settings": "设置", "home.sign_out": "退出登录", "home.synced": "全部已发送",
        "home.pending": "{n} 条待发送", "home.offline": "离线：{n} 条将在联网后自动发送",
        "home.wifi_only": "仅在 Wi-Fi 下发送：{n} 条等待中", "home.signed_out": "请重新登录后发送",
        "report.title": "上报隐患", "report.category": "隐患类别", "report.category_none": "请选择类别（可不选）",
        "report.text": "描述隐患：在哪里、什么情况……", "report.voice": "语音", "report.record": "按下录音",
        "report.stop": "停止录音", "report.play": "播放", "report.stop_play": "停止播放",
        "report.delete_voice": "删除录音", "report.pick_audio": "选择录音文件", "report.recording": "录音中 {s} 秒",
        "report.voice_ready": "已录音 {s} 秒", "report.photos": "照片（最多6张）", "report.take_photo": "拍照",
        "report.pick_photo": "从相册选择", "report.photo_count": "已选 {n} 张", "report.clear_photos": "清除照片",
        "report.location": "位置", "report.locate": "获取定位", "report.locating": "定位中…",
        "report.located": "已定位：{place}",
        "report.address": "地址或位置描述（如：桂花园小区7栋）",
        "report.anonymous": "匿名上报（对外隐藏我的姓名）", "report.submit": "提交上报",
        "report.saved": "已保存，联网后自动发送", "report.need_content": "请填写描述、录音或拍照",
        "report.too_many_photos": "最多6张照片",
        "report.patrol_from": "来自巡查：{place}",
        "mine.title": "我的上报", "mine.detail": "上报详情", "mine.timeline": "办理进度",
        "mine.feedback": "部门处置反馈", "mine.no_feedback": "暂无处置反馈", "mine.rate": "评价办理结果",
        "mine.rated": "您已评价：{rating}", "mine.rate_after_close": "办结后可评价", "mine.unsent": "尚未发送",
        "rating.satisfied": "满意", "rating.basically_satisfied": "基本满意", "rating.dissatisfied": "不满意",
        "patrol.title": "今日巡查", "patrol.grid": "网格：{grid}", "patrol.progress": "已查 {a}/{t} 项，隐患 {h} 项",
        "patrol.none": "今天没有巡查任务", "patrol.ok": "正常", "patrol.hazard": "隐患",
        "patrol.submit": "提交巡查结果", "patrol.submitted": "巡查结果已保存，联网后自动发送",
        "patrol.nothing": "还没有检查任何项目", "patrol.checklist": "检查清单",
        "verify.title": "核查任务", "verify.none": "暂无待核查的案件", "verify.case": "案件 {number}",
        "verify.result": "处置结果：{result}", "verify.passed": "核查通过", "verify.note": "核查说明",
        "verify.submit": "提交核查", "verify.need_photo": "核查需要至少一张现场照片",
        "verify.saved": "核查已保存，联网后自动发送", "verify.select": "选择",
        "settings.title": "设置", "settings.server": "服务器地址", "settings.language": "语言 Language",
        "settings.wifi_only": "仅在 Wi-Fi 下发送照片和录音", "settings.saved": "设置已保存",
        "settings.bad_server": "服务器地址应以 http:// 或 https:// 开头",
        "account.delete_title": "删除账号", "account.delete": "删除我的账号", "account.delete_confirm": "确认永久删除",
        "account.delete_note": "删除后无法恢复：您上报的隐患会保留，但不再显示您的姓名、电话和录音。",
        "account.delete_password": "请输入密码以确认删除", "account.delete_ask": "再点一次即永久删除账号",
        "account.deleted": "账号已删除",
        "outbox.title": "待发送", "outbox.sync_now": "立即发送", "outbox.retry": "重试", "outbox.discard": "删除",
        "outbox.resend_new": "作为新上报重发", "outbox.attempts": "尝试 {n} 次", "outbox.empty": "没有待发送的内容",
        "kind.report": "隐患上报", "kind.patrol_results": "巡查结果", "kind.verification": "核查",
        "kind.rating": "评价",
        "sync.queued": "排队中", "sync.sending": "发送中", "sync.sent": "已发送",
        "sync.failed_retryable": "发送失败，稍后重试", "sync.failed_permanent": "被服务器拒绝",
        "sync.conflict": "编号冲突",
        "stage.outbox": "待发送", "stage.received": "已受理", "stage.transcribed": "研判中",
        "stage.analysed": "已研判", "stage.routed": "已分派", "stage.failed": "待人工处理",
        "case.received": "已受理", "case.dispatched": "已派发",
        "case.accepted": "已签收", "case.returned": "已退单", "case.extension_requested": "延期申请中",
        "case.in_progress": "处置中", "case.feedback_submitted": "已反馈", "case.closed": "已办结",
        "case.reopened": "已重启", "case.escalated": "督办中", "case.merged": "已合并",
        "notify.status": "您的上报有新进展", "notify.status_body": "“{text}”：{status}",
        "device.no_recorder": "此设备无法录音（未找到 PortAudio/sounddevice），可选择录音文件",
        "device.no_camera": "此设备没有相机，请从相册选择",
        "device.permission_denied": "未获得权限：{what}",
        "chooser.title": "选择文件", "chooser.choose": "选择",
    },
    "en": {
        "app.name": "GridWatch", "app.tagline": "Report hazards · Grid patrols",
        "common.back": "Back", "common.refresh": "Refresh", "common.save": "Save", "common.cancel": "Cancel",
        "common.ok": "OK", "common.loading": "Loading…", "common.offline_cached": "Offline: showing the last sync",
        "common.network_error": "Cannot reach the server; check the network or the server address",
        "common.empty": "Nothing here yet",
        "login.username": "Phone number or username", "login.password": "Password", "login.submit": "Sign in",
        "login.to_register": "No account? Register as a resident", "login.settings": "Server settings",
        "login.failed": "Wrong username or password", "login.missing": "Enter your account and password",
        "register.title": "Register", "register.phone": "Mobile number (11 digits)",
        "register.password": "Password (10+ characters)", "register.name": "Name (optional)",
        "register.submit": "Register and sign in", "register.to_login": "Have an account? Sign in",
        "home.hello": "Hello, {name}", "home.role.resident": "Resident", "home.role.grid_worker": "Grid worker",
        "home.role.other": "User", "home.new_report": "Report a hazard", "home.my_reports": "My reports",
        "home.patrol": "Today's patrol", "home.verify": "Verification", "home.outbox": "Outbox: {n}",
        "home.settings": "Settings", "home.sign_out": "Sign out", "home.synced": "Everything sent",
        "home.pending": "{n} waiting to send", "home.offline": "Offline: {n} will be sent when online",
        "home.wifi_only": "Wi-Fi only: {n} waiting", "home.signed_out": "Sign in again to send",
        "report.title": "Report a hazard", "report.category": "Category", "report.category_none": "Choose (optional)",
        "report.text": "What and where…", "report.voice": "Voice", "report.record": "Record",
        "report.stop": "Stop", "report.play": "Play", "report.stop_play": "Stop playing",
        "report.delete_voice": "Delete recording", "report.pick_audio": "Choose audio file",
        "report.recording": "Recording {s} s", "report.voice_ready": "Recorded {s} s",
        "report.photos": "Photos (up to 6)", "report.take_photo": "Take photo", "report.pick_photo": "Choose photos",
        "report.photo_count": "{n} selected", "report.clear_photos": "Clear photos", "report.location": "Location",
        "report.locate": "Locate me", "report.locating": "Locating…", "report.located": "Located: {place}",
        "report.address": "Address or landmark",
        "report.anonymous": "Stay anonymous to the public", "report.submit": "Submit",
        "report.saved": "Saved; it will be sent when online", "report.need_content": "Add text, voice or a photo",
        "report.too_many_photos": "At most 6 photos",
        "report.patrol_from": "From patrol: {place}",
        "mine.title": "My reports", "mine.detail": "Report", "mine.timeline": "Progress",
        "mine.feedback": "Department's feedback", "mine.no_feedback": "No feedback yet", "mine.rate": "Rate the handling",
        "mine.rated": "You rated: {rating}", "mine.rate_after_close": "You can rate once it is closed",
        "mine.unsent": "Not sent yet",
        "rating.satisfied": "Satisfied", "rating.basically_satisfied": "Mostly satisfied",
        "rating.dissatisfied": "Dissatisfied",
        "patrol.title": "Today's patrol", "patrol.grid": "Grid: {grid}",
        "patrol.progress": "{a}/{t} checked, {h} hazards", "patrol.none": "No patrol tasks today",
        "patrol.ok": "OK", "patrol.hazard": "Hazard", "patrol.submit": "Submit results",
        "patrol.submitted": "Saved; it will be sent when online", "patrol.nothing": "Nothing checked yet",
        "patrol.checklist": "Checklist",
        "verify.title": "Verification", "verify.none": "No cases waiting for verification",
        "verify.case": "Case {number}", "verify.result": "Result: {result}", "verify.passed": "Verified OK",
        "verify.note": "Note", "verify.submit": "Submit verification", "verify.need_photo": "Take at least one photo",
        "verify.saved": "Saved; it will be sent when online", "verify.select": "Open",
        "settings.title": "Settings", "settings.server": "Server address", "settings.language": "语言 Language",
        "settings.wifi_only": "Send photos and voice on Wi-Fi only", "settings.saved": "Settings saved",
        "settings.bad_server": "The address starts with http:// or https://",
        "account.delete_title": "Delete account", "account.delete": "Delete my account",
        "account.delete_confirm": "Delete for good",
        "account.delete_note": "This cannot be undone: your hazard reports stay, without your name, number or voice.",
        "account.delete_password": "Enter your password to confirm", "account.delete_ask": "Tap again to delete the "
        "account for good",
        "account.deleted": "Account deleted",
        "outbox.title": "Outbox", "outbox.sync_now": "Send now", "outbox.retry": "Retry", "outbox.discard": "Delete",
        "outbox.resend_new": "Send as a new report", "outbox.attempts": "{n} attempts",
        "outbox.empty": "Nothing waiting",
        "kind.report": "Report", "kind.patrol_results": "Patrol results", "kind.verification": "Verification",
        "kind.rating": "Rating",
        "sync.queued": "Queued", "sync.sending": "Sending", "sync.sent": "Sent",
        "sync.failed_retryable": "Failed; will retry", "sync.failed_permanent": "Rejected by the server",
        "sync.conflict": "UUID conflict",
        "stage.outbox": "Not sent", "stage.received": "Received", "stage.transcribed": "Being assessed",
        "stage.analysed": "Analysed", "stage.routed": "Routed", "stage.failed": "Needs a person",
        "case.received": "Received", "case.dispatched": "Dispatched",
        "case.accepted": "Accepted", "case.returned": "Returned", "case.extension_requested": "Extension asked",
        "case.in_progress": "In progress", "case.feedback_submitted": "Feedback filed", "case.closed": "Closed",
        "case.reopened": "Reopened", "case.escalated": "Escalated", "case.merged": "Merged",
        "notify.status": "Your report has news", "notify.status_body": "“{text}”: {status}",
        "device.no_recorder": "This device cannot record (no PortAudio/sounddevice); choose an audio file",
        "device.no_camera": "No camera; choose photos instead",
        "device.permission_denied": "Permission denied: {what}",
        "chooser.title": "Choose a file", "chooser.choose": "Choose",
    },
}


for _lang, _extra in (("zh", ZH), ("en", EN)):
    MESSAGES[_lang].update(_extra)


def translate(lang: str, key: str, **values) -> str:
    """A message in a language (falling back to Chinese, then to the key)."""
    text = MESSAGES.get(lang, {}).get(key) or MESSAGES["zh"].get(key) or key
    return text.format(**values) if values else text


def step_key(step: dict, report: dict) -> str | None:
    """The message key of a timeline step; the voice step says 语音已识别 only when there is a transcript, and a
    report without a recording has no voice step (None)."""
    if step.get("stage") != "transcribed":
        return status_key(step.get("stage") or "received")
    if any((t.get("corrected_text") or t.get("text") or "").strip() for t in report.get("transcripts") or []):
        return "stage.transcribed_text"
    if any(m.get("kind") == "audio" for m in report.get("media") or []):
        return "stage.voice_no_text"
    return None


def status_key(stage: str) -> str:
    """The message key of a report stage or case status (``case.closed``, ``routed``, ``outbox``)."""
    return stage if stage.startswith("case.") else f"stage.{stage}"
