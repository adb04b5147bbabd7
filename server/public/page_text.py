"""The public page's words: Simplified Chinese first, English by ``?lang=en`` (``TEXT`` for the page, ``JS_TEXT`` for
what its script shows)."""

TEXT = {
    "zh": {
        "title": "隐患随手拍", "subtitle": "GridWatch 网格安全隐患上报：不用装应用，在浏览器里上报、查询、看地图。",
        "switch": "English", "nav": "页面导航", "tab_report": "我要上报", "tab_follow": "查询进度", "tab_map": "隐患地图",
        "account": "身份", "as_phone": "用手机号登录", "as_guest": "不登录，匿名上报",
        "guest_note": "不登录也能上报：提交后会给您一个只显示一次的查询链接，请妥善保存。",
        "phone": "手机号", "password": "密码", "sign_in": "登录", "register": "注册新账号", "sign_out": "退出登录",
        "category": "隐患类别", "choose_category": "请选择类别", "text": "情况描述",
        "text_hint": "发生了什么、在哪里、有没有人员受困或受伤", "photos": "照片", "take_photo": "拍照",
        "choose_photos": "从相册选择", "voice": "语音", "record": "开始录音", "stop": "停止录音",
        "choose_audio": "选择录音文件", "remove_voice": "删除录音", "place": "位置", "locate": "使用我的位置",
        "map_label": "地图：点击放置位置图钉；键盘可用方向键移动地图，回车在中心放置图钉", "no_map": "无法使用地图？输入地址",
        "address": "详细地址", "address_hint": "如：桂花园小区3栋2单元楼道", "anonymous": "对公众和部门隐藏我的身份",
        "nearby": "附近同类未办结的反映", "nearby_note": "如果是同一件事，点“我也遇到了”即可，不必重复上报。",
        "submit": "提交上报", "retry": "重新提交", "follow_title": "查询上报进度",
        "report_number": "上报编号", "follow_button": "查询", "follow_note": "登录后可按编号查询自己的上报；"
        "匿名上报请打开提交后得到的查询链接。", "map_title": "近期隐患与已办结案件",
        "map_note": "位置已模糊到约 200 米网格，不显示任何个人信息。", "filter_category": "类别",
        "all_categories": "全部类别", "filter_status": "状态", "status_all": "全部", "status_open": "办理中",
        "status_closed": "已办结", "filter_days": "时间范围", "days_7": "近 7 天", "days_30": "近 30 天",
        "days_90": "近 90 天", "apply": "筛选", "map_list": "地图上的点（文字列表）", "skip": "跳到主要内容",
        "footer": "紧急情况请直接拨打 119、110、120。", "photo_preview": "已选照片",
    },
    "en": {
        "title": "Report a hazard", "subtitle": "GridWatch hazard reporting in the browser: report, follow and see the "
        "map without installing the app.",
        "switch": "中文", "nav": "Sections", "tab_report": "Report", "tab_follow": "Follow", "tab_map": "Map",
        "account": "Who you are", "as_phone": "Sign in with my phone number", "as_guest": "Report without an account",
        "guest_note": "You can report without an account: afterwards you get a follow-up link shown only once; keep it.",
        "phone": "Phone number", "password": "Password", "sign_in": "Sign in", "register": "Create an account",
        "sign_out": "Sign out", "category": "Kind of hazard", "choose_category": "Choose a kind",
        "text": "What is wrong", "text_hint": "What happened, where, is anybody trapped or hurt",
        "photos": "Photos", "take_photo": "Take a photo", "choose_photos": "Choose from the album", "voice": "Voice note",
        "record": "Record", "stop": "Stop", "choose_audio": "Choose a recording", "remove_voice": "Remove the recording",
        "place": "Place", "locate": "Use my location", "map_label": "Map: click to put the pin where the hazard is; with the keyboard, move the "
        "map with the arrow keys and press Enter to put the pin at its centre",
        "no_map": "Can't use the map? Type the address", "address": "Address",
        "address_hint": "e.g. Building 3, unit 2 stairwell, Guihuayuan", "anonymous": "Hide who I am from the public "
        "and departments", "nearby": "Open reports of the same kind nearby",
        "nearby_note": "If it is the same thing, press “Me too” instead of reporting it again.",
        "submit": "Send the report", "retry": "Send again", "follow_title": "Follow a report",
        "report_number": "Report number", "follow_button": "Look up", "follow_note": "Signed in, look up your reports "
        "by number; a report made without an account is followed with the link you got when you sent it.",
        "map_title": "Recent hazards and closed cases", "map_note": "Places are coarsened to about 200 m; no personal "
        "data is shown.", "filter_category": "Kind", "all_categories": "All kinds", "filter_status": "Status",
        "status_all": "All", "status_open": "Being handled", "status_closed": "Closed", "filter_days": "Period",
        "days_7": "Last 7 days", "days_30": "Last 30 days", "days_90": "Last 90 days", "apply": "Filter",
        "map_list": "The map's dots as a list", "skip": "Skip to the main content",
        "footer": "In an emergency call 119, 110 or 120.", "photo_preview": "Chosen photos",
    },
}

