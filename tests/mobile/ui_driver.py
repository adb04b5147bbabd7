"""Drives the Kivy app through every screen in its own process (Kivy's global state stays out of pytest).

``python -m tests.mobile.ui_driver SCENARIO SERVER_URL STORAGE ARTIFACTS WIDTHxHEIGHT``; exit status 0 when every
step passed. The window must exist before Kivy is imported, so settings come first.
"""
import io
import os
import sys
import time
import traceback

SCENARIO, SERVER, STORAGE, ARTIFACTS, SIZE = sys.argv[1:6]
WIDTH, HEIGHT = SIZE.split("x")
os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_WINDOW", "sdl2")

from kivy.config import Config  # noqa: E402

Config.set("graphics", "width", WIDTH)
Config.set("graphics", "height", HEIGHT)
Config.set("graphics", "resizable", "0")
Config.set("input", "mouse", "mouse,disable_multitouch")
Config.set("kivy", "log_level", "warning")

import requests  # noqa: E402
from kivy.clock import Clock  # noqa: E402

from mobile.gridwatch_mobile.ui.app import GridWatchApp  # noqa: E402
from tests import media_fixtures as mf  # noqa: E402
from tests.helpers import LOGIN, PASSWORDS  # noqa: E402
from tests.mobile.fakes import fake_devices  # noqa: E402

devices = fake_devices()
app = GridWatchApp(storage_dir=STORAGE, devices=devices)
app.initial_server = SERVER
outcome = {"error": None}


# --- helpers every step uses ---------------------------------------------------------------------------
def screen(name=None):
    return app.manager.current_screen if name is None else app.screen(name)


def tap(widget):
    """Press a button the way a finger does (only a visible, enabled one)."""
    assert not widget.disabled, f"{widget} is disabled"
    assert widget.opacity > 0, f"{widget} is hidden"
    assert widget.height >= 48, f"touch target too small: {widget.height}"
    widget.dispatch("on_press")
    widget.dispatch("on_release")


def type_into(field, text):
    field.focus = True
    field.text = ""
    field.insert_text(text)
    field.focus = False


def shot(name):
    os.makedirs(ARTIFACTS, exist_ok=True)
    app.root.export_to_png(os.path.join(ARTIFACTS, f"{SCENARIO}-{name}.png"))


def on(name):
    return lambda: app.manager.current == name and not app.manager.transition.is_active


def texts(box):
    """All label texts under a widget."""
    found = []
    for widget in box.walk():
        text = getattr(widget, "text", None)
        if isinstance(text, str) and text:
            found.append(text)
    return found


def api(username):
    """A requests session signed in as a demo account (server-side steps of the story)."""
    session = requests.Session()
    body = session.post(SERVER + "/api/v1/auth/login",
                        json={"username": username, "password": PASSWORDS[username]}).json()
    session.headers["Authorization"] = "Bearer " + body["access_token"]
    return session


def act(session, case_id, action, **kwargs):
    response = session.post(f"{SERVER}/api/v1/cases/{case_id}/actions/{action}", **kwargs)
    assert response.status_code == 200, response.text


def wait_case(session, report_id):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        body = session.get(f"{SERVER}/api/v1/reports/{report_id}").json()
        if body["case_id"]:
            return body["case_id"]
        time.sleep(0.3)
    raise AssertionError("report not routed")


