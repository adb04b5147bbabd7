"""The neighbour's session for ui_driver: notifications in local time, the pin map, nearby reports and 我也遇到了.

``neighbour(d)`` takes the driver module (its app, devices and helpers); run through ``ui_driver neighbour``.
"""
import os
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from kivy.metrics import dp
from kivy.tests.common import UnitTestTouch

PHONE, PASSWORD = "13912345002", "Anquan-Shouji-2026"
GPS = (28.2345, 112.9067)
NEIGHBOUR_REPORT = {"text": "桂花园小区7栋门口燃气管道漏气，味道很大", "category_hint": "accident.gas_leak",
                    "lat": 28.2352, "lon": 112.9067, "client_uuid": "4c1f0d0e-8f7e-4a61-9d43-2f7e5d1a0b01"}


def press(pin_map, x, y, to=None):
    """A finger on the map at widget point (x, y), optionally dragged to ``to`` in a few steps, then lifted."""
    touch = UnitTestTouch(*pin_map.to_window(x, y))
    touch.touch_down()
    if to is not None:
        for step in range(1, 6):
            px, py = x + (to[0] - x) * step / 5, y + (to[1] - y) * step / 5
            touch.touch_move(*pin_map.to_window(px, py))
    touch.touch_up()


def close(a, b, tolerance=1e-6) -> bool:
    return abs(a[0] - b[0]) < tolerance and abs(a[1] - b[1]) < tolerance


