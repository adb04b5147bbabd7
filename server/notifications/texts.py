"""Every notice's text, in Simplified Chinese and English: one template pair per kind.

A notice is stored in both languages (``message`` and ``message_en``); the inbox answers in the reader's language
(Accept-Language, or the admin session's), and the outbound channel sends the Chinese text (the user model has no
language of its own). Times in the texts are the city's (``CITY_TIMEZONE``, ``format_city``).
"""
TEXTS: dict[str, tuple[str, str]] = {
    # residents: their report's way
    "report_accepted": ("您的上报已于 {time} 受理，案件编号 {num}。",
                        "Your report was accepted at {time} as case {num}."),
    "report_joined": ("您的上报已于 {time} 并入同一隐患的案件 {num}，将一并处置。",
                      "Your report joined case {num} about the same hazard at {time}; they are handled together."),
    "report_dispatched": ("您上报的案件 {num} 已于 {time} 派发至{dept}处置。",
                          "Case {num} from your report was sent to {dept_en} at {time}."),
    "report_handled": ("您上报的案件 {num} 已于 {time} 处置完毕，等待核查办结。",
                       "Case {num} from your report was handled at {time}; it awaits verification and closing."),
    "report_closed": ("您上报的案件 {num} 已于 {time} 办结，请对处置结果进行评价。",
                      "Case {num} from your report was closed at {time}. Please rate how it was handled."),
    "report_reopened": ("您上报的案件 {num} 已于 {time} 重新启动处置。",
                        "Case {num} from your report was reopened at {time}; it is being handled again."),
    # residents who support a report of the case (我也遇到了): the same steps, no request to rate
    "support_dispatched": ("您关注的隐患（案件 {num}）已于 {time} 派发至{dept}处置。",
                           "A hazard you also reported (case {num}) was sent to {dept_en} at {time}."),
    "support_handled": ("您关注的隐患（案件 {num}）已于 {time} 处置完毕，等待核查办结。",
                        "A hazard you also reported (case {num}) was handled at {time}; it awaits verification "
                        "and closing."),
    "support_closed": ("您关注的隐患（案件 {num}）已于 {time} 办结。感谢您的反映。",
                       "A hazard you also reported (case {num}) was closed at {time}. Thank you for reporting it."),
    "support_reopened": ("您关注的隐患（案件 {num}）已于 {time} 重新启动处置。",
                         "A hazard you also reported (case {num}) was reopened at {time}; it is being handled again."),
    # grid workers
    "verify_waiting": ("案件 {num}（{grid}）已处置反馈，请到现场核查。",
                       "Case {num} ({grid}) has its handling filed: please verify it on site."),
    "verify_fallback": ("案件 {num}（{grid}，该网格无网格员）已处置反馈，由您代为到现场核查。",
                        "Case {num} ({grid}, a grid without its own grid worker) has its handling filed: "
                        "please verify it on site in its stead."),
    # department staff
    "dispatched": ("新案件 {num} 已派发，请在时限内签收。", "New case {num} was dispatched to you: sign for it in time."),
    "deadline_sign": ("案件 {num} 将于 {time} 到签收时限，请尽快签收。",
                      "Case {num} must be signed for by {time}: please sign for it soon."),
    "deadline_resolve": ("案件 {num} 将于 {time} 到办理时限，请尽快处置并反馈。",
                         "Case {num} must be resolved by {time}: please handle it and file feedback soon."),
    "extension_decided": ("案件 {num} 的延期申请{verdict}。", "The extension request of case {num} was {verdict_en}."),
    "reopened": ("案件 {num} 已重启，请重新处置。", "Case {num} was reopened: please handle it again."),
    "closed": ("案件 {num} 已办结。", "Case {num} was closed."),
    "escalated": ("案件 {num} 已超时，被督办（{reason}）。", "Case {num} is overdue and was escalated ({reason_en})."),
    "plan_activated": ("案件 {num} 已启动“{plan}”，请按预案落实本部门任务。",
                       "Case {num}: the plan \u201c{plan}\u201d was activated; carry out your department's tasks."),
    "plan_completed": ("案件 {num} 的“{plan}”各部门任务已全部完成。",
                       "Case {num}: every department's task of \u201c{plan}\u201d is done."),
    # supervisors
    "manual_dispatch": ("新案件 {num} 待人工派单。", "New case {num} waits for dispatch by hand."),
    "send_back": ("案件 {num} 被退单：{reason}", "Case {num} was sent back: {reason}"),
    "extension": ("案件 {num} 申请延期至 {until}。", "Case {num} asks for an extension until {until}."),
    "feedback": ("案件 {num} 已提交处置反馈，待网格员核查后办结。",
                 "Case {num} has its handling filed; it closes after a grid worker's verification."),
    "feedback_no_grid": ("案件 {num} 已提交处置反馈，待审核办结。", "Case {num} has its handling filed: review and close it."),
    "verify_supervisor": ("案件 {num} 已提交处置反馈；该网格及所在社区、街道均无网格员，请核查或免核查（须填写原因）。",
                          "Case {num} has its handling filed; no grid worker serves its grid, community or street: "
                          "verify it, or waive verification with a reason."),
    "verified": ("案件 {num} 网格员核查{verdict}。", "Case {num}: the grid worker's verification {verdict_en}."),
    "dissatisfied": ("案件 {num} 的报告人不满意，请裁定是否重启。",
                     "The reporter of case {num} is dissatisfied: decide whether to reopen it."),
    "plan_task_done": ("案件 {num}：{dept}已完成预案任务（{done}/{total}）。",
                       "Case {num}: {dept_en} finished its plan task ({done}/{total})."),
}
ESCALATION_REASONS = {"sign_overdue": ("超过签收时限", "not signed for in time"),
                      "resolve_overdue": ("超过办理时限", "not resolved in time"), "manual": ("人工督办", "by hand")}


def render(kind: str, **values) -> tuple[str, str]:
    """(Chinese, English) text of a notice; ``values`` fill both templates (``x_en`` falls back to ``x``)."""
    zh, en = TEXTS[kind]
    filled = {**{f"{k}_en": v for k, v in values.items()}, **values}
    return zh.format(**filled), en.format(**filled)