# --- scenarios (generators: yield seconds to pause, or a predicate to wait for) ------------------------------
def resident():
    login = screen("login")
    yield on("login")
    yield 0.3
    assert login.ids.submit.text == "登录"
    yield 0.25  # let the frame draw
    shot("login")
    type_into(login.ids.username, LOGIN["resident"])
    type_into(login.ids.password, "wrong-password-123")
    tap(login.ids.submit)
    yield lambda: login.ids.error.text
    assert login.ids.error.text == "用户名或密码错误"

    tap(login.ids.to_register)
    yield on("register")
    register = screen("register")
    type_into(register.ids.phone, "13912345678")
    type_into(register.ids.password, "Anquan-Shouji-2026")
    type_into(register.ids.name, "测试居民")
    yield 0.25  # let the frame draw
    shot("register")
    tap(register.ids.submit)
    yield on("home")
    home = screen("home")
    yield 0.3
    assert home.ids.hello.text == "您好，测试居民" and home.ids.role.text == "居民"
    assert home.ids.patrol.opacity == 0 and home.ids.patrol.disabled, "no patrol for residents"
    yield 0.25  # let the frame draw
    shot("home")

    # A report with everything: category, text, voice, photos, GPS, anonymous.
    tap(home.ids.new_report)
    yield on("new_report")
    form = screen("new_report")
    yield lambda: len(form.ids.category.values) > 10
    form.ids.category.text = next(v for v in form.ids.category.values if "燃气泄漏" in v)
    type_into(form.ids.text, "桂花园小区7栋楼道有很浓的煤气味，请尽快处理")
    tap(form.ids.record)
    yield lambda: form.recording and form.ids.meter.value > 20
    assert "录音中" in form.ids.voice_status.text and form.ids.record.text == "停止录音"
    yield 1.0
    tap(form.ids.record)
    yield lambda: form.audio_path
    assert "已录音" in form.ids.voice_status.text and not form.ids.play.disabled
    tap(form.ids.play)
    yield 0.3
    if form.playing:  # playback needs an audio device; Xvfb hosts may have none
        tap(form.ids.play)
    tap(form.ids.take_photo)
    yield lambda: len(form.photos) == 1
    tap(form.ids.pick_photo)
    yield lambda: len(form.photos) == 3 and len(form.ids.thumbs.children) == 3
    tap(form.ids.locate)
    yield lambda: form.pin
    assert form.pin == [28.2345, 112.9067] and form.ids.location_status.text.startswith("已按定位标记：")
    type_into(form.ids.address, "桂花园小区7栋2单元")
    form.ids.anonymous.active = True
    yield 0.25  # let the frame draw
    shot("new_report")
    tap(form.ids.submit)
    yield on("home")
    assert app.message == "已保存，联网后自动发送"
    yield lambda: app.core.outbox.pending_count() == 0  # the sync thread sent it

    # Offline: the next report waits in the outbox, then goes when the network is back.
    devices.network.value = "none"
    app.update_pending()
    tap(home.ids.new_report)
    yield on("new_report")
    type_into(form.ids.text, "东风路地下通道积水，车辆无法通行")
    tap(form.ids.submit)
    yield on("home")
    app.update_pending()
    assert "离线" in home.ids.sync.text and app.pending == 1
    tap(home.ids.outbox)
    yield on("outbox")
    outbox = screen("outbox")
    yield 0.2
    states = texts(outbox.ids.rows)
    assert any("排队中" in t for t in states) and any("已发送" in t for t in states), states
    yield 0.25  # let the frame draw
    shot("outbox")
    devices.network.value = "wifi"
    tap(outbox.ids.sync_now)
    yield lambda: app.core.outbox.pending_count() == 0
    outbox.refresh_view()
    assert not any("排队中" in t for t in texts(outbox.ids.rows))
    app.back()
    yield on("home")

    # Server side: the department handles the first report, the grid worker verifies, the centre closes.
    first = app.core.reports.entries()
    sent = [e for e in app.core.outbox.items(kind="report") if "煤气味" in e.payload["text"]][0]
    resident_api = api_from_token()
    case_id = wait_case(resident_api, sent.server_id)
    gas, grid, boss = api("gas01"), api(LOGIN["grid_worker"]), api(LOGIN["supervisor"])
    act(gas, case_id, "sign", json={})
    act(gas, case_id, "feedback", data={"measures": "关阀、更换软管", "result": "漏点已修复，复测正常"},
        files=[("photos", ("fix.jpg", io.BytesIO(mf.jpeg_bytes((320, 240))), "image/jpeg"))])
    verified = grid.post(f"{SERVER}/api/v1/cases/{case_id}/verification", data={"note": "现场无异味"},
                         files=[("photos", ("v.jpg", io.BytesIO(mf.jpeg_bytes()), "image/jpeg"))])
    assert verified.status_code == 200, verified.text
    act(boss, case_id, "close", json={"note": "办结"})
    assert first

    # My reports, offline-capable, then the detail with timeline, feedback photo and rating.
    tap(home.ids.my_reports)
    yield on("my_reports")
    mine = screen("my_reports")
    yield lambda: mine.ids.status.text == "" and len(mine.ids.rows.children) == 2
    assert any("已办结" in t for t in texts(mine.ids.rows)), texts(mine.ids.rows)
    yield 0.25  # let the frame draw
    shot("my_reports")
    row = next(r for r in mine.ids.rows.children if "煤气味" in r.ids.text.text)
    tap(row)
    yield on("report_detail")
    detail = screen("report_detail")
    yield lambda: any("漏点已修复" in t for t in texts(detail.ids.feedback))
    yield lambda: any(w.__class__.__name__ == "Thumb" for w in detail.ids.feedback.walk())
    steps = texts(detail.ids.timeline)
    assert "已受理" in steps and "已办结" in steps, steps
    assert "语音已识别" not in steps and "语音待人工收听" in steps, steps  # no model, no transcript
    yield lambda: len(detail.ids.photos.children) == 3  # the reporter's own photos, from the server
    assert all(":" in t and "T" not in t for t in texts(detail.ids.timeline) if t[:1].isdigit()), steps
    assert not detail.ids.rate_satisfied.disabled
    yield 0.25  # let the frame draw
    shot("report_detail")
    tap(detail.ids.rate_satisfied)
    yield lambda: detail.ids.rating_status.text == "您已评价：满意"
    assert detail.ids.rate_dissatisfied.disabled
    yield lambda: app.core.outbox.pending_count() == 0
    rating = resident_api.get(f"{SERVER}/api/v1/reports/{sent.server_id}/feedback").json()
    assert rating["rating"] == "satisfied", rating
    app.back()
    yield on("my_reports")
    app.back()
    yield on("home")

    # Settings: language switch at run time, Wi-Fi only.
    tap(home.ids.settings)
    yield on("settings")
    settings = screen("settings")
    yield 0.2
    assert settings.ids.server.text == SERVER
    yield 0.25  # let the frame draw
    shot("settings")
    tap(settings.ids.lang_en)
    yield 0.2
    assert settings.ids.save.text == "Save" and app.tr("home.new_report") == "Report a hazard"
    yield 0.25  # let the frame draw
    shot("settings-en")
    tap(settings.ids.lang_zh)
    settings.ids.wifi_only.active = True
    tap(settings.ids.save)
    yield on("home")
    assert app.core.settings.wifi_only and app.lang == "zh" and home.ids.new_report.text == "上报隐患"
    tap(home.ids.sign_out)
    yield on("login")


