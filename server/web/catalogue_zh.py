"""Simplified Chinese for the API's messages, keyed by the English text (``{name}`` matches any value, itself looked
up here: statuses, roles, actions). Used by ``server.web.i18n``."""

# The generic sentence for each error code: what a Chinese reader gets when a message has no entry below.
CODE_ZH = {
    "validation_error": "请求中有无效的字段。", "unprocessable_entity": "请求中有无效的字段。",
    "bad_request": "请求无法识别。", "invalid_json": "请求内容不是有效的 JSON。", "bad_json": "请求内容须为 JSON 对象。",
    "invalid_text": "请求中含有非文本字符。", "invalid_value": "请求中的某个值超出范围。",
    "unauthorized": "请先登录。", "invalid_token": "登录已失效，请重新登录。", "invalid_credentials": "用户名或密码错误。",
    "forbidden": "您无权执行此操作。", "not_found": "未找到，或您无权查看。", "method_not_allowed": "不支持该请求方法。",
    "conflict": "记录已被其他请求修改，请重试。", "invalid_transition": "案件当前状态不允许此操作。",
    "already_rated": "该上报已评价过。", "already_registered": "该手机号已注册，请直接登录。",
    "uuid_conflict": "该编号已用于另一条不同的上报，请为新上报生成新编号。",
    "payload_too_large": "上传内容超过大小限制。", "request_entity_too_large": "上传内容超过大小限制。",
    "too_large": "文件超过大小限制。", "unsupported_media_type": "不支持的内容类型。",
    "too_many_requests": "请求过于频繁，请稍后再试。", "rate_limited": "请求过于频繁，请稍后再试。",
    "internal_error": "服务器内部出错，已记录，请稍后再试。", "database_unavailable": "数据库暂时不可用，请稍后再试。",
    "service_unavailable": "服务暂时不可用，请稍后再试。", "no_grid": "您尚未分配网格，请联系管理员。",
}
STATUS_ZH = {400: "请求无法处理。", 401: "请先登录。", 403: "您无权执行此操作。", 404: "未找到，或您无权查看。",
             405: "不支持该请求方法。", 409: "请求与已有记录冲突。", 413: "上传内容超过大小限制。",
             415: "不支持的内容类型。", 422: "请求中有无效的字段。", 429: "请求过于频繁，请稍后再试。",
             500: "服务器内部出错，已记录，请稍后再试。", 503: "服务暂时不可用，请稍后再试。"}

# Notes the system writes on case events (a person's notes are shown as written): the API's case events carry them
# in the reader's language (``note_text``), the admin's timeline too.
SYSTEM_NOTES_ZH = {
    "from report {report}": "由上报 #{report} 立案", "automatic dispatch": "自动派发",
    "report {report} reports the same hazard": "上报 #{report} 反映的是同一隐患，已并入本案件",
    "{count} reports of the same hazard joined, report {first} to report {last}":
        "{count} 份同一隐患的上报先后并入本案件（上报 #{first} 至 #{last}）",
    "{people} people report it: level {old} -> {new}": "{people} 人反映同一问题，等级由 {old} 级调整为 {new} 级",
    "reporter dissatisfied": "报告人不满意",
}

