"""The new report's place: the pin (GPS or the map) and, before submitting, open reports of the same kind nearby."""
from kivy.app import App
from kivy.factory import Factory
from kivy.properties import ListProperty

from ...core.nearby import safe_find
from ..tasks import run_async


class ReportPlaceMixin:
    """Pin, location status and the nearby list of NewReportScreen."""

    pin = ListProperty([])  # [] or [lat, lon]
    nearby = ListProperty([])

    _asked = 0  # the latest look-up: an answer to an earlier one (another pin, another form) is dropped

    def _reset_place(self, lat=None, lon=None):
        self._asked += 1
        self.nearby = []
        self._accuracy = None
        self.pin = [lat, lon] if lat is not None and lon is not None else []
        self._show_place()
        self._show_nearby(None)
        if self.pin:
            self.look_nearby()

    def _show_place(self):
        app = App.get_running_app()
        preview = self.ids.map_preview
        preview.features = app.core.base_map.features()
        preview.pin = list(self.pin)
        preview.fit()
        if not self.pin:
            self.ids.location_status.text = app.tr("report.no_location")
            return
        lat, lon = self.pin
        grid = app.core.base_map.grid_at(lat, lon)
        place = app.place_name(grid) or app.tr("map.outside")
        if self._accuracy is not None:
            self.ids.location_status.text = app.tr("report.located_gps", place=place, m=int(round(self._accuracy)))
        else:
            self.ids.location_status.text = app.tr("map.pin", place=place)

    def open_map(self):
        app = App.get_running_app()
        app.screen("map_pick").start(list(self.pin), self.place_chosen)
        app.go("map_pick")

    def place_chosen(self, lat, lon):
        """From the map screen: the pin where the reporter put it."""
        self._accuracy = None
        self.pin = [lat, lon]
        self._show_place()
        self.look_nearby()

    # --- GPS ------------------------------------------------------------------------------------------
    def locate(self):
        app = App.get_running_app()
        self.ids.location_status.text = app.tr("report.locating")
        app.devices.permissions.request(["location"], self._locate_permitted)

    def _locate_permitted(self, granted):
        app = App.get_running_app()
        if not granted:
            self.ids.location_status.text = app.tr("device.permission_denied", what=app.tr("report.location"))
            return
        app.devices.locator.locate(self._located, self._no_location)

    def _located(self, lat, lon, accuracy=None):
        self.pin = [lat, lon]
        self._accuracy = accuracy
        self._show_place()
        self.look_nearby()

    def _no_location(self, key):
        self.ids.location_status.text = App.get_running_app().tr(key)

    # --- nearby reports ---------------------------------------------------------------------------------
    def on_category_chosen(self):
        if self.pin:
            self.look_nearby()

    def look_nearby(self):
        """Ask the server for open reports of the same kind near the pin (residents only)."""
        app = App.get_running_app()
        if not self.pin or app.role not in ("resident", ""):
            self.nearby = []
            self._show_nearby(None)
            return
        lat, lon = self.pin
        category = self._selected()
        self._asked += 1
        asked = self._asked
        self.ids.nearby_status.text = app.tr("nearby.loading")
        run_async(lambda: safe_find(app.core.nearby, lat, lon, category), lambda result: self._found(result, asked))

    def _found(self, result, asked):
        if asked != self._asked:
            return
        rows, online = result
        self.nearby = rows
        self._show_nearby(online)

    def _show_nearby(self, online):
        app = App.get_running_app()
        box = self.ids.nearby_rows
        box.clear_widgets()
        if online is None:
            self.ids.nearby_status.text = ""
        elif not online:
            self.ids.nearby_status.text = app.tr("nearby.offline")
        else:
            self.ids.nearby_status.text = "" if self.nearby else app.tr("nearby.none")
        for report in self.nearby:
            row = Factory.NearbyRow()
            row.report_id = report["id"]
            row.ids.what.text = report.get("category_name") or (report.get("category") or {}).get("name") or ""
            row.ids.text.text = report.get("text") or ""
            status = app.status_text(report["status"]) if report.get("status") else ""
            bits = [status, app.tr("nearby.count", n=report.get("supporters", 1))]
            if report.get("distance_m") is not None:
                bits.insert(0, app.tr("nearby.distance", m=report["distance_m"]))
            if report.get("created_at"):
                bits.append(app.core.when(report["created_at"]))
            row.ids.meta.text = " · ".join(b for b in bits if b)
            row.ids.support.disabled = bool(report.get("supported"))
            row.ids.support.text = app.tr("nearby.already") if report.get("supported") else app.tr("nearby.support")
            box.add_widget(row)

    def support(self, report_id):
        """我也遇到了: my support goes to that report (through the outbox), instead of a duplicate report."""
        app = App.get_running_app()
        report = next(r for r in self.nearby if r["id"] == report_id)
        app.core.nearby.support(report)
        report["supported"] = True
        app.wake_sync()
        offline = app.core.engine.blocked_reason() is not None
        app.show_message(app.tr("nearby.supported_offline" if offline else "nearby.supported"))
        self._stop_everything()
        app.back()
