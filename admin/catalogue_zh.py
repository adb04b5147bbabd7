"""Simplified Chinese for every English text of the admin pages (the English text is the key)."""
ZH = {
    # frame, sign-in, errors
    "GridWatch": "网格安全隐患上报与处置平台", "Menu": "菜单", "Sign in": "登录", "Sign out": "退出",
    "Username": "用户名", "Password": "密码", "Back": "返回",
    "For the command centre, departments and administrators.": "供指挥中心、职能部门和系统管理员使用。",
    "Wrong username or password.": "用户名或密码错误。",
    "Not for your role": "当前角色无权访问", "Not found": "未找到", "Not possible": "无法执行",
    "Your role may not open this page. Use the menu, or sign in with another account.":
        "您的角色无权打开此页面。请使用菜单，或换一个账号登录。",
    "There is nothing here that you may see.": "这里没有您可以查看的内容。",
    "The form expired": "表单已失效",
    "The page was open too long or came from elsewhere. Go back, reload and try again.":
        "页面打开时间过长或来源不明。请返回、刷新后重试。",
    "Thank you for taking part. The admin pages are for the command centre, departments and administrators; "
    "as a {role}, please use the GridWatch phone app to report hazards and follow them.":
        "感谢您的参与！管理后台仅供指挥中心、职能部门和系统管理员使用；{role}请使用手机App上报隐患并跟踪办理进度。",
    "Sign in with another account": "换一个账号登录",
    # menu
    "Overview": "总览", "City map": "一张图", "Hotspot review": "热点研判", "Supervisor queues": "指挥调度",
    "Department inbox": "部门待办", "Cases": "案件", "Transcripts": "语音转写", "Department metrics": "部门考核",
    "Jobs": "任务监控", "Exports": "数据导出", "Administration": "系统管理", "Audit log": "操作日志",
    "Taxonomy & routing": "分类与派单规则", "Departments": "部门", "Areas & grids": "区域与网格",
    "Users & roles": "用户与角色", "API keys": "API 密钥",
    # overview
    "Reports today": "今日上报", "Open cases": "在办案件", "Overdue cases": "超期案件", "Last 14 days": "近14天趋势",
    "Open cases by state": "在办案件状态分布", "Reports": "上报", "Cases closed": "办结案件",
    "Showing the first report and the newest {shown} of {total}.": "显示首报与最新 {shown} 份，共 {total} 份。",
    "All reports": "查看全部上报", "No reports.": "没有上报。",
    "Page {page} of {pages}; tick reports to move out on each page.": "第 {page} / {pages} 页；移出上报请在每页分别勾选。",
    "The newest {shown} of {total} positions.": "显示最新 {shown} 个位置，共 {total} 个。",
    "Hottest hotspots": "热度最高的热点", "Hotspot": "热点", "Heat": "热度", "Last report": "最近上报",
    "No overdue cases.": "没有超期案件。", "Overdue": "已超期",
    "Early warnings": "预警", "Raised": "预警时间", "Alert": "预警对象", "Evidence": "依据", "Significance": "显著性",
    # cases
    "Case": "案件", "Category": "类别", "Severity": "等级", "Status": "状态", "Sign by": "签收时限",
    "Resolve by": "办理时限", "assist": "协办", "lead": "主办", "Lead": "主办", "Previous": "上一页", "Next": "下一页",
    # case search
    "Address": "地址", "Reported": "上报时间", "Clear": "清空", "Reported from": "上报起始日",
    "Reported until": "上报截止日", "Case number, words of a report, or an address": "案件编号、上报内容或地址",
    "Some search fields were not understood; showing all cases.": "部分查询条件无法识别，已显示全部案件。",
    "All": "全部", "Filter": "筛选", "No cases.": "没有案件。", "Actions": "操作", "Timeline": "办理过程",
    "Details": "详情", "Audit chain verifies": "留痕链校验通过", "Audit chain broken": "留痕链校验失败",
    "Nothing for you to do on this case now.": "该案件目前没有需要您处理的操作。", "system": "系统",
    "Requested deadline": "申请的办理时限", "Grid verification": "网格员核查", "waiting": "待核查",
    "Suggestions": "系统建议", "Rating": "评价", "Emergency plan": "应急预案", "Photo": "照片",
    "reason": "理由", "measures": "处置措施", "result": "处置结果", "personnel": "出动人员", "equipment": "装备",
    "decision": "裁定", "satisfied": "满意", "basically_satisfied": "基本满意", "dissatisfied": "不满意",
    "Transcript": "转写", "(no transcript)": "（无转写文本）", "corrected": "已校正", "Correct": "校正",
    "uncategorised": "未分类", "No such case.": "没有这个案件。", "Unknown action.": "未知操作。",
    "Please check the form: {errors}": "请检查表单：{errors}", "{action}: done for case {number}.": "案件 {number}：{action}成功。",
    "Emergency plan activated: {name}": "已启动应急预案：{name}",
    # action forms
    "Sign for": "签收", "Note": "备注", "Start handling": "开始处置", "File feedback": "处置反馈",
    "Measures taken": "处置措施", "Result": "处置结果", "Personnel": "出动人员", "Equipment": "装备",
    "Photos": "照片", "Voice note": "语音", "Video": "视频", "Submit feedback": "提交反馈", "Send back": "退单",
    "Internal note (staff only)": "内部备注（仅工作人员可见）",
    "Reply to the public (the reporter and Open311 see it)": "对外答复（报告人和 Open311 可见）",
    "Reason": "理由", "Ask for an extension": "申请延期", "Working days to add": "延长工作日数", "Dispatch": "派发",
    "Lead department": "主办部门", "Assisting departments": "协办部门", "Rule on the send-back": "退单裁定",
    "Uphold the dispatch (same departments sign again)": "不予认可（原部门重新签收）", "Redispatch to": "改派至",
    "Rule": "裁定", "Decide the extension": "延期审批", "Approve": "批准", "Refuse": "不批准", "Close": "办结",
    "Close the case": "办结案件", "Reopen": "重启", "Rule on the dissatisfied rating": "不满意评价裁定",
    "Uphold the closing": "维持办结", "Escalate": "督办", "Merge into another case": "并入其他案件",
    "Case id": "案件编号（ID）", "Merge": "合并", "Activate emergency plan": "启动应急预案",
    # queues and inbox
    "Manual dispatch": "人工派单", "Send-backs": "退单裁定", "Extensions": "延期审批", "Feedback review": "反馈审核",
    "Dissatisfied ratings": "不满意裁定", "Emergency plans": "应急预案", "This queue is empty.": "该队列为空。",
    "To do": "待办", "Waiting for the command centre": "等待指挥中心", "Closed": "已办结", "Nothing here.": "暂无。",
    # hotspots
    "To review": "待研判", "Confirmed": "已确认", "Dismissed": "已排除", "Keywords": "关键词", "Growth": "增长",
    "No hotspots here.": "这里没有热点。", "suggested": "待研判", "reviewed": "已研判", "confirmed": "已确认",
    "dismissed": "已排除", "merged": "已合并", "Decide": "研判", "Confirm and open a case": "确认并立案",
    "Link to case id (empty: the hotspot's own case)": "关联案件ID（留空：使用热点自身的案件）",
    "Merge the members' other open cases into it": "将成员报告的其他在办案件并入该案件", "Confirm": "确认",
    "Dismiss": "排除", "Relabel": "重新命名", "Label": "名称", "Save": "保存", "Merge hotspots": "合并热点",
    "Merge into this hotspot": "并入本热点", "Move reports out": "移出报告",
    "Tick the reports below that do not belong here.": "勾选下方不属于本热点的报告。", "Move out": "移出",
    "move out": "移出", "Map": "地图", "Trend": "趋势", "Reviews": "研判记录", "Time": "时间", "Who": "操作人",
    "Decision": "决定", "Not reviewed yet.": "尚未研判。", "confirm": "确认并立案", "link": "关联案件",
    "dismiss": "排除", "merge": "合并热点", "merged_into": "并入其他热点", "move_out": "移出报告", "relabel": "重新命名",
    "Hotspot confirmed; case {number}.": "热点已确认，案件 {number}。", "Hotspot dismissed.": "热点已排除。",
    "{count} reports merged into this hotspot.": "已将 {count} 条报告并入本热点。",
    "{count} reports moved out.": "已移出 {count} 条报告。", "Hotspot renamed.": "热点已重新命名。",
    # map
"Case state": "案件状态", "Apply": "应用", "last {n} days": "近{n}天", "Grids": "网格",
    "Hotspots": "热点", "Offline base map: grid polygons": "离线底图：网格边界", "Open": "打开",
    # transcripts
    "Report": "报告", "Corrected": "校正文本", "No voice reports yet.": "暂无语音上报。",
    "Correct transcript": "校正转写", "Original (Whisper)": "原始转写（Whisper）", "Corrected text": "校正后的文本",
    "Save correction": "保存校正", "Corrections": "校正记录", "Before": "校正前", "After": "校正后",
    "No corrections yet.": "暂无校正。", "Correction saved; the original transcript is kept.": "校正已保存，原始转写保留。",
    "Write the corrected text (at most {n} characters).": "请填写校正后的文本（最多{n}字）。",
    # metrics
    "Period": "考核周期", "Show": "查询", "Rank": "排名", "Department": "部门", "Assigned": "派件数",
    "Signed in time": "按时签收", "Response rate": "响应率", "Resolution rate": "解决率",
    "Satisfaction rate": "满意率", "On-time rate": "按时办结率", "Hours to sign": "平均签收时长（时）",
    "Hours to resolve": "平均办理时长（时）", "Score": "综合得分", "Ranking": "排名",
    "Nothing was assigned, due or rated in this period.": "该周期内没有派件、到期或评价的事项。",
    "Due for signing": "应签收", "Due for resolution": "应办结", "Resolved": "已解决", "Ratings": "评价数",
    "How the rates are counted": "口径说明",
    "Period: a calendar month, China time. Only what fell due in the period counts: a case whose deadline has not "
    "passed and that is not done yet is not a failure.":
        "统计周期为自然月（北京时间）。只统计本周期内到期的事项：时限未到且尚未办完的案件不计为失败。",
    "Response rate = signed in time / due for signing. A sign-for falls due at the earlier of the signature and "
    "the sign-for deadline (lead and assisting departments).":
        "响应率 = 按时签收数 / 应签收数。签收时间与签收时限中较早者落在本周期的，计入本周期应签收（主办、协办单位均计）。",
    "Resolution rate = resolved / due for resolution. A lead case falls due at the earlier of its closing and its "
    "resolve-by deadline; resolved: closed, with no dissatisfied rating waiting for a supervisor's ruling.":
        "解决率 = 已解决数 / 应办结数。主办案件的办结时间与办理时限中较早者落在本周期的，计入本周期应办结；"
        "已解决指已办结、且没有等待指挥中心裁定的不满意评价。",
    "Satisfaction rate = (satisfied + basically satisfied) / ratings given in the period on the department's lead "
    "cases.": "满意率 =（满意 + 基本满意）/ 本周期内对本部门主办案件的评价数。",
    "On-time rate = closed with the last feedback by the resolve-by deadline / due for resolution. Hours to "
    "resolve: from assignment to the last feedback.":
        "按时办结率 = 最后一次处置反馈在办理时限内且已办结的案件数 / 应办结数。平均办理时长：从派件到最后一次处置反馈。",
    "Score = response rate × {response}% + resolution rate × {resolution}% + satisfaction rate × {satisfaction}% "
    "(rates without data left out); ranked by score.":
        "综合得分 = 响应率 × {response}% + 解决率 × {resolution}% + 满意率 × {satisfaction}%（无数据的项不计），按得分排名。",
    # jobs
    "No Redis is configured: reports are processed by a worker thread inside the web server. Queue lengths below "
    "are that thread's; failed jobs are retried by the sweeper, and reports it gave up on are listed at the bottom.":
        "未配置 Redis：上报由网站服务进程内的工作线程处理。下方为该线程的队列长度；失败任务由巡检程序自动重试，放弃处理的上报列在页面底部。",
    "The queue cannot be reached: {error}": "无法连接任务队列：{error}", "Reports in processing": "处理中的上报",
    "Failed jobs": "失败任务", "Job": "任务", "Queue": "队列", "Arguments": "参数", "Ended": "结束时间",
    "Error": "错误", "Retry": "重试", "No failed jobs.": "没有失败任务。",
    "Reports the pipeline gave up on": "处理失败的上报", "When": "时间", "None.": "无。",
    "transcribe": "语音转写队列", "default": "旧默认队列", "workers": "工作进程",
    "reports": "上报处理队列", "maintenance": "维护任务队列", "webhooks": "Webhook 推送队列",
    "The embedded backend keeps no failed jobs.": "内置队列不保留失败任务。", "Could not retry: {error}": "无法重试：{error}",
    "Job {id} queued again.": "任务 {id} 已重新排队。", "Report #{id} queued again.": "上报 #{id} 已重新排队。",
    "That report is not waiting for a retry.": "该上报不需要重试。",
    # exports
    "From": "开始日期", "Until (exclusive)": "结束日期（不含）", "Data": "数据", "Formats": "格式",
    "Reports (masked text)": "上报（已脱敏）",
    "Times are in {zone}. Every export is recorded in the audit log.": "时间均为{zone}。每次导出都记入操作日志。",
    # administration
    "Routing rule: a subcategory's reports go to its lead department, with the assisting departments; the "
    "classifier and the pipeline pick up changes within a minute.":
        "派单规则：各小类的上报派给其主办部门，并抄送协办部门；分类器和处理流程在一分钟内生效。",
    "Code": "代码", "Name": "名称", "English name": "英文名称", "In use": "启用",
    "Check the department codes and the severity: {codes}": "请检查部门代码和等级：{codes}", "Saved {code}.": "已保存 {code}。",
    "Type": "类型", "Phone": "电话", "yes": "是", "no": "否", "Add a department": "新增部门", "Add": "新增",
    "emergency_response": "应急处置", "operational_support": "运行保障", "coordination": "统筹协调",
    "A department needs a code (capital letters, digits, _), a name and a type.": "部门需要代码（大写字母、数字、下划线）、名称和类型。",
    "Role": "角色", "Staff": "工作人员", "Grid": "网格", "May sign in": "允许登录", "New password": "新密码",
    "Add an account": "新增账号", "Account {name} created.": "账号 {name} 已创建。",
    "Could not create the account: {error}": "无法创建账号：{error}",
    "You cannot change your own role or lock yourself out.": "不能修改自己的角色或停用自己的账号。",
    "Department staff need a department; grid workers need a grid.": "部门人员须指定部门，网格员须指定网格。",
    "district": "区", "street": "街道", "community": "社区", "grid": "网格", "Upload GeoJSON": "上传 GeoJSON",
    "A FeatureCollection of Polygon or MultiPolygon features in WGS 84, with properties code, name, level (district, "
    "street, community, grid), parent (the parent's code) and optionally name_en. Areas are matched by code: new ones "
    "are added, known ones updated. Nothing is stored if any feature is wrong.":
        "WGS 84 坐标的 FeatureCollection，要素为 Polygon 或 MultiPolygon，属性包括 code、name、level（district、street、"
        "community、grid）、parent（上级代码），可选 name_en。按代码匹配：新代码新增，已有代码更新；任一要素有误则全部不导入。",
    "File": "文件", "Import": "导入", "Level": "层级", "Parent": "上级",
    "The file was not imported: {error}": "文件未导入：{error}", "Imported: {created} new, {updated} updated.":
        "已导入：新增 {created} 个，更新 {updated} 个。",
    "Prefix": "前缀", "Created": "创建时间", "Last used": "最近使用", "revoked": "已吊销", "active": "有效",
    "Revoke": "吊销", "No keys yet.": "暂无密钥。", "Create a key": "创建密钥", "Create": "创建",
    "New key for {name} — copy it now, it is not shown again:": "{name} 的新密钥（请立即复制，之后不再显示）：",
    "Could not create the key: {error}": "无法创建密钥：{error}", "Key {name} revoked.": "密钥 {name} 已吊销。",
    "Action": "操作", "Target": "对象", "Nothing recorded yet.": "暂无记录。",
    "三率": "三率",
    "Why routed to me": "为什么派给我", "Why this routing": "派单依据",
    "Machine suggestions (why)": "系统建议及依据",
    # the case library (案例库)
    "Case library": "案例库", "Similar cases": "相似案例", "Model case": "典型案例", "Model cases only": "只看典型案例",
    "Words": "关键词", "e.g. gas smell in a stairwell": "例如：楼道燃气味", "Search": "搜索",
    "Reply templates": "回复模板", "{n} closed cases": "共 {n} 件已办结案件", "most similar first": "最相似的在前",
    "No closed case matches.": "没有符合条件的已办结案件。", "similarity": "相似度", "Summary": "总结",
    "Took": "用时", "hours": "小时", "not rated": "未评价", "No similar closed case yet.": "暂无相似的已办结案件。",
    "Mark as a model case": "设为典型案例", "Unmark": "取消典型案例", "No longer a model case.": "已取消典型案例。",
    "Marked as a model case.": "已设为典型案例。", "Only a closed case can be a model case.": "只有已办结的案件可以设为典型案例。",
    "Write a summary of 4 to 2000 characters.": "请填写 4 至 2000 字的总结。",
    "Start from the reply template": "从回复模板开始填写",
    "Department staff start their feedback from these. Placeholders filled from the case:":
        "部门人员可从这些模板开始填写处置反馈。以下占位符按案件自动填写：",
    "custom": "已自定义", "shipped": "系统默认", "Saved.": "已保存。",
    "Back to the shipped template": "恢复系统默认模板",
    "Not saved: fill in measures and result, and use only the placeholders listed.":
        "未保存：请填写处置措施和结果，并且只使用列出的占位符。",
    # verification (核查) that never dead-ends
    "Verify": "核查", "Handled": "已处置到位", "Not handled": "未处置到位", "Waiting for": "待办事项",
    "Waive the verification (reason required)": "免核查（需填写原因）", "Waive the verification": "免核查",
    "closing by the command centre (verified, or no grid)": "待指挥中心办结（已核查或无需核查）",
    "No grid worker in this grid, community or street: the command centre may verify or waive the verification":
        "本网格、本社区、本街道均无网格员：可由指挥中心核查或免核查",
    "verification by the grid worker": "待网格员核查：", "this grid": "本网格", "same community": "同社区",
    "same street": "同街道",
    # severity: its reasons and a supervisor's correction (调整等级)
    "corrected by hand": "人工调整", "Corrected by hand": "人工调整", "Why this level": "等级依据",
    "Corrected by the command centre from {old} to {new}": "指挥中心已将等级由{old}调整为{new}",
    "Level and its reasons": "等级及依据", "{n} people report it": "{n}人反映",
    "A corrected level stays: more reports no longer raise it automatically.": "人工调整后的等级不再因多人反映而自动提高。",
    "The grader's reasons": "系统研判依据", "for its own level": "针对系统原判等级",
    "No reasons recorded for this level.": "该等级没有记录依据。", "more people report it": "多人反映，自动提高",
    "Correct the level": "调整等级", "New level": "调整为", "Reason (kept in the audit chain)": "原因（记入留痕审计链）",
    "no category": "未分类", "confidence {p}%": "置信度 {p}%",
    # the department inbox as a table
    "Deadline": "时限", "Suggestion": "系统建议", "Handle": "办理", "Back to the inbox": "返回部门待办",
    "Overdue only": "仅超期", "Not overdue": "未超期",
    "Levels corrected by hand: raised / lowered": "人工调整等级：调高 / 调低",
    "Some filters were not understood; showing all cases of this tab.": "部分筛选条件无法识别，已显示本页签的全部案件。",
}

from .catalogue_sharing_zh import SHARING_ZH  # noqa: E402  (the data-sharing pages keep their own list)
from .catalogue_words_zh import WORDS_ZH  # noqa: E402  (recorded values, system notes, audit actions)

ZH.update(SHARING_ZH)
ZH.update({key: value for key, value in WORDS_ZH.items() if key not in ZH})
