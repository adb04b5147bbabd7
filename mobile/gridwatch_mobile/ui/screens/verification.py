"""核查: cases of my grid waiting for the grid worker's on-site check, with the department's photos."""
from kivy.app import App
from kivy.factory import Factory
from kivy.properties import ListProperty
from kivy.uix.screenmanager import Screen

from ..tasks import run_async


def _feedback(case: dict) -> tuple[str, list[str]]:
    """The last feedback's result and its downloaded photos."""
    for event in reversed(case.get("events", [])):
        if event.get("action") == "feedback":
            return (event.get("data") or {}).get("result") or "", [a["local_path"] for a in event.get("attachments", [])
                                                                    if a.get("local_path")]
    return "", []


def _address(case: dict) -> str | None:
    """Where the case is: the address of its first report that gives one."""
    reports = sorted(case.get("reports") or [], key=lambda r: r.get("id") != case.get("origin_report_id"))
    return next((r["address"] for r in reports if r.get("address")), None)


class VerificationScreen(Screen):
    photos = ListProperty([])

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.case = None

    def on_pre_enter(self, *args):
        self.refresh_view()
        app = App.get_running_app()
        self.ids.status.text = app.tr("common.loading")
        run_async(app.core.refresh_verifications, lambda _c: self._refreshed(""),
                  lambda exc: self._refreshed(app.tr("common.offline_cached")))

    def _refreshed(self, status):
        self.ids.status.text = status
        self.refresh_view()

    def refresh_view(self):
        app = App.get_running_app()
        box = self.ids.rows
        box.clear_widgets()
        cases = app.core.verifications()
        if not cases:
            box.add_widget(Factory.HintLabel(text=app.tr("verify.none")))
        for case in cases:
            row = Factory.CaseRow()
            result, photos = _feedback(case)
            row.ids.number.text = app.tr("verify.case", number=case["number"]) + \
                f" · {(case.get('category') or {}).get('name', '')}"
            address = _address(case)
            row.ids.address.text = app.tr("verify.address", address=address) if address else app.tr("verify.no_address")
            row.ids.result.text = app.tr("verify.result", result=result)
            for path in photos[:3]:
                row.ids.thumbs.add_widget(Factory.Thumb(source=path))
            row.bind(on_release=lambda _w, c=case: self.select(c))
            box.add_widget(row)
        self.ids.form.opacity = 1 if self.case else 0
        self.ids.form.disabled = self.case is None

    def select(self, case):
        app = App.get_running_app()
        self.case, self.photos = case, []
        address = _address(case)
        self.ids.selected.text = app.tr("verify.case", number=case["number"]) + (
            "\n" + app.tr("verify.address", address=address) if address else "")
        self.ids.note.text = ""
        self.ids.passed.active = True
        self.ids.error.text = ""
        self.refresh_view()

    def take_photo(self):
        app = App.get_running_app()
        app.devices.permissions.request(["camera"], lambda ok: app.devices.camera.take_photo(
            app.media_dir("photos"), lambda path, err: self._add([path] if path else [])) if ok else None)

    def pick_photos(self):
        app = App.get_running_app()
        app.devices.camera.pick_photos(app.media_dir("photos"), lambda paths, err: self._add(paths or []))

    def _add(self, paths):
        self.photos = [*self.photos, *paths][:6]
        if self.photos:
            self.ids.error.text = ""

    def on_photos(self, _instance, photos):
        box = self.ids.form_thumbs
        box.clear_widgets()
        for path in photos:
            box.add_widget(Factory.Thumb(source=path))

    def submit(self):
        app = App.get_running_app()
        if self.case is None:
            return
        try:
            app.core.submit_verification(self.case["id"], self.ids.passed.active, self.ids.note.text, list(self.photos))
        except ValueError:
            self.ids.error.text = app.tr("verify.need_photo")
            return
        app.show_message(app.tr("verify.saved"))
        self.case, self.photos = None, []
        app.wake_sync()
        self.refresh_view()