_STATUS_ZH = {"processing": "正在研判", "received": "已受理", "dispatched": "已派发", "accepted": "已签收",
              "returned": "已退单，重新派发中", "extension_requested": "延期申请中", "in_progress": "处置中",
              "feedback_submitted": "已反馈，待核查", "closed": "已办结", "reopened": "已重新办理",
              "escalated": "督办中", "merged": "已与相同问题合并"}
_STATUS_EN = {"processing": "being assessed", "received": "received", "dispatched": "sent to a department",
              "accepted": "signed for by the department", "returned": "sent back, being re-dispatched",
              "extension_requested": "extension asked", "in_progress": "being handled",
              "feedback_submitted": "handled, being checked", "closed": "closed", "reopened": "reopened",
              "escalated": "escalated", "merged": "merged with the same problem"}

JS_TEXT = {
    "zh": {
        "status": _STATUS_ZH, "ratings": {"satisfied": "满意", "basically_satisfied": "基本满意",
                                          "dissatisfied": "不满意"},
        "signed_in": "已登录：", "guest": "匿名访客", "locating": "正在定位…", "located": "已定位，可在地图上拖动图钉调整。",
        "no_location": "无法获取位置，请在地图上点选或输入地址。", "pin_set": "已放置图钉：",
        "recording": "正在录音…", "recorded": "已录音", "no_mic": "无法使用麦克风，可选择录音文件。",
        "sending": "正在提交…", "sent": "已提交，上报编号：", "resent": "此前已提交过，上报编号：",
        "follow_link": "请保存这个查询链接（只显示这一次）：", "copy": "复制链接", "copied": "已复制",
        "network": "网络异常，内容已保留，请稍后点“重新提交”（不会重复上报）。", "error": "提交失败：",
        "need_something": "请填写描述、拍照或录音。", "me_too": "我也遇到了", "supported": "已记录您也遇到了，谢谢！",
        "people": "人反映", "none_nearby": "附近没有同类未办结的反映。", "stage": "当前状态",
        "timeline": "办理经过", "feedback": "部门反馈", "result": "处置结果", "measures": "处置措施",
        "rate_title": "回访评价", "rate_button": "提交评价", "comment": "意见（可选）", "rated": "您的评价：",
        "thanks": "感谢您的评价！", "not_found": "找不到这个编号的上报，或它不是您的上报。", "need_sign_in": "请先登录。",
        "count": "件", "last": "最近：", "map_empty": "所选范围内没有记录。", "photo_alt": "部门反馈照片",
        "report": "上报", "stages": {"received": "已收到", "transcribed": "已转写", "analysed": "已研判",
                                     "routed": "已转办", "failed": "处理失败"},
    },
    "en": {
        "status": _STATUS_EN, "ratings": {"satisfied": "Satisfied", "basically_satisfied": "Mostly satisfied",
                                          "dissatisfied": "Not satisfied"},
        "signed_in": "Signed in: ", "guest": "guest", "locating": "Finding your location…",
        "located": "Located; drag the pin to adjust.", "no_location": "No location; click the map or type the address.",
        "pin_set": "Pin at ", "recording": "Recording…", "recorded": "Recorded",
        "no_mic": "No microphone; you may choose a recording file.", "sending": "Sending…",
        "sent": "Sent. Report number: ", "resent": "Already sent earlier. Report number: ",
        "follow_link": "Keep this follow-up link (shown only this once): ", "copy": "Copy the link", "copied": "Copied",
        "network": "Network problem: your report is kept; press “Send again” later (it will not be sent twice).",
        "error": "Not sent: ", "need_something": "Give a description, a photo or a voice note.", "me_too": "Me too",
        "supported": "Counted: thank you!", "people": "people", "none_nearby": "No open reports of this kind nearby.",
        "stage": "Status", "timeline": "History", "feedback": "The department's feedback", "result": "Result",
        "measures": "Measures", "rate_title": "Rate the handling", "rate_button": "Send the rating",
        "comment": "Comment (optional)", "rated": "Your rating: ", "thanks": "Thank you for your rating!",
        "not_found": "No report of yours with this number.", "need_sign_in": "Sign in first.", "count": "",
        "last": "latest: ", "map_empty": "Nothing in this range.", "photo_alt": "Photo of the department's feedback",
        "report": "Report", "stages": {"received": "received", "transcribed": "transcribed", "analysed": "assessed",
                                       "routed": "handed on", "failed": "could not be processed"},
    },
}