ZH = {
    **SYSTEM_NOTES_ZH,
    # HTTP and the error shape
    "The request has invalid fields.": "请求中有无效的字段。",
    "The request was well-formed but was unable to be followed due to semantic errors.": "请求中有无效的字段。",
    "The browser (or proxy) sent a request that this server could not understand.": "请求无法识别。",
    "The requested URL was not found on the server. If you entered the URL manually please check your spelling and "
    "try again.": "未找到请求的地址。",
    "The method is not allowed for the requested URL.": "该地址不支持此请求方法。",
    "The request body is larger than the upload limit.": "请求内容超过上传大小限制。",
    "A value in the request is out of range.": "请求中的某个值超出范围。",
    "The record was changed at the same time by another request; retry.": "记录已被其他请求同时修改，请重试。",
    "The database is unavailable; try again shortly.": "数据库暂时不可用，请稍后再试。",
    "Something went wrong on our side; it has been logged.": "服务器内部出错，已记录，请稍后再试。",
    "Invalid JSON body.": "JSON 格式有误。", "Send application/json or multipart/form-data.":
        "请以 application/json 或 multipart/form-data 发送。",
    "The body must be a JSON object.": "请求内容须为 JSON 对象。",
    "The JSON body is nested more than {depth} levels deep.": "JSON 内容嵌套超过 {depth} 层。",
    # marshmallow's own messages
    "Missing data for required field.": "必填项，不能为空。", "Field may not be null.": "不能为空。",
    "Unknown field.": "不支持的字段。", "Invalid input type.": "输入类型无效。", "Invalid value.": "取值无效。",
    "Invalid input.": "输入无效。", "Invalid type.": "类型无效。", "Not a valid integer.": "须为整数。",
    "Not a valid number.": "须为数字。", "Not a valid string.": "须为文本。", "Not a valid boolean.": "须为是或否。",
    "Not a valid list.": "须为列表。", "Not a valid mapping type.": "须为对象。", "Not a valid date.": "不是有效的日期。",
    "Not a valid datetime.": "不是有效的日期时间。", "Not a valid time.": "不是有效的时间。",
    "Not a valid UUID.": "不是有效的 UUID。", "Not a valid URL.": "不是有效的网址。",
    "Not a valid email address.": "不是有效的电子邮箱地址。", "Not a valid tuple.": "须为数组。",
    "Not a valid utf-8 string.": "不是有效的 UTF-8 文本。", "Not a valid period of time.": "不是有效的时长。",
    "Not a valid {kind}.": "取值无效。", "Not a valid {awareness} {kind}.": "日期时间的时区形式不符合要求。",
    "Number too large.": "数值过大。", "Special numeric values (nan or infinity) are not permitted.": "不允许 NaN 或无穷大。",
    "String does not match expected pattern.": "格式不符合要求。",
    "Must be one of: {choices}.": "须为以下之一：{choices}。", "Must be equal to {other}.": "须等于 {other}。",
    "Length must be between {min} and {max}.": "长度须在 {min} 到 {max} 之间。", "Length must be {equal}.": "长度须为 {equal}。",
    "Longer than maximum length {max}.": "长度不能超过 {max}。", "Shorter than minimum length {min}.": "长度不能少于 {min}。",
    "Must be greater than or equal to {min} and less than or equal to {max}.": "须在 {min} 到 {max} 之间。",
    "Must be greater than {min} and less than {max}.": "须大于 {min} 且小于 {max}。",
    "Must be greater than or equal to {min}.": "须大于或等于 {min}。", "Must be greater than {min}.": "须大于 {min}。",
    "Must be less than or equal to {max}.": "须小于或等于 {max}。", "Must be less than {max}.": "须小于 {max}。",
    "One or more of the choices you made was not in: {choices}.": "所选项须在以下范围内：{choices}。",
    # accounts and sign-in
    "Sign in first: send 'Authorization: Bearer <token>'.": "请先登录（请求须带 Authorization: Bearer 令牌）。",
    "The token is unknown, expired or revoked; sign in again.": "登录已失效，请重新登录。",
    "Your role may not do this.": "您的角色无权执行此操作。", "Wrong username or password.": "用户名或密码错误。",
    "This phone number already has an account; sign in instead.": "该手机号已注册，请直接登录。",
    "Staff accounts are closed by an administrator.": "工作人员账号须由管理员注销。",
    "Wrong password; the account was not deleted.": "密码错误，账号未注销。",
    "Set confirm to true to delete the account; it cannot be undone.": "注销账号须确认（confirm 为 true），注销后无法恢复。",
    "Password must have at least {n} characters.": "密码至少需要 {n} 个字符。",
    "Password must have at most {n} characters.": "密码最多 {n} 个字符。",
    "Password must not be only digits.": "密码不能全是数字。",
    "Password must mix at least two of letters, digits and symbols.": "密码须包含字母、数字、符号中的至少两种。",
    "This password is too common; choose another.": "该密码过于常见，请换一个。",
    "Password must not be or contain your username or phone number.": "密码不能是或包含您的用户名或手机号。",
    "A mainland mobile number of 11 digits, starting with 1 (e.g. 13800000009 or +86 138 0000 0009).":
        "须为以 1 开头的 11 位中国大陆手机号（如 13800000009 或 +86 138 0000 0009）。",
    "Too many sign-in attempts from this address; wait and try again.": "该地址登录尝试过多，请稍后再试。",
    "Too many failed sign-ins for this account from here; wait and try again.": "该账号在此处登录失败次数过多，请稍后再试。",
    "Too many failed sign-ins from this address; wait and try again.": "该地址登录失败次数过多，请稍后再试。",
    "Too many sign-ups from this address; try again later.": "该地址注册次数过多，请稍后再试。",
    "Too many failed sign-ins for this account; wait and try again, or sign in where you usually do.":
        "该账号登录失败次数过多，请稍后再试，或在常用的地点登录。",
    "Too many reports from this account; wait and try again.": "上报过于频繁，请稍后再试。",
    "Too many reports from this address; wait and try again.": "此网络地址上报过于频繁，请稍后再试。",
    # reports and media
    "A different report was already sent with this client_uuid; make a new UUID for a new report.":
        "该编号（client_uuid）已用于另一条不同的上报，请为新上报生成新编号。",
    "No report {id} that you may see.": "没有您可查看的第 {id} 号上报。", "No report {id} of yours.": "您没有第 {id} 号上报。",
    "No such file that you may see.": "没有您可查看的该文件。", "This file has no thumbnail.": "该文件没有缩略图。",
    "No such file on your report.": "您的上报中没有该文件。",
    "At most {n} file(s) in '{field}'.": "“{field}”最多 {n} 个文件。",
    "Give both lat and lon, or neither.": "经纬度须同时填写或同时不填。",
    "The file is not an image. Send a JPEG, PNG or WebP photo.": "该文件不是图片，请发送 JPEG、PNG 或 WebP 格式的照片。",
    "The image is damaged or incomplete and cannot be read.": "图片已损坏或不完整，无法读取。",
    "The image has too many pixels{detail}.": "图片像素过多，请换一张较小的照片。",
    "The image has too many pixels.": "图片像素过多，请换一张较小的照片。",
    "Audio encoded as {codec} is not accepted.": "不支持该录音编码（{codec}）。",
    "The recording has no sound in it (its length is zero).": "录音中没有声音（时长为零）。",
    "The recording could not be processed. Send M4A, 3GP, OGG, WebM, MP3 or WAV audio.":
        "录音无法处理，请发送 M4A、3GP、OGG、WebM、MP3 或 WAV 格式的录音。",
    "The video could not be processed. Send the video as MP4 (H.264).": "视频无法处理，请以 MP4（H.264）格式发送。",
    "The {what} is empty (0 bytes).": "文件为空（0 字节）。",
    "Four numbers: min_lon,min_lat,max_lon,max_lat.": "须为四个数：最小经度、最小纬度、最大经度、最大纬度。",
    # cases
    "No case {id} that you may see.": "没有您可查看的第 {id} 号案件。", "No action {action}.": "没有这个操作：{action}。",
    "A {role} may not {action} a case.": "{role}不能对案件执行“{action}”。",
    "Your department is not on this case.": "本部门不在该案件的承办单位中。",
    "Only the lead department may {action} this case.": "只有主办部门可以对该案件执行“{action}”。",
    "Only the reporter may rate the handling of their report.": "只有报告人可以评价办理情况。",
    "This report has already been rated.": "该上报已评价过。",
    "Residents follow their cases through their reports.": "居民请通过自己的上报跟踪案件。",
    "Verification (核查) needs at least one photo taken on site.": "核查须至少附一张现场照片。",
    "The new deadline must be later than the current one.": "新的办理时限须晚于当前时限。",
    "An extension may add at most {n} days.": "延期最多 {n} 天。", "No such other case.": "没有这个目标案件。",
    "A redispatch names the new lead department.": "改派须指定新的主办部门。",
    "Give either resolve_by or days.": "请填写新时限（resolve_by）或延长天数（days）之一。",
    "Cannot be in the future.": "不能晚于现在。", "Must be later than since.": "须晚于起始时间。",
    # emergency plans (server/plans/service.validate_plans)
    "unknown category {code}": "未知类别 {code}", "a second plan for {code} at level {level}":
        "类别 {code} 在 {level} 级已有预案", "unknown department(s): {list}": "未知部门：{list}",
    "a department appears twice": "同一部门出现了两次", "exactly one department leads (role lead)":
        "须有且仅有一个牵头部门（role 为 lead）",
    "Unknown category: {code}": "未知类别：{code}", "Unknown status(es): {list}.": "未知状态：{list}。",
    "Verification falls to the grid worker of the case's grid, else of its community or street, else to a "
    "supervisor.": "核查由案件所在网格的网格员负责，其次为同社区或同街道的网格员，再次为指挥中心。",
    "No plan task {id} on this case.": "该案件没有第 {id} 号预案任务。",
    "Only supervisors activate emergency plans.": "只有指挥中心可以启动应急预案。",
    "Only the department a plan task belongs to may mark it done.": "只有预案任务所属部门可以将其标为完成。",
    "No patrol task {id} of yours.": "您没有第 {id} 号巡查任务。",
    "You are not assigned to a grid; ask an admin.": "您尚未分配网格，请联系管理员。",
    "No category {code}.": "没有这个类别：{code}。",
    "No webhook {id} that you may manage.": "没有您可管理的第 {id} 号 Webhook。",
    "Staff register webhooks for their own department only.": "工作人员只能为本部门登记 Webhook。",
    "Your account has no department.": "您的账号未关联部门。",
    # more reports, media and supports
    "already used for a different report": "已用于另一条不同的上报",
    "A {role} cannot report through channel '{channel}'.": "{role}不能通过“{channel}”渠道上报。",
    "At most {n} photos.": "最多 {n} 张照片。",
    "Say what the hazard is: give text, a voice recording or a photo.": "请说明隐患：填写文字，或附上录音或照片。",
    "No open report {id}.": "没有未办结的第 {id} 号上报。",
    "This report is already handled; report it again if it is back.": "该上报已办结；如问题再次出现，请重新上报。",
    "This client_uuid was already used for another report.": "该编号（client_uuid）已用于另一条上报。",
    "The request contains characters that are not text (NUL or an unpaired surrogate).": "请求中含有非文本字符。",
    "The file has no audio in it.": "文件中没有音频。", "The file contains video. Send a voice recording.":
        "文件中含有视频，请发送录音。",
    "The recording is {n} seconds long; the limit is {limit} seconds.": "录音时长 {n} 秒，超过 {limit} 秒的上限。",
    "The file could not be decoded as audio.": "无法将文件解码为音频。",
    "The recording is damaged or incomplete and cannot be played.": "录音已损坏或不完整，无法播放。",
    "The video is {size} MB, over the {limit} MB limit.": "视频大小 {size} MB，超过 {limit} MB 的上限。",
    "Send the video as MP4.": "请以 MP4 格式发送视频。",
    "The video is damaged or incomplete and cannot be played.": "视频已损坏或不完整，无法播放。",
    "The file has no video stream in it.": "文件中没有视频画面。",
    "Video encoded as {codec} is not accepted.": "不支持该视频编码（{codec}）。",
    "The video frame {width}×{height} is too large.": "视频画面 {width}×{height} 过大。",
    "The video is {n} seconds long; the limit is {limit} seconds.": "视频时长 {n} 秒，超过 {limit} 秒的上限。",
    "The video cannot be decoded.": "视频无法解码。",
    "The image claims {width}x{height} pixels but is only {size} bytes: it looks like a decompression bomb, not a "
    "photo.": "图片声称有 {width}x{height} 像素却只有 {size} 字节，不像是照片，已拒收。",
    "Too many requests from this address; wait and try again.": "该地址请求过于频繁，请稍后再试。",
    # more cases, plans, hotspots, patrols, webhooks
    "The case is already at level {level}.": "案件已是 {level} 级。",
    "only a closed case can be a model case": "只有已办结的案件可以设为典型案例",
    "A plan is already active on this case.": "该案件已启动预案。", "This task is already done.": "该任务已完成。",
    "This plan is already completed.": "该预案已全部完成。",
    "Your department no longer holds this case (it is {status}).": "本部门已不再承办该案件（当前状态：{status}）。",
    "The plan names unknown departments: {list}.": "预案中有不存在的部门：{list}。",
    "Every member's case is closed; link an existing case instead.": "该热点各上报的案件均已办结，请改为关联已有案件。",
    "Choose at least one other hotspot.": "请至少选择一个要合并的热点。", "Choose reports of this hotspot.":
        "请选择本热点的上报。", "A label is required.": "请填写名称。", "No such case.": "没有这个案件。",
    "Must be within {n} days of today (in the city).": "须在今天（本市时间）前后 {n} 天之内。",
    "No delivery {id}.": "没有第 {id} 号推送记录。", "Give the department code.": "请填写部门代码。",
    "Send the key in the {header} header.": "请在请求头 {header} 中发送密钥。",
    # webhook addresses (server/webhooks/netpolicy.py, service.py): the problem's text stays as the check found it
    "url: a host is required": "网址：须包含主机名", "url: the host is not a valid host name": "网址：主机名无效",
    "url: webhooks may not be sent to {problem}": "网址：Webhook 不能发往该地址（{problem}）",
    "url: write an IPv4 address as four decimal numbers (a.b.c.d), an IPv6 address in brackets, or use the host name":
        "网址：IPv4 地址请写成四个十进制数（a.b.c.d），IPv6 地址请加方括号，或使用主机名",
    "url: give a fully qualified host name": "网址：请填写完整的域名",
    "url: an absolute {schemes} URL of at most 500 characters, without spaces or control characters":
        "网址：须为 {schemes} 绝对网址，不超过 500 个字符，不含空格或控制字符",
    "url: an absolute {schemes} URL of at most 500 characters": "网址：须为 {schemes} 绝对网址，不超过 500 个字符",
    "url: no user name or password in the URL (the signature authenticates deliveries)":
        "网址：不能包含用户名或密码（推送以签名认证）",
    "url: the port is not a number from 1 to 65535": "网址：端口须为 1 到 65535 之间的数字",
    "url: {host} does not resolve to addresses webhooks may reach (public, or WEBHOOK_ALLOWED_CIDRS)":
        "网址：{host} 解析出的地址不可推送（须为公网地址，或在 WEBHOOK_ALLOWED_CIDRS 允许的网段内）",
    "url: {host} is {problem}": "网址：{host} 不可推送（{problem}）",
    "events: choose from {list}": "事件：请从以下选择：{list}", "no department {code}": "没有这个部门：{code}",
    "this department already has a webhook with that URL": "本部门已登记过该网址的 Webhook",
    "department {code} already has {n} active webhooks, the most allowed (WEBHOOK_MAX_PER_DEPARTMENT); disable one "
    "first": "部门 {code} 已有 {n} 个启用的 Webhook，已达上限（WEBHOOK_MAX_PER_DEPARTMENT），请先停用一个",
    "wrong password": "密码错误",
    "Unknown department(s): {list}": "未知部门：{list}", "voice recording": "录音",
    "cannot activate a plan on a case that is {status}": "案件当前状态为“{status}”，不能启动预案",
    # words that fill the placeholders above
    "resident": "居民", "grid_worker": "网格员", "dept_staff": "部门人员", "supervisor": "指挥中心", "admin": "管理员",
    "dispatch": "派发", "sign": "签收", "send_back": "退单", "start": "开始处置", "feedback": "处置反馈",
    "extend_request": "申请延期", "extend_decide": "延期审批", "verify": "核查", "close": "办结", "reopen": "重启",
    "escalate": "督办", "merge": "合并", "rule_send_back": "退单裁定", "rule_rating": "评价裁定",
    "waive_verification": "免核查",
}

from server.web.catalogue_sharing_zh import SHARING_ZH  # noqa: E402  (data sharing keeps its own list)

ZH.update(SHARING_ZH)
