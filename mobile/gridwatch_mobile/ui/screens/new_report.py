"""New report: category, text, voice with a level meter and playback, photos, the place on a map, anonymity."""
import os
import time
import uuid

from kivy.app import App
from kivy.clock import Clock
from kivy.core.audio import SoundLoader
from kivy.factory import Factory
from kivy.properties import BooleanProperty, DictProperty, ListProperty, StringProperty
from kivy.uix.screenmanager import Screen

from ...core.audio_info import duration_seconds, duration_text
from ..tasks import run_async
from .report_place import ReportPlaceMixin

MAX_PHOTOS = 6
MAX_SECONDS = 300


class NewReportScreen(ReportPlaceMixin, Screen):
    photos = ListProperty([])
    audio_path = StringProperty("")
    recording = BooleanProperty(False)
    playing = BooleanProperty(False)
    patrol = DictProperty({})  # {task_id, item_code, place} when opened from a checklist

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._codes = {}
        self._meter_event = None
        self._started = 0.0
        self._sound = None
        self._channel = "app"

    # --- opening -------------------------------------------------------------------------------
    def start_new(self, draft: dict | None = None):
        """An empty form, or one pre-filled (a hazard found on patrol)."""
        draft = draft or {}
        self._stop_everything()
        self.photos, self.audio_path = [], ""
        self.patrol = draft.get("patrol") or {}
        ids = self.ids
        ids.text.text = draft.get("text", "")
        ids.address.text = draft.get("address") or ""
        ids.anonymous.active = False
        ids.error.text = ""
        ids.voice_status.text = ""
        ids.meter.value = 0
        self._channel = draft.get("channel", "app")
        self._load_categories(select=draft.get("category_hint"))
        self._reset_place(draft.get("lat"), draft.get("lon"))

    def on_pre_enter(self, *args):
        if not self._codes:
            self._load_categories()

    def _load_categories(self, select: str | None = None):
        app = App.get_running_app()
        self._fill_categories(app.core.categories(), select)
        run_async(app.core.refresh_categories, lambda rows: self._fill_categories(rows, select or self._selected()),
                  lambda exc: None)

    def _fill_categories(self, rows, select=None):
        app = App.get_running_app()
        names = {r["code"]: r["name"] for r in rows}
        self._codes = {}
        for row in rows:
            if row.get("parent"):
                label = f"{names.get(row['parent'], '')} · {row['name']}"
                self._codes[label] = row["code"]
        spinner = self.ids.category
        spinner.values = [app.tr("report.category_none"), *self._codes]
        chosen = next((label for label, code in self._codes.items() if code == select), None)
        spinner.text = chosen or app.tr("report.category_none")

    def _selected(self) -> str | None:
        return self._codes.get(self.ids.category.text)

    # --- voice ------------------------------------------------------------------------------------
    def toggle_recording(self):
        if self.recording:
            self.stop_recording()
            return
        app = App.get_running_app()
        recorder = app.devices.recorder
        ok, reason = recorder.available()
        if not ok:
            self.ids.voice_status.text = app.tr(reason)
            return
        app.devices.permissions.request(["record_audio"], self._start_recording)

    def _start_recording(self, granted: bool):
        app = App.get_running_app()
        if not granted:
            self.ids.voice_status.text = app.tr("device.permission_denied", what=app.tr("report.voice"))
            return
        self._stop_playback()
        recorder = app.devices.recorder
        path = os.path.join(app.media_dir("voice"), f"{uuid.uuid4().hex}{recorder.extension}")
        try:
            recorder.start(path)
        except Exception as exc:
            self.ids.voice_status.text = str(exc)
            return
        self.recording, self._started = True, time.monotonic()
        self._meter_event = Clock.schedule_interval(self._meter, 0.1)

    def _meter(self, _dt):
        app = App.get_running_app()
        elapsed = time.monotonic() - self._started
        self.ids.meter.value = int(app.devices.recorder.level() * 100)
        self.ids.voice_status.text = app.tr("report.recording", s=int(elapsed))
        if elapsed >= MAX_SECONDS:
            self.stop_recording()

    def stop_recording(self):
        app = App.get_running_app()
        if self._meter_event is not None:
            self._meter_event.cancel()
            self._meter_event = None
        if not self.recording:
            return
        self.recording = False
        seconds = int(time.monotonic() - self._started)
        path = app.devices.recorder.stop()
        self.ids.meter.value = 0
        if path and os.path.exists(path):
            self.audio_path = path
            self.ids.voice_status.text = app.tr("report.voice_ready", s=max(1, seconds))

    def pick_audio(self):
        app = App.get_running_app()
        app.devices.recorder.pick_file(app.media_dir("voice"), self._picked_audio)

    def _picked_audio(self, path, error):
        app = App.get_running_app()
        if error:
            self.ids.voice_status.text = app.tr(error)
        elif path:
            self.audio_path = path
            length = duration_text(duration_seconds(path), app.tr)
            self.ids.voice_status.text = app.tr("voice.file", duration=length) if length else app.tr("voice.file_unknown")

    def toggle_playback(self):
        if self.playing:
            self._stop_playback()
            return
        if not self.audio_path:
            return
        self._sound = SoundLoader.load(self.audio_path)
        if self._sound is None:  # no player for this format here: the text already says what was chosen
            return
        self._sound.bind(on_stop=lambda *_: setattr(self, "playing", False))
        self._sound.play()
        self.playing = True

    def _stop_playback(self):
        if self._sound is not None:
            self._sound.stop()
            self._sound.unload()
            self._sound = None
        self.playing = False

    def delete_voice(self):
        self._stop_playback()
        self.audio_path = ""
        self.ids.voice_status.text = ""

    # --- photos -------------------------------------------------------------------------------------
    def take_photo(self):
        app = App.get_running_app()
        if len(self.photos) >= MAX_PHOTOS:
            self.ids.error.text = app.tr("report.too_many_photos")
            return
        app.devices.permissions.request(
            ["camera"], lambda granted: app.devices.camera.take_photo(app.media_dir("photos"), self._photo_taken)
            if granted else setattr(self.ids.error, "text", app.tr("device.permission_denied",
                                                                   what=app.tr("report.take_photo"))))

    def _photo_taken(self, path, error):
        if error:
            self.ids.error.text = App.get_running_app().tr(error)
        elif path:
            self._add_photos([path])

    def pick_photos(self):
        app = App.get_running_app()
        app.devices.camera.pick_photos(app.media_dir("photos"), lambda paths, error: self._add_photos(paths or []))

    def _add_photos(self, paths):
        app = App.get_running_app()
        room = MAX_PHOTOS - len(self.photos)
        if len(paths) > room:
            self.ids.error.text = app.tr("report.too_many_photos")
        self.photos = [*self.photos, *paths[:room]]

    def clear_photos(self):
        self.photos = []

    def on_photos(self, _instance, photos):
        grid = self.ids.thumbs
        grid.clear_widgets()
        for path in photos:
            grid.add_widget(Factory.Thumb(source=path))

    # --- sending -------------------------------------------------------------------------------------
    def submit(self):
        app = App.get_running_app()
        if self.recording:
            self.stop_recording()
        text = self.ids.text.text.strip()
        if not text and not self.photos and not self.audio_path:
            self.ids.error.text = app.tr("report.need_content")
            return
        lat, lon = self.pin if self.pin else (None, None)
        item = app.core.submit_report(text, self._selected(), lat, lon, self.ids.address.text,
                                      self.ids.anonymous.active, list(self.photos), self.audio_path or None,
                                      channel=self._channel)
        drafts = str(app.core.storage / "drafts")
        for path in [*self.photos, self.audio_path]:  # the outbox holds its own copies now
            if path and path.startswith(drafts):
                try:
                    os.remove(path)
                except OSError:
                    pass
        patrol = dict(self.patrol)
        if patrol:
            app.core.save_answer(patrol["task_id"], patrol["item_code"], "hazard", report_client_uuid=item.client_uuid)
        self._stop_everything()
        self.photos, self.audio_path, self.patrol = [], "", {}
        self.ids.text.text = ""
        app.show_message(app.tr("report.saved"))
        app.wake_sync()
        app.back()

    def _stop_everything(self):
        if self.recording:
            self.stop_recording()
        self._stop_playback()

    def on_leave(self, *args):
        self._stop_everything()
