"""API errors in the caller's language: Chinese by default and for zh-CN, English with ``Accept-Language: en``; the
``code`` stays the same, internal details never appear."""
import io

import pytest

from server.web.i18n import shows_english, to_chinese

from ..helpers import login

ZH = {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}
EN = {"Accept-Language": "en-GB,en;q=0.9"}


def _requests(client, auth):
    """(name, response maker, expected status, expected code) for a set of errors every client meets."""
    def not_an_image():
        return {"photos": (io.BytesIO(b"\xff" * 64), "a.jpg"), "text": "楼道里有燃气味"}
    return [
        ("register: short password", lambda h: client.post("/api/v1/auth/register", headers=h, json={
            "phone": "13912345678", "password": "short"}), 422, "unprocessable_entity"),
        ("register: fields missing and wrong", lambda h: client.post("/api/v1/auth/register", headers=h, json={
            "phone": "x", "extra": 1}), 422, "unprocessable_entity"),
        ("login: wrong password", lambda h: client.post("/api/v1/auth/login", headers=h, json={
            "username": "command01", "password": "wrong-password-1"}), 401, "invalid_credentials"),
        ("no token", lambda h: client.get("/api/v1/cases", headers=h), 401, "unauthorized"),
        ("bad token", lambda h: client.get("/api/v1/cases", headers={**h, "Authorization": "Bearer nope"}), 401,
         "invalid_token"),
        ("a resident lists cases", lambda h: client.get("/api/v1/cases", headers={**h, **auth["resident"]}), 403,
         "forbidden"),
        ("no such case", lambda h: client.get("/api/v1/cases/999999", headers={**h, **auth["supervisor"]}), 404,
         "not_found"),
        ("no such path", lambda h: client.get("/api/v1/no-such-thing", headers=h), 404, "not_found"),
        ("wrong method", lambda h: client.delete("/api/v1/auth/login", headers=h), 405, "method_not_allowed"),
        ("bad JSON", lambda h: client.post("/api/v1/auth/login", headers=h, data="{bad",
                                           content_type="application/json"), 400, None),
        ("report: wrong types", lambda h: client.post("/api/v1/reports", headers={**h, **auth["resident"]}, json={
            "client_uuid": "not-a-uuid", "text": 5, "lat": "north"}), 422, None),
        ("report: a photo that is no image", lambda h: client.post(
            "/api/v1/reports", headers={**h, **auth["resident"]}, data={**not_an_image(), "client_uuid":
            "0b7c3f5e-9a51-4d2c-8e61-7d2f4a9c1e91", "lat": "30.27", "lon": "120.15"},
            content_type="multipart/form-data"), 422, None),
    ]


@pytest.fixture
def auth(city, client):
    return {"resident": login(client, "13800000001"), "supervisor": login(client, "command01")}


def _texts(body) -> list[str]:
    out = [body["message"]]
    for messages in body["errors"].values():
        stack = [messages]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                stack += item.values()
            elif isinstance(item, list):
                stack += item
            else:
                out.append(item)
    return out


def test_errors_are_chinese_for_a_chinese_reader_and_english_on_request(client, auth):
    for name, make, status, code in _requests(client, auth):
        zh, en = make(ZH), make(EN)
        assert zh.status_code == en.status_code == status, (name, zh.get_json())
        zh_body, en_body = zh.get_json(), en.get_json()
        assert zh_body["code"] == en_body["code"] and (code is None or zh_body["code"] == code), name
        assert not [t for t in _texts(zh_body) if shows_english(t)], (name, zh_body)
        assert shows_english(en_body["message"]), (name, en_body)
        assert "Accept-Language" in zh.headers.get("Vary", "")


def test_chinese_is_the_default_and_field_messages_keep_their_fields(client, city):
    response = client.post("/api/v1/auth/register", json={"phone": "13912345678", "password": "short"})
    body = response.get_json()
    assert response.status_code == 422 and body["code"] == "unprocessable_entity"
    assert body["message"] == "请求中有无效的字段。"
    assert body["errors"] == {"password": ["密码至少需要 8 个字符。"]}
    english = client.post("/api/v1/auth/register", headers=EN, json={"phone": "13912345678", "password": "short"})
    assert english.get_json()["errors"] == {"password": ["Password must have at least 8 characters."]}


