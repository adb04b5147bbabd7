"""Simplified Chinese of the data-sharing pages (数据共享), merged into the admin catalogue."""

SHARING_ZH = {
    "Data sharing": "数据共享", "Sharing audit": "共享审计", "Data sharing request {id}": "数据共享申请（第 {id} 号）",
    "Departments ask the platform for the data they need; the command centre reviews each request and every access "
    "is logged.": "各部门通过平台申请所需数据，由指挥中心逐一审核，每次访问均有记录。",
    "Request data": "申请数据", "Send for review": "提交审核", "Request {id} sent for review.": "第 {id} 号申请已提交审核。",
    "No requests yet.": "暂无申请。", "No.": "编号", "Requested": "申请时间", "Request No.": "申请编号",
    "Categories": "类别", "Areas": "区域", "Data from": "数据起始日期", "Data until": "数据截止日期",
    "Use until": "使用期限至", "Period of the data": "数据时段", "Personal data": "个人信息", "Purpose": "用途",
    "With personal data (names, phone numbers, exact locations)": "含个人信息（姓名、电话号码、精确位置）",
    "with personal data": "含个人信息", "no (masked)": "否（已脱敏）", "Asked": "申请", "Granted": "批准",
    "Review": "审核", "Reason for narrowing": "缩小范围的理由", "Reason for refusing": "拒绝理由",
    "Reason for revoking": "撤销理由", "Refused.": "已拒绝。", "Approved.": "已批准。",
    "Approved with a narrower scope.": "已缩小范围后批准。", "Revoked": "撤销", "Revoked.": "已撤销。",
    "Approve as asked, or narrow it: fewer categories or areas, a shorter period or use, no personal data (say why).":
        "可按申请批准，也可缩小范围：减少类别或区域、缩短数据时段或使用期限、不含个人信息（须说明理由）。",
    "Dates left empty keep what was asked.": "日期留空则按申请内容。",
    "Links and keys": "链接与密钥", "Kind": "类型", "Valid until": "有效期至", "Valid until {time}": "有效期至 {time}",
    "None yet.": "暂无。", "New export link": "生成导出链接", "New API key": "生成接口密钥", "key": "密钥",
    "New export link — copy it now, it is not shown again:": "新的导出链接（请立即复制，之后不再显示）：",
    "New API key — copy it now, it is not shown again:": "新的接口密钥（请立即复制，之后不再显示）：",
    "Send it in the request header": "调用时放在请求头",
    "Accesses": "访问记录", "No access yet.": "暂无访问。", "Link or key": "链接或密钥", "Format": "格式",
    "Rows": "行数", "Outcome": "结果", "Stop": "停用", "Stopped.": "已停用。",
}
