"""The access-control matrix: every API endpoint × every role, with the status each must get.

One row per request. ``path`` names world ids in braces (see world.py); ``body`` is JSON, or ``("multipart", {...})``
to send the fields with one photo. ``expect`` maps the roles, in ``world.ROLES`` order, to statuses:

    anonymous, owner, other_resident, grid_same, grid_other, dept_routed, dept_other, supervisor, admin

404 means "not one you may see" (existence is not revealed); 403 means "your role may not do that"; 409 means the
role may act but the case's state does not allow it (the role check passed). Admins keep the reference data (plans,
users); they do not handle cases: the lifecycle is for supervisors and departments.
Every route under /api/v1 must appear at least once (test_access_matrix checks it), so a new endpoint needs rows.
"""
from collections import namedtuple

Row = namedtuple("Row", "method path body expect note")

FEEDBACK = {"personnel": "王工等3人", "equipment": "检漏仪", "measures": "关阀、更换软管", "result": "漏点已修复"}
ALL_2 = (200,) * 9


def row(method: str, path: str, expect: tuple, body=None, note: str = "") -> Row:
    """A row; ``expect`` has one status per role."""
    assert len(expect) == 9, (method, path)
    return Row(method, path, body, expect, note)


#      anon  owner  other  g_same g_oth  d_rout d_oth  super  admin
MATRIX = [
    # public
    row("GET", "/api/v1/openapi.json", ALL_2),
    row("GET", "/api/v1/categories", ALL_2),
    row("POST", "/api/v1/auth/login", ALL_2, {"username": "13800000003", "password": "demo-resident-2026"}),
    row("POST", "/api/v1/auth/login", (401,) * 9, {"username": "admin", "password": "wrong-pass-1"}),
    row("POST", "/api/v1/auth/register", (201,) * 9, {"phone": "13700000077", "password": "fresh-pass-77"}),
    # the public web page: its map (coarse, no personal data), the map's base, guests reporting without an account
    row("GET", "/api/v1/public/map?status=closed&days=90", ALL_2),
    row("GET", "/api/v1/public/map?status=mine", (422,) * 9),
    row("GET", "/api/v1/public/basemap", ALL_2),
    row("POST", "/api/v1/public/guests", (201,) * 9, {}, "a guest's bearer token, the key of the follow-up link"),
    # the signed-in user
    row("GET", "/api/v1/auth/me", (401, 200, 200, 200, 200, 200, 200, 200, 200)),
    row("POST", "/api/v1/auth/logout", (401, 204, 204, 204, 204, 204, 204, 204, 204)),
    row("POST", "/api/v1/auth/delete", (401, 200, 200, 403, 403, 403, 403, 403, 403),
        {"password": "demo-resident-2026", "confirm": True},
        "residents delete their own account (reports stay, anonymised); staff accounts are closed by admins"),
    row("POST", "/api/v1/auth/delete", (401, 401, 401, 403, 403, 403, 403, 403, 403),
        {"password": "wrong-pass-1", "confirm": True}, "the password confirms it"),
    row("GET", "/api/v1/notifications", (401, 200, 200, 200, 200, 200, 200, 200, 200)),
    row("POST", "/api/v1/notifications/read", (401, 200, 200, 200, 200, 200, 200, 200, 200), {"all": True}),
    row("GET", "/api/v1/notifications/unread", (401, 200, 200, 200, 200, 200, 200, 200, 200)),
    row("GET", "/api/v1/notifications/deliveries", (401, 403, 403, 403, 403, 403, 403, 200, 200),
        note="what went out through the outbound channel: supervisors and admins"),
    # reports and their media
    row("GET", "/api/v1/reports", (401, 200, 200, 200, 200, 200, 200, 200, 200)),
    row("POST", "/api/v1/reports", (401, 201, 201, 201, 201, 201, 201, 201, 201),
        {"text": "路口井盖缺失", "channel": "web"}, "client_uuid is added per request"),
    row("GET", "/api/v1/reports/{report}", (401, 200, 404, 200, 404, 200, 404, 200, 200)),
    row("GET", "/api/v1/reports/{report_free}", (401, 200, 404, 404, 404, 404, 404, 200, 200),
        note="not placed in a grid, no case yet"),
    row("GET", "/api/v1/reports/999999", (401, 404, 404, 404, 404, 404, 404, 404, 404)),
    # before reporting: open reports nearby and 我也遇到了 (any signed-in person; coarse, no personal data)
    row("GET", "/api/v1/reports/nearby?lat=28.2345&lon=112.9067&category=accident.gas_leak", (401,) + (200,) * 8),
    row("GET", "/api/v1/reports/nearby?lat=91&lon=112.9067", (422,) * 9, note="validated before the sign-in check"),
    row("POST", "/api/v1/reports/{report}/support", (401, 200, 201, 201, 201, 201, 201, 201, 201), {},
        "client_uuid is added per request; the reporter is already counted (200, created false)"),
    row("POST", "/api/v1/reports/999999/support", (401,) + (404,) * 8, {}),
    row("GET", "/api/v1/areas/grids.geojson", (401,) + (200,) * 8),
    row("GET", "/api/v1/alerts", (401, 403, 403, 403, 403, 403, 403, 200, 200)),

    row("GET", "/api/v1/media/{media}", (401, 200, 404, 200, 404, 200, 404, 200, 200)),
    row("GET", "/api/v1/media/{media}/thumb", (401, 200, 404, 200, 404, 200, 404, 200, 200)),
    row("GET", "/api/v1/media/{media_free}", (401, 200, 404, 404, 404, 404, 404, 200, 200)),
    row("GET", "/api/v1/media/not-a-real-media-id", (401, 404, 404, 404, 404, 404, 404, 404, 404)),
    row("POST", "/api/v1/reports/{report_closed}/rating", (401, 201, 404, 403, 404, 403, 404, 403, 403),
        {"rating": "satisfied"}),
    row("POST", "/api/v1/reports/{report}/rating", (401, 409, 404, 403, 404, 403, 404, 403, 403),
        {"rating": "satisfied"}, "case not closed"),
    # cases: reading
    row("GET", "/api/v1/cases", (401, 403, 403, 200, 200, 200, 200, 200, 200)),
    row("GET", "/api/v1/cases/{case}", (401, 404, 404, 200, 404, 200, 404, 200, 200)),
    row("GET", "/api/v1/cases/{missing_case}", (401, 404, 404, 404, 404, 404, 404, 404, 404)),
    # every report of a case, a page at a time: whoever sees the case
    row("GET", "/api/v1/cases/{case}/reports?per_page=5", (401, 404, 404, 200, 404, 200, 404, 200, 200)),
    row("GET", "/api/v1/cases/{missing_case}/reports", (401, 404, 404, 404, 404, 404, 404, 404, 404)),
    row("GET", "/api/v1/cases/{attachment_case}/attachments/{attachment}",
        (401, 404, 404, 200, 404, 200, 404, 200, 200)),
    row("GET", "/api/v1/cases/{attachment_case}/attachments/{attachment}/thumb",
        (401, 404, 404, 200, 404, 200, 404, 200, 200)),
    row("GET", "/api/v1/cases/{case}/attachments/{attachment}", (401, 404, 404, 404, 404, 404, 404, 404, 404),
        note="an attachment through another case's URL"),
    # cases: the lifecycle, on a case dispatched to GAS (lead) with FIRE assisting; who may not see the case gets 404
    # for every action (its existence is not confirmed), who sees it but may not take the action 403
    row("POST", "/api/v1/cases/{case}/actions/dispatch", (401, 404, 404, 403, 404, 403, 404, 409, 403),
        {"lead": "GAS"}),
    row("POST", "/api/v1/cases/{case}/actions/sign", (401, 404, 404, 403, 404, 200, 404, 403, 403), {}),
    row("POST", "/api/v1/cases/{case}/actions/send_back", (401, 404, 404, 403, 404, 200, 404, 403, 403),
        {"reason": "不属于本单位职责"}),
    row("POST", "/api/v1/cases/{case_returned}/actions/rule_send_back", (401, 404, 404, 403, 404, 403, 404, 200, 403),
        {"decision": "uphold"}),
    row("POST", "/api/v1/cases/{case}/actions/extend_request", (401, 404, 404, 403, 404, 409, 404, 403, 403),
        {"days": 2, "reason": "需更换管道"}),
    row("POST", "/api/v1/cases/{case_ext}/actions/extend_decide", (401, 404, 404, 403, 404, 403, 404, 200, 403),
        {"approve": True}),
    row("POST", "/api/v1/cases/{case}/actions/start", (401, 404, 404, 403, 404, 409, 404, 403, 403), {},
        "sign first"),
    row("POST", "/api/v1/cases/{case}/actions/feedback", (401, 404, 404, 403, 404, 409, 404, 403, 403), FEEDBACK,
        "sign first"),
    row("POST", "/api/v1/cases/{case_fb}/actions/close", (401, 404, 404, 403, 404, 403, 404, 409, 403), {},
        "a grid case needs the grid worker's verification first"),
    row("POST", "/api/v1/cases/{case_fb}/actions/reopen", (401, 404, 404, 403, 404, 403, 404, 200, 403),
        {"reason": "处置不彻底"}),
    row("POST", "/api/v1/cases/{case}/actions/escalate", (401, 404, 404, 403, 404, 403, 404, 200, 403), {}),
    row("POST", "/api/v1/cases/{case}/actions/merge", (401, 404, 404, 403, 404, 403, 404, 200, 403),
        {"into": "{case_fb}"}),
    row("POST", "/api/v1/cases/{case_closed}/actions/rule_rating", (401, 404, 404, 403, 404, 403, 404, 409, 403),
        {"decision": "uphold"}, "no dissatisfied rating to rule on"),
    row("POST", "/api/v1/cases/{case_fb}/verification", (401, 404, 404, 200, 404, 403, 404, 403, 403),
        ("multipart", {"note": "复查无异味"})),
    row("POST", "/api/v1/cases/{case_fb}/actions/waive_verification", (401, 404, 404, 403, 404, 403, 404, 403, 403),
        {"reason": "本网格暂无网格员"}, "the grid has a worker: a supervisor may not waive"),
    row("POST", "/api/v1/cases/{case}/actions/regrade", (401, 404, 404, 403, 404, 403, 404, 200, 403),
        {"severity": 2, "reason": "现场多人头晕"}, "调整等级: supervisors only"),
    row("POST", "/api/v1/cases/{missing_case}/actions/sign", (401, 404, 404, 404, 404, 404, 404, 404, 404), {}),
    # emergency plans
    row("GET", "/api/v1/plans", (401, 403, 403, 403, 403, 403, 403, 200, 200)),
    row("PUT", "/api/v1/plans", (401, 403, 403, 403, 403, 403, 403, 403, 200), "{shipped_plans}"),
    row("POST", "/api/v1/cases/{case_plan_ready}/plan", (401, 404, 404, 403, 404, 403, 404, 200, 403), {}),
    row("POST", "/api/v1/cases/{case_plan}/plan-tasks/{plan_task}/done", (401, 404, 404, 403, 404, 200, 404, 403, 403),
        {"note": "已关阀"}),
    # metrics
    row("GET", "/api/v1/metrics/departments?period=2026-11", (401, 403, 403, 403, 403, 200, 200, 200, 200)),
    # the reporter's view of the handling
    row("GET", "/api/v1/reports/{report_closed}/feedback", (401, 200, 404, 404, 404, 404, 404, 404, 404)),
    row("GET", "/api/v1/reports/{report_closed}/feedback/files/{attachment}",
        (401, 200, 404, 404, 404, 404, 404, 404, 404)),
    row("GET", "/api/v1/reports/{report_closed}/feedback/files/{attachment}/thumb",
        (401, 200, 404, 404, 404, 404, 404, 404, 404)),
    row("GET", "/api/v1/reports/{report}/feedback/files/{attachment}", (401, 404, 404, 404, 404, 404, 404, 404, 404),
        note="a file of another case through the owner's report"),
    # grid patrols
    row("GET", "/api/v1/patrols/tasks", (401, 403, 403, 200, 200, 403, 403, 403, 403)),
    row("GET", "/api/v1/patrols/tasks/{patrol_task}", (401, 403, 403, 200, 404, 403, 403, 403, 403)),
    row("POST", "/api/v1/patrols/tasks/{patrol_task}/results", (401, 403, 403, 200, 404, 403, 403, 403, 403),
        {"results": [{"item_code": "{patrol_task_item}", "result": "ok"}]}),
    # interoperability: API keys, webhooks, exports, Open311 service attributes
    row("GET", "/api/v1/apikeys", (401, 403, 403, 403, 403, 403, 403, 403, 200)),
    row("POST", "/api/v1/apikeys", (401, 403, 403, 403, 403, 403, 403, 403, 201), {"name": "partner-x"}),
    row("DELETE", "/api/v1/apikeys/{apikey}", (401, 403, 403, 403, 403, 403, 403, 403, 200)),
    row("GET", "/api/v1/webhooks", (401, 403, 403, 403, 403, 200, 200, 403, 200)),
    row("POST", "/api/v1/webhooks", (401, 403, 403, 403, 403, 201, 201, 403, 422),
        {"url": "https://127.0.0.1:9/new-hook"}, "staff for their own department; admins must name one"),
    row("DELETE", "/api/v1/webhooks/{webhook}", (401, 403, 403, 403, 403, 200, 404, 403, 200)),
    row("POST", "/api/v1/webhooks/{webhook}/secret", (401, 403, 403, 403, 403, 200, 404, 403, 200)),
    row("GET", "/api/v1/webhooks/deliveries", (401, 403, 403, 403, 403, 200, 200, 403, 200)),
    row("POST", "/api/v1/webhooks/deliveries/999999/redeliver", (401, 403, 403, 403, 403, 403, 403, 403, 404)),
    row("GET", "/api/v1/exports/reports.geojson", (401, 403, 403, 403, 403, 403, 403, 200, 200)),
    row("GET", "/api/v1/exports/hotspots.geojson", (401, 403, 403, 403, 403, 403, 403, 200, 200)),
    row("GET", "/api/v1/exports/cases.csv", (401, 403, 403, 403, 403, 403, 403, 200, 200)),
    row("PUT", "/api/v1/open311/services/accident.gas_leak/attributes", (401, 403, 403, 403, 403, 403, 403, 403, 200),
        {"attributes": []}),
    # the case library: similar closed cases for who sees the case, model cases by supervisors, templates by admins
    row("GET", "/api/v1/cases/{case}/similar", (401, 403, 403, 200, 404, 200, 404, 200, 200)),
    row("GET", "/api/v1/case-library", (401, 403, 403, 200, 200, 200, 200, 200, 200)),
    row("PUT", "/api/v1/cases/{case_closed}/model", (401, 403, 403, 403, 403, 403, 403, 200, 403),
        {"summary": "先疏散、关阀，再排查漏点"}),
    row("PUT", "/api/v1/cases/{case}/model", (401, 403, 403, 403, 403, 403, 403, 409, 403),
        {"summary": "先疏散、关阀，再排查漏点"}, "only a closed case"),
    row("DELETE", "/api/v1/cases/{case_closed}/model", (401, 403, 403, 403, 403, 403, 403, 200, 403)),
    row("GET", "/api/v1/cases/{case}/reply-template", (401, 403, 403, 200, 404, 200, 404, 200, 200)),
    row("GET", "/api/v1/reply-templates", (401, 403, 403, 200, 200, 200, 200, 200, 200)),
    row("PUT", "/api/v1/reply-templates/accident.gas_leak", (401, 403, 403, 403, 403, 403, 403, 403, 200),
        {"measures": "到现场处置", "result": "已处理"}),
    row("DELETE", "/api/v1/reply-templates/accident.gas_leak", (401, 403, 403, 403, 403, 403, 403, 403, 200)),
]

from .access_matrix_sharing import sharing_rows  # noqa: E402  (data sharing keeps its rows in its own module)

MATRIX += sharing_rows(row)