def api_from_token():
    session = requests.Session()
    session.headers["Authorization"] = "Bearer " + app.core.settings.token
    return session


def grid_worker():
    # Server side first: a resident's report in the grid, handled by the department, waiting for 核查.
    resident_api = api(LOGIN["resident"])
    report = resident_api.post(SERVER + "/api/v1/reports", json={
        "client_uuid": "9b0c7c8e-51f6-4c55-9a55-0d1e1f0ad001", "text": "丹桂苑小区3栋消防通道被杂物堵死了",
        "category_hint": "accident.fire_hazard", "lat": 28.2318, "lon": 112.9122, "address": "丹桂苑小区3栋"}).json()
    case_id = wait_case(resident_api, report["id"])
    boss, grid = api(LOGIN["supervisor"]), api(LOGIN["grid_worker"])
    case = boss.get(f"{SERVER}/api/v1/cases/{case_id}").json()
    lead_code = case["departments"][0]["code"] if case["departments"] else None
    if case["status"] == "received" or lead_code is None:
        act(boss, case_id, "dispatch", json={"lead": "FIRE"})
        lead_code = "FIRE"
    staff = api_for_department(lead_code)
    act(staff, case_id, "sign", json={})
    act(staff, case_id, "feedback", data={"measures": "清理杂物", "result": "消防通道已清理"},
        files=[("photos", ("fix.jpg", io.BytesIO(mf.jpeg_bytes((320, 240))), "image/jpeg"))])

    login = screen("login")
    yield on("login")
    type_into(login.ids.username, LOGIN["grid_worker"])
    type_into(login.ids.password, PASSWORDS[LOGIN["grid_worker"]])
    tap(login.ids.submit)
    yield on("home")
    home = screen("home")
    yield 0.3
    assert home.ids.role.text.startswith("网格员") and home.ids.patrol.opacity == 1
    yield lambda: home.ids.grid.text == "网格：桂花园社区第一网格"  # the grid's name, never its code
    yield 0.25  # let the frame draw
    shot("home")

    tap(home.ids.patrol)
    yield on("patrol")
    patrol = screen("patrol")
    yield lambda: patrol.ids.status.text == "" and len(patrol.ids.rows.children) == 2
    assert "桂花园社区第一网格" in patrol.ids.grid.text
    yield 0.25  # let the frame draw
    shot("patrol")
    row = next(r for r in patrol.ids.rows.children if r.ids.place.text == "桂花园小区")
    tap(row)
    yield on("checklist")
    checklist = screen("checklist")
    yield 0.2
    rows = list(reversed(checklist.ids.rows.children))
    assert rows[0].ids.text.text == "消防通道、安全出口畅通" and len(rows) == 6
    for r in rows[1:]:
        tap(r.ids.ok)
    yield 0.1
    assert "已查 5/6 项" in checklist.ids.progress.text
    tap(list(reversed(checklist.ids.rows.children))[0].ids.hazard)
    yield on("new_report")
    form = screen("new_report")
    yield lambda: "火灾隐患" in form.ids.category.text
    assert form.ids.text.text.startswith("【巡查】桂花园小区：消防通道") and form.pin == [28.23475, 112.906528]
    type_into(form.ids.text, form.ids.text.text + "楼道堆满纸箱")
    tap(form.ids.take_photo)
    yield lambda: len(form.photos) == 1
    yield 0.25  # let the frame draw
    shot("new_report-patrol")
    tap(form.ids.submit)
    yield on("checklist")
    yield 0.2
    first = list(reversed(checklist.ids.rows.children))[0]
    assert first.ids.hazard.state == "down" and "隐患 1 项" in checklist.ids.progress.text
    yield 0.25  # let the frame draw
    shot("checklist")
    tap(checklist.ids.submit)
    yield on("patrol")
    yield lambda: app.core.outbox.pending_count() == 0
    tasks = grid.get(SERVER + "/api/v1/patrols/tasks").json()["items"]
    done = next(t for t in tasks if t["place"]["name"] == "桂花园小区")
    assert done["status"] == "done" and done["progress"]["hazards"] == 1, done
    app.back()
    yield on("home")

    tap(home.ids.verify)
    yield on("verification")
    verification = screen("verification")
    yield lambda: verification.ids.status.text == "" and any(
        "消防通道已清理" in t for t in texts(verification.ids.rows))
    case_row = verification.ids.rows.children[-1]
    assert case_row.ids.thumbs.children, "the department's photo is shown"
    assert case_row.ids.address.text == "地点：丹桂苑小区3栋"
    tap(case_row)
    yield lambda: verification.case is not None
    type_into(verification.ids.note, "现场复查，通道畅通")
    tap(verification.ids.submit)
    yield lambda: verification.ids.error.text == "核查需要至少一张现场照片"
    tap(verification.ids.take_photo)
    yield lambda: len(verification.photos) == 1
    assert verification.ids.error.text == ""
    yield 0.25  # let the frame draw
    shot("verification")
    tap(verification.ids.submit)
    yield lambda: app.core.outbox.pending_count() == 0
    case = boss.get(f"{SERVER}/api/v1/cases/{case_id}").json()
    assert case["verification"]["verified_at"], case["verification"]
    app.back()
    yield on("home")


