"""The map screen: drop or move the pin on the grid map (tiles when configured), or take the phone's position."""
from kivy.app import App
from kivy.uix.screenmanager import Screen

from ...core.base_map import fetch_tile
from ..tasks import run_async


class MapPickScreen(Screen):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._on_done = None

    def start(self, pin: list, on_done) -> None:
        """Open with the current pin (or none); ``on_done(lat, lon)`` when the reporter confirms."""
        self._on_done = on_done
        app = App.get_running_app()
        pin_map = self.ids.pin_map
        pin_map.tile_dir = app.media_dir("tiles")
        pin_map.fetch_tile = fetch_tile
        pin_map.tile_url = app.core.settings.get("tile_url") or ""
        pin_map.features = app.core.base_map.features()
        pin_map.pin = list(pin)
        self.ids.status.text = app.tr("map.loading") if not pin_map.features else ""
        self._show_pin()
        run_async(app.core.base_map.refresh, self._refreshed)

    def on_enter(self, *args):
        self.ids.pin_map.fit()

    def _refreshed(self, result):
        features, online = result
        app = App.get_running_app()
        pin_map = self.ids.pin_map
        had = bool(pin_map.features)
        pin_map.features = features
        pin_map.tile_url = app.core.settings.get("tile_url") or ""
        if not had:
            pin_map.fit()
        if not features:
            self.ids.status.text = app.tr("map.none")
        else:
            self.ids.status.text = "" if online else app.tr("map.offline")

    def on_pin(self, *_args):
        self._show_pin()

    def _show_pin(self):
        app = App.get_running_app()
        pin = self.ids.pin_map.pin
        if not pin:
            self.ids.pin_text.text = app.tr("map.no_pin")
            self.ids.confirm.disabled = True
            return
        grid = app.core.base_map.grid_at(*pin)
        place = app.place_name(grid) or app.tr("map.outside")
        self.ids.pin_text.text = app.tr("map.pin", place=place) + f"\n{pin[0]:.5f}, {pin[1]:.5f}"
        self.ids.confirm.disabled = False

    def my_place(self):
        app = App.get_running_app()
        self.ids.status.text = app.tr("report.locating")
        app.devices.permissions.request(["location"], lambda ok: app.devices.locator.locate(
            self._located, self._no_location) if ok else self._no_location("device.no_gps"))

    def _located(self, lat, lon, _accuracy=None):
        self.ids.status.text = ""
        self.ids.pin_map.set_pin(lat, lon, centre=True)
        self.ids.pin_map.zoom = max(self.ids.pin_map.zoom, 16.0)

    def _no_location(self, key):
        self.ids.status.text = App.get_running_app().tr(key)

    def confirm(self):
        pin = self.ids.pin_map.pin
        app = App.get_running_app()
        app.back()
        if pin and self._on_done is not None:
            self._on_done(*pin)

