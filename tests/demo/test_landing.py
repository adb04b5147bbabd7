"""The root URL: a landing page for a browser (Chinese first, English switch), JSON for programs."""
import pytest

from server import create_app

from ..conftest import app_config

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


@pytest.fixture(params=["test", "demo"])
def client(request, tmp_path):
    app = create_app(app_config(f"sqlite:///{tmp_path / 'landing.db'}", tmp_path, GRIDWATCH_ENV=request.param))
    return app.test_client()


def test_a_browser_gets_the_landing_page_in_chinese_with_its_links(client):
    page = client.get("/", headers={"Accept": BROWSER})
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert '<html lang="zh-CN">' in html and "管理后台" in html and "接口文档" in html and "手机应用" in html
    for link in ('href="/admin/"', 'href="/api/v1/openapi.json"', 'href="#app"', "mobile/main.py", "?lang=en"):
        assert link in html, link
    assert "default-src 'none'" in page.headers["Content-Security-Policy"]
    assert client.get("/admin/").status_code in (200, 302) and client.get("/api/v1/openapi.json").status_code == 200


def test_english_by_switch_or_by_the_browsers_language(client):
    for headers, url in (({"Accept": BROWSER}, "/?lang=en"),
                         ({"Accept": BROWSER, "Accept-Language": "en-GB,en;q=0.9"}, "/")):
        html = client.get(url, headers=headers).get_data(as_text=True)
        assert '<html lang="en">' in html and "Admin web" in html and "API document" in html and "?lang=zh" in html
    html = client.get("/", headers={"Accept": BROWSER, "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}).get_data(
        as_text=True)
    assert "管理后台" in html


def test_programs_keep_the_json_answer(client):
    for headers in ({}, {"Accept": "application/json"}, {"Accept": "*/*"},
                    {"Accept": "application/json, text/html;q=0.5"}):
        answer = client.get("/", headers=headers)
        assert answer.mimetype == "application/json", headers
        assert answer.get_json()["api"] == "/api/v1/openapi.json"


def test_demo_logins_are_shown_only_in_the_demo(client):
    html = client.get("/", headers={"Accept": BROWSER}).get_data(as_text=True)
    demo = client.application.config["GRIDWATCH_ENV"] == "demo"
    assert ("demo-gas-2026" in html) is demo and ("演示账号" in html) is demo
    if demo:
        assert "demo-transport-2026" in html and "grid12" in html and "切勿用于正式环境" in html
