"""The root URL: a small landing page for people (Chinese first, English by ?lang=en), JSON for API clients."""
from importlib import resources

from flask import Blueprint, current_app, render_template_string, request, url_for

bp = Blueprint("landing", __name__)
LANDING_CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; "
               "frame-ancestors 'none'")
TEXT = {
    "zh": {
        "title": "GridWatch 网格安全隐患上报与处置平台",
        "intro": "居民和网格员用手机上报燃气泄漏、消防通道堵塞、积水、井盖缺失等公共安全隐患；平台转写、研判、聚类，"
                 "派给责任部门，并跟踪签收、处置、核查、办结和回访。",
        "public": "居民上报", "public_text": "不用装应用：在手机或电脑浏览器里上报隐患（文字、照片、语音、位置），"
                  "查询办理进度、评价，并查看隐患地图。",
        "admin": "管理后台", "admin_text": "指挥中心、部门人员和管理员的工作台：一张图、热点研判、派单队列、部门收件箱、三率考核。",
        "api": "接口文档", "api_text": "OpenAPI 3 接口说明（JSON），供手机应用和第三方系统对接；另有 Open311 GeoReport v2。",
        "app": "手机应用", "app_text": "居民上报与评价、网格员巡查与核查。在电脑上运行：",
        "app_android": "安卓安装包用 buildozer 构建，见 README 的“The phone app”一节。",
        "demo": "演示账号", "demo_text": "以下为演示专用的账号和密码，切勿用于正式环境。",
        "role": "角色", "where": "部门 / 网格", "username": "用户名", "password": "密码",
        "switch": "English", "health": "运行状态",
    },
    "en": {
        "title": "GridWatch: grid hazard reporting and handling",
        "intro": "Residents and grid workers report public-safety hazards (a gas smell, a blocked fire exit, flooding, "
                 "a missing manhole cover) from their phones; the platform transcribes, judges and groups them, routes "
                 "each to the responsible departments and follows it through signing, handling, verification, closing "
                 "and the reporter's rating.",
        "public": "Report a hazard", "public_text": "No app needed: report a hazard from any browser (text, photos, "
                                                    "a voice note, the place), follow it, rate it, and see the map.",
        "admin": "Admin web", "admin_text": "For supervisors, department staff and admins: the city map, hotspots, "
                                            "dispatch queues, department inboxes, department metrics.",
        "api": "API document", "api_text": "The OpenAPI 3 description (JSON) for the phone app and other systems; "
                                           "Open311 GeoReport v2 as well.",
        "app": "Phone app", "app_text": "Residents report and rate; grid workers patrol and verify. On a desktop:",
        "app_android": "Build the Android package with buildozer: see “The phone app” in the README.",
        "demo": "Demo accounts", "demo_text": "Demo-only accounts and passwords: never use them in production.",
        "role": "role", "where": "department / grid", "username": "username", "password": "password",
        "switch": "中文", "health": "health",
    },
}
ROLE_NAMES = {"zh": {"grid_worker": "网格员", "dept_staff": "部门人员", "supervisor": "指挥中心", "admin": "管理员",
                     "resident": "居民"},
              "en": {"grid_worker": "grid worker", "dept_staff": "department staff", "supervisor": "supervisor",
                     "admin": "admin", "resident": "resident"}}


def _language() -> str:
    """?lang=zh|en, else the browser's preference, else Chinese."""
    asked = request.args.get("lang")
    if asked in TEXT:
        return asked
    return request.accept_languages.best_match(["zh", "en"], default="zh") or "zh"


def _wants_html() -> bool:
    """A browser asking for HTML; API clients (no Accept, */*, or JSON first) keep the JSON answer."""
    accept = request.accept_mimetypes
    return accept.quality("text/html") > accept.quality("application/json") and "text/html" in accept.values()


def _demo_logins() -> list[dict]:
    """The demo accounts (one resident), shown only when the app runs as the demo."""
    if current_app.config.get("GRIDWATCH_ENV") != "demo":
        return []
    from server.demo.accounts import demo_accounts  # lazy: only the demo shows its accounts
    accounts = demo_accounts()
    resident = next(u for u in accounts if u["role"] == "resident")
    return [resident, *(u for u in accounts if u["role"] != "resident")]


@bp.get("/")
def index():
    """Where to start: the landing page for a browser, a small JSON document for a program."""
    document = {"name": "GridWatch 网格安全隐患上报与处置平台", "api": "/api/v1/openapi.json", "health": "/healthz",
                "admin": "/admin/", "public": "/public/"}
    if not _wants_html():
        return document
    lang = _language()
    page = render_template_string(
        resources.files(__package__).joinpath("landing.html").read_text(encoding="utf-8"),
        t=TEXT[lang], lang=lang, other="en" if lang == "zh" else "zh", roles=ROLE_NAMES[lang],
        logins=_demo_logins(), css=url_for("admin.static", filename="admin.css"), links=document)
    return page, 200, {"Content-Security-Policy": LANDING_CSP, "Content-Language": "zh-CN" if lang == "zh" else "en",
                       "Vary": "Accept, Accept-Language"}