def test_too_many_sign_ins_are_refused_in_chinese(tmp_path, sqlite_url):
    from server import create_app
    from ..conftest import app_config, fresh_database
    app = create_app(app_config(sqlite_url, tmp_path, SIGNIN_RATE_LIMIT="2 per minute"))
    fresh_database(app)
    client = app.test_client()
    answers = [client.post("/api/v1/auth/login", headers=ZH, json={"username": f"nobodyx{i}", "password":
                                                                   "wrong-password-1"}) for i in range(4)]
    refused = [a for a in answers if a.status_code == 429]
    assert refused and not shows_english(refused[-1].get_json()["message"])


def test_a_large_body_is_refused_in_chinese(tmp_path, sqlite_url):
    from server import create_app
    from ..conftest import app_config, fresh_database
    app = create_app(app_config(sqlite_url, tmp_path, MAX_CONTENT_LENGTH=1024))
    fresh_database(app)
    response = app.test_client().post("/api/v1/auth/login", headers=ZH, data="x" * 4096,
                                      content_type="application/json")
    assert response.status_code == 413 and response.get_json()["message"] == "请求内容超过上传大小限制。"


def test_a_conflict_keeps_its_code_and_speaks_chinese(client, city):
    body = {"phone": "13912345678", "password": "Gridwatch-2026"}
    assert client.post("/api/v1/auth/register", json=body).status_code == 201
    again = client.post("/api/v1/auth/register", headers=ZH, json=body)
    assert again.status_code == 409 and again.get_json()["code"] == "already_registered"
    assert again.get_json()["message"] == "该手机号已注册，请直接登录。"


def test_the_catalogue_matches_messages_with_values():
    assert to_chinese("No case 12 that you may see.") == "没有您可查看的第 12 号案件。"
    assert to_chinese("Length must be between 1 and 20.") == "长度须在 1 到 20 之间。"
    assert to_chinese("A resident may not close a case.") == "居民不能对案件执行“办结”。"
    assert to_chinese("Something nobody wrote down.") is None


def test_a_report_whose_voice_cannot_be_transcribed_tells_its_reporter_in_words(client, app, city, tmp_path):
    """No Whisper model (the tests have none): the timeline says so as a sentence, with no path or model error."""
    from server.tasks.queue import backend
    from .. import media_fixtures as mf
    from ..helpers import LOGIN, new_uuid
    resident = login(client, LOGIN["resident"])
    made = client.post("/api/v1/reports", headers=resident, content_type="multipart/form-data", data={
        "client_uuid": new_uuid(), "text": "桂花园小区7栋楼道里有煤气味", "lat": "28.2345", "lon": "112.9067",
        "audio": (io.BytesIO(mf.audio_bytes("m4a")), "v.m4a")}).get_json()
    assert backend(app).drain(timeout=120)
    zh = client.get(f"/api/v1/reports/{made['id']}", headers={**resident, **ZH}).get_json()
    notes = {e["stage"]: e["note"] for e in zh["timeline"]}
    assert notes["transcribed"] == "语音暂时无法自动转写，工作人员会收听您的录音"
    assert notes["received"] == "已通过手机App收到您的反映" and notes["analysed"].startswith("已确定所属网格")
    assert notes["routed"].startswith("已立案，案件编号 GW") or notes["routed"].startswith("已并入")
    shown = " ".join(str(e["note"]) for e in zh["timeline"]) + zh["stage_reason"]
    assert str(tmp_path) not in shown and "whisper" not in shown.lower() and not shows_english(shown), shown
    en = client.get(f"/api/v1/reports/{made['id']}", headers={**resident, **EN}).get_json()
    assert {e["stage"]: e["note"] for e in en["timeline"]}["transcribed"].startswith(
        "The voice recording could not be transcribed")