def api_for_department(code):
    from tests.helpers import load
    username = next(u["username"] for u in load("users") if u.get("department") == code and u["role"] == "dept_staff")
    return api(username)


# --- the runner ---------------------------------------------------------------------------------------------
def run(steps):
    state = {"until": 0.0, "predicate": None, "deadline": 0.0}

    def tick(_dt):
        try:
            now = time.monotonic()
            if now < state["until"]:
                return
            if state["predicate"] is not None:
                if not state["predicate"]():
                    if now > state["deadline"]:
                        raise AssertionError("timed out waiting at: " + describe(state["predicate"]))
                    return
                state["predicate"] = None
            command = next(steps)
            if callable(command):
                state["predicate"], state["deadline"] = command, now + 60
            else:
                state["until"] = now + float(command)
        except StopIteration:
            finish()
        except Exception:
            outcome["error"] = traceback.format_exc()
            finish()

    def finish():
        event.cancel()
        app.stop()

    event = Clock.schedule_interval(tick, 0.05)


def describe(predicate):
    code = predicate.__code__
    return f"{code.co_filename}:{code.co_firstlineno}"


def main():
    from tests.mobile.ui_neighbour import neighbour
    scenarios = {"resident": resident, "grid_worker": grid_worker, "neighbour": lambda: neighbour(sys.modules[__name__])}
    Clock.schedule_once(lambda _dt: run(iter(scenarios[SCENARIO]())), 0.5)
    app.run()
    if outcome["error"]:
        print(outcome["error"], file=sys.__stderr__)  # Kivy takes over sys.stderr
        sys.exit(1)
    print("ok")


main()