def neighbour(d):
    app, devices, screen, tap, type_into, shot, on, texts = (d.app, d.devices, d.screen, d.tap, d.type_into, d.shot,
                                                              d.on, d.texts)
    # Server side: a neighbour's gas report 80 m north of here, made into a case.
    other = d.api(d.LOGIN["resident"])
    made = other.post(d.SERVER + "/api/v1/reports", json=NEIGHBOUR_REPORT).json()
    case_id = d.wait_case(other, made["id"])

    login = screen("login")
    yield on("login")
    type_into(login.ids.username, PHONE)
    type_into(login.ids.password, PASSWORD)
    tap(login.ids.submit)
    yield on("home")
    home = screen("home")
    yield lambda: app.unread == 2  # fetched after signing in
    assert home.ids.notices.text == "消息通知（2 条未读）", home.ids.notices.text
    yield 0.25
    shot("home")

    # Notifications: the list in Beijing time (08:18 UTC is 16:18), then all read, on the server too.
    tap(home.ids.notices)
    yield on("notices")
    notices = screen("notices")
    yield lambda: notices.ids.status.text == "" and len(notices.ids.rows.children) == 2
    whens = [row.ids.when.text for row in notices.ids.rows.children]
    assert "未读 · 2025-03-05 16:18" in whens, whens
    assert any("您的上报已受理" in t for t in texts(notices.ids.rows))
    yield 0.25
    shot("notices")
    oldest = next(r for r in notices.ids.rows.children if r.ids.when.text.endswith("16:18"))
    tap(oldest)  # opening one marks it read, on the server too
    yield lambda: app.unread == 1 and not oldest.parent
    assert [r.ids.when.text for r in notices.ids.rows.children if r.ids.when.text.endswith("16:18")] == \
        ["2025-03-05 16:18"]
    tap(notices.ids.read_all)
    yield lambda: app.unread == 0 and notices.ids.read_all.disabled
    assert not any(t.startswith("未读") for t in texts(notices.ids.rows))
    mine = d.api_from_token()
    yield lambda: mine.get(d.SERVER + "/api/v1/notifications").json()["unread"] == 0
    app.back()
    yield on("home")
    assert home.ids.notices.text == "消息通知"

    # Before reporting: the same kind nearby; 我也遇到了 while offline goes out through the outbox.
    tap(home.ids.new_report)
    yield on("new_report")
    form = screen("new_report")
    yield lambda: len(form.ids.category.values) > 10
    form.ids.category.text = next(v for v in form.ids.category.values if "燃气泄漏" in v)
    tap(form.ids.locate)
    yield lambda: form.pin == list(GPS)
    yield lambda: form.ids.nearby_rows.children
    row = next(r for r in form.ids.nearby_rows.children if r.report_id == made["id"])
    assert "燃气泄漏" in row.ids.what.text and "1 人反映" in row.ids.meta.text, row.ids.meta.text
    assert "约 80 米" in row.ids.meta.text and row.ids.support.text == "我也遇到了"
    assert "13" not in row.ids.text.text  # no phone numbers of others
    form.ids.page.scroll_to(form.ids.nearby_card, animate=False)
    yield 0.3
    shot("nearby")
    devices.network.value = "none"
    tap(row.ids.support)
    yield on("home")
    assert app.message == "已保存，联网后将记为您也遇到了"
    app.update_pending()
    assert app.pending == 1
    tap(home.ids.outbox)
    yield on("outbox")
    outbox = screen("outbox")
    yield 0.2
    assert any(t.startswith("我也遇到了") for t in texts(outbox.ids.rows)), texts(outbox.ids.rows)
    devices.network.value = "wifi"
    tap(outbox.ids.sync_now)
    yield lambda: app.core.outbox.pending_count() == 0
    found = mine.get(d.SERVER + "/api/v1/reports/nearby",
                     params={"lat": GPS[0], "lon": GPS[1], "category": "accident.gas_leak"}).json()["items"]
    theirs = next(i for i in found if i["id"] == made["id"])
    assert theirs["supported"] and theirs["supporters"] == 2, theirs
    boss = d.api(d.LOGIN["supervisor"])
    assert boss.get(f"{d.SERVER}/api/v1/cases/{case_id}").json()["reporters"] == 2
    app.back()
    yield on("home")

    # A new report placed on the map: drop the pin, take my position, drag the pin; its coordinates are sent.
    tap(home.ids.new_report)
    yield on("new_report")
    yield lambda: len(form.ids.category.values) > 10
    form.ids.category.text = next(v for v in form.ids.category.values if "燃气泄漏" in v)
    assert form.pin == [] and form.ids.location_status.text == "未标记位置：请在地图上点按"
    yield 0.5
    assert form.ids.nearby_rows.children == [] and form.ids.nearby_card.height == 0, (
        form.ids.nearby_rows.children, form.ids.nearby_card.height, form.pin)
    type_into(form.ids.text, "桂花园小区7栋楼道里也有煤气味")
    tap(form.ids.pick_audio)
    yield lambda: form.audio_path
    assert form.ids.voice_status.text == "已选择录音文件（3秒）", form.ids.voice_status.text
    tap(form.ids.open_map)
    yield on("map_pick")
    picker = screen("map_pick")
    pin_map = picker.ids.pin_map
    yield lambda: len(pin_map.features) > 10 and picker.ids.status.text == ""
    yield lambda: pin_map.tile_url.startswith("http://127.0.0.1:") and len(os.listdir(pin_map.tile_dir)) >= 4
    assert picker.ids.confirm.disabled and picker.ids.pin_text.text == "请在地图上点按标出隐患位置"
    yield 0.3
    x, y = pin_map.center_x + dp(30), pin_map.center_y + dp(20)
    dropped = pin_map.to_degrees(x, y)
    press(pin_map, x, y)
    yield lambda: pin_map.pin
    assert close(pin_map.pin, dropped), (pin_map.pin, dropped)
    yield 0.3
    shot("map-drop")
    tap(picker.ids.my_place)
    yield lambda: close(pin_map.pin, GPS)
    zoom = pin_map.zoom
    tap(picker.ids.zoom_in)
    assert pin_map.zoom == zoom + 1
    yield 0.2
    x, y = pin_map.to_screen(*pin_map.pin)
    target = (x + dp(40), y - dp(30))
    moved = pin_map.to_degrees(*target)
    press(pin_map, x, y + dp(8), to=(target[0], target[1] + dp(8)))  # the finger holds the pin's head
    yield lambda: close(pin_map.pin, moved, 1e-5)
    assert pin_map.pin != list(GPS) and picker.ids.pin_text.text.startswith("已标记：")
    yield 0.3
    shot("map")
    pin = list(pin_map.pin)
    tap(picker.ids.confirm)
    yield on("new_report")
    assert form.pin == pin and form.ids.location_status.text.startswith("已标记：")
    form.ids.page.scroll_to(form.ids.location_card, animate=False)
    yield 0.3
    shot("new_report-map")

    # The server cannot be reached: the outbox says so in words, and when it retries.
    server = app.core.settings.server_url
    app.core.settings.set("server_url", "http://127.0.0.1:9")
    tap(form.ids.open_map)  # the server is gone: the grids saved last time are the map
    yield on("map_pick")
    yield lambda: picker.ids.status.text == "离线：显示上次保存的网格地图" and len(pin_map.features) > 10
    assert pin_map.pin == pin
    tap(picker.ids.confirm)
    yield on("new_report")
    tap(form.ids.submit)
    yield on("home")
    item = next(i for i in app.core.outbox.items(kind="report") if i.payload["text"].startswith("桂花园小区7栋楼道里"))
    assert (item.payload["lat"], item.payload["lon"]) == tuple(pin)
    yield lambda: app.core.outbox.get(item.id).status == "failed_retryable"
    tap(home.ids.outbox)
    yield on("outbox")
    yield 0.3
    said = [t for t in texts(outbox.ids.rows) if t.startswith("无法连接服务器")]
    assert said and re.fullmatch(r"无法连接服务器，将在 ([1-9]\d*) 秒后重试", said[0]), said
    assert not any("Connection" in t or "HTTP" in t for t in texts(outbox.ids.rows))
    yield 0.25
    shot("outbox")
    app.core.settings.set("server_url", server)
    tap(outbox.ids.sync_now)
    yield lambda: app.core.outbox.pending_count() == 0
    sent = mine.get(f"{d.SERVER}/api/v1/reports/{app.core.outbox.get(item.id).server_id}").json()
    assert (sent["lat"], sent["lon"]) == tuple(pin), sent
    app.back()
    yield on("home")

    # My reports in Beijing time.
    tap(home.ids.my_reports)
    yield on("my_reports")
    reports = screen("my_reports")
    yield lambda: reports.ids.status.text == "" and reports.ids.rows.children
    now = datetime.now(ZoneInfo("Asia/Shanghai"))
    allowed = {(now - timedelta(minutes=m)).strftime("%H:%M") for m in range(0, 3)}
    assert reports.ids.rows.children[-1].ids.when.text in allowed, reports.ids.rows.children[-1].ids.when.text
    yield 0.25
    shot("my_reports")
    app.back()
    yield on("home")
