"""The Kivy app: fonts, screens, the sync thread, and the helpers every screen uses."""
import logging
import os
from pathlib import Path

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.lang import Builder
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.screenmanager import SlideTransition
from kivy.utils import platform

from ..adapters import Devices, platform_devices
from ..core.api import ApiError, NetworkError
from ..core.app_core import AppCore
from ..core.i18n import status_key, translate
from ..core.sync import SyncWorker
from .fonts import register_default_font
from .tasks import run_async

log = logging.getLogger(__name__)
KV_DIR = Path(__file__).resolve().parent / "kv"
SCREENS = ("login", "register", "home", "new_report", "my_reports", "report_detail", "patrol", "checklist",
           "verification", "settings", "outbox", "map_pick", "notices")
REFRESH_SECONDS = 120


class RootLayout(BoxLayout):
    """The screen manager above a message bar."""


class GridWatchApp(App):
    """GridWatch for residents and grid workers."""

    lang = StringProperty("zh")
    message = StringProperty("")
    pending = NumericProperty(0)
    unread = NumericProperty(0)
    sync_text = StringProperty("")
    role = StringProperty("")
    grid_worker = BooleanProperty(False)

    def __init__(self, storage_dir: str | None = None, devices: Devices | None = None, **kwargs):
        super().__init__(**kwargs)
        self.title = "网格安全 GridWatch"
        self._storage_dir = storage_dir
        self.devices = devices
        self.core: AppCore | None = None
        self.sync_worker: SyncWorker | None = None
        self._history: list[str] = []
        self._message_event = None

    # --- building -------------------------------------------------------------------------------
    def build(self):
        register_default_font()
        from . import screens, widgets  # noqa: F401  (registers the screen and widget classes with the Factory)
        for name in ("common", "root", *SCREENS):
            Builder.load_file(str(KV_DIR / f"{name}.kv"))
        self.devices = self.devices or platform_devices(platform)
        storage = Path(self._storage_dir or self.user_data_dir)
        self.core = AppCore(storage, network=self.devices.network.state)
        if getattr(self, "initial_server", None):
            self.core.set_server(self.initial_server)
        self.lang = self.core.settings.language
        root = RootLayout()
        manager = root.ids.manager
        manager.transition = SlideTransition(duration=0.18)
        for name in SCREENS:
            manager.add_widget(screens.make(name))
        self._update_role()
        manager.current = "home" if self.core.settings.token else "login"
        self.sync_worker = SyncWorker(self.core.engine, on_pass=lambda r: Clock.schedule_once(
            lambda _dt: self._after_sync(r)))
        self.sync_worker.start()
        Clock.schedule_interval(lambda _dt: self.refresh_statuses(), REFRESH_SECONDS)
        Window.bind(on_keyboard=self._on_key)
        self.update_pending()
        self.update_unread()
        if platform == "android":
            self.devices.permissions.request(["notifications"], lambda granted: None)
        return root

    def on_stop(self):
        if self.sync_worker is not None:
            self.sync_worker.stop()
        if self.devices is not None:
            self.devices.locator.stop()

    @property
    def manager(self):
        return self.root.ids.manager

    # --- language and messages -----------------------------------------------------------------------
    def tr(self, key: str, _lang: str | None = None, **values) -> str:
        """A message in the current language (kv passes ``app.lang`` so that texts follow a switch)."""
        return translate(self.lang, key, **values)

    def status_text(self, stage: str) -> str:
        return self.tr(status_key(stage))

    def when(self, value) -> str:
        """A server time in the city's zone (CITY_TIMEZONE from the server, Asia/Shanghai by default)."""
        return self.core.when(value)

    def place_name(self, props: dict | None) -> str | None:
        """An area's name in the app's language."""
        props = props or {}
        return (props.get("name_en") if self.lang == "en" else None) or props.get("name")

    def update_unread(self) -> None:
        self.unread = self.core.notices.unread()

    def set_language(self, lang: str) -> None:
        self.core.settings.set("language", lang)
        self.lang = lang
        self.update_pending()

    def show_message(self, text: str, seconds: float = 4.0) -> None:
        """A short notice in the bar at the bottom."""
        self.message = text
        if self._message_event is not None:
            self._message_event.cancel()
        self._message_event = Clock.schedule_once(lambda _dt: setattr(self, "message", ""), seconds)

    def error_text(self, exc: Exception) -> str:
        """What to tell the user about a failed request."""
        if isinstance(exc, NetworkError):
            return self.tr("common.network_error")
        if isinstance(exc, ApiError):
            return exc.first_field_error()
        return str(exc)

    # --- navigation -------------------------------------------------------------------------------------
    def go(self, name: str, remember: bool = True) -> None:
        manager = self.manager
        if remember and manager.current != name:
            self._history.append(manager.current)
        manager.transition.direction = "left"
        manager.current = name

    def back(self) -> None:
        manager = self.manager
        target = self._history.pop() if self._history else ("home" if self.core.settings.token else "login")
        if target in ("login", "register") and self.core.settings.token:
            target = "home"
        manager.transition.direction = "right"
        manager.current = target

    def _on_key(self, _window, key, *_args):
        if key == 27 and self.manager.current not in ("home", "login"):  # Android back button
            self.back()
            return True
        return False

    def screen(self, name: str):
        return self.manager.get_screen(name)

    # --- session ------------------------------------------------------------------------------------------
    def _update_role(self) -> None:
        self.role = self.core.role or ""
        self.grid_worker = self.role == "grid_worker"

    def signed_in(self) -> None:
        self._update_role()
        self._history.clear()
        self.go("home", remember=False)
        self.wake_sync()
        self.refresh_statuses()

    def sign_out(self) -> None:
        run_async(self.core.sign_out)
        self.core.settings.set("token", None)
        self._history.clear()
        self.go("login", remember=False)

    # --- sync -----------------------------------------------------------------------------------------------
    def wake_sync(self) -> None:
        self.update_pending()
        if self.sync_worker is not None:
            self.sync_worker.wake()

    def update_pending(self) -> None:
        self.pending = self.core.outbox.pending_count()
        reason = self.core.engine.blocked_reason()
        if not self.pending:
            self.sync_text = self.tr("home.synced")
        elif reason == "offline":
            self.sync_text = self.tr("home.offline", n=self.pending)
        elif reason == "wifi_only":
            self.sync_text = self.tr("home.wifi_only", n=self.pending)
        elif reason == "signed_out":
            self.sync_text = self.tr("home.signed_out")
        else:
            self.sync_text = self.tr("home.pending", n=self.pending)

    def _after_sync(self, result) -> None:
        self.update_pending()
        if result.blocked == "unreachable" and self.pending:
            self.sync_text = self.tr("home.offline", n=self.pending)
        if result.blocked == "unauthorized":
            self.sync_text = self.tr("home.signed_out")
        current = self.manager.current_screen
        if result.changed and hasattr(current, "refresh_view"):
            current.refresh_view()

    def refresh_statuses(self) -> None:
        """Fetch my reports' statuses; notify changes and new notices."""
        if not self.core.settings.token:
            return

        def work():
            changed = self.core.refresh_reports()
            notices = self.core.new_notifications()
            return changed, notices

        def done(result):
            changed, notices = result
            for report, _old in changed:
                status = self.status_text(report["timeline"][-1]["stage"] if report.get("timeline") else "received")
                self.devices.notifier.notify(self.tr("notify.status"),
                                             self.tr("notify.status_body", text=report["text"][:20], status=status))
            for notice in notices:
                self.devices.notifier.notify(self.tr("app.name"), notice["message"])
            self.update_unread()
            current = self.manager.current_screen
            if (changed or notices) and hasattr(current, "refresh_view"):
                current.refresh_view()

        run_async(work, done, lambda exc: None)

    def media_dir(self, kind: str) -> str:
        """A folder in app storage for files being prepared (photos, recordings)."""
        path = self.core.storage / "drafts" / kind
        os.makedirs(path, exist_ok=True)
        return str(path)
