"""My reports (offline from the cache), and one report: timeline, the department's feedback, rating."""
from kivy.app import App
from kivy.factory import Factory
from kivy.uix.screenmanager import Screen

from ...core.i18n import step_key
from ...core.reports_cache import current_status
from ..tasks import run_async

RATINGS = ("satisfied", "basically_satisfied", "dissatisfied")


def _when(value) -> str:
    """A server time in the city's zone."""
    return App.get_running_app().when(value)


class MyReportsScreen(Screen):
    def on_pre_enter(self, *args):
        self.refresh_view()
        app = App.get_running_app()
        self.ids.status.text = app.tr("common.loading")
        run_async(app.core.refresh_reports, lambda _changed: self._refreshed(True), lambda exc: self._refreshed(False))

    def _refreshed(self, online: bool):
        app = App.get_running_app()
        self.ids.status.text = "" if online else app.tr("common.offline_cached")
        self.refresh_view()

    def refresh_view(self):
        app = App.get_running_app()
        box = self.ids.rows
        box.clear_widgets()
        entries = app.core.reports.entries()
        if not entries:
            box.add_widget(Factory.HintLabel(text=app.tr("common.empty")))
        for entry in entries:
            row = Factory.ReportRow()
            row.ids.text.text = entry.get("text") or app.tr("kind.report")
            status = "outbox" if entry.get("id") is None else current_status(entry)
            row.ids.status.text = app.status_text(status)
            if entry.get("id") is None:
                row.ids.status.text += " · " + app.tr(f"sync.{entry['outbox_status']}")
            row.ids.when.text = _when(entry.get("created_at"))
            row.bind(on_release=lambda _w, e=entry: self.open(e))
            box.add_widget(row)

    def open(self, entry):
        app = App.get_running_app()
        app.screen("report_detail").show(entry)
        app.go("report_detail")


class ReportDetailScreen(Screen):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.entry = {}

    def show(self, entry: dict):
        self.entry = entry
        self.refresh_view()
        if entry.get("id") is not None:
            app = App.get_running_app()
            run_async(lambda: app.core.feedback(entry), self._show_feedback, lambda exc: None)
            run_async(lambda: app.core.report_photos(entry), self._show_photos, lambda exc: None)
        else:
            self._show_photos(entry.get("local_files") or [], local=True)

    def refresh_view(self):
        app = App.get_running_app()
        entry = self.entry
        if entry.get("client_uuid") and entry.get("id") is not None:
            entry = app.core.reports.get(entry["client_uuid"]) or entry
            self.entry = entry
        ids = self.ids
        ids.text.text = entry.get("text") or ""
        ids.meta.text = " · ".join(x for x in (
            (entry.get("category") or {}).get("name") if entry.get("category") else None,
            entry.get("address"), _when(entry.get("created_at"))) if x)
        timeline = ids.timeline
        timeline.clear_widgets()
        if entry.get("id") is None:
            timeline.add_widget(Factory.AppLabel(text=app.tr("mine.unsent") + " · " +
                                                 app.tr(f"sync.{entry.get('outbox_status', 'queued')}")))
        for step in entry.get("timeline", []):
            key = step_key(step, entry)
            if key is None:
                continue
            line = Factory.TimelineRow()
            line.ids.stage.text = app.tr(key)
            line.ids.when.text = _when(step.get("at"))
            # Case steps carry notes written for reporters; the pipeline's notes are internal.
            line.ids.note.text = (step.get("note") or "") if step["stage"].startswith("case.") else ""
            timeline.add_widget(line)
        self._show_rating(entry.get("local", {}).get("rating"), current_status(entry) == "case.closed")
        cached = app.core.db.get_cached(f"feedback:{entry.get('id')}") if entry.get("id") else None
        self._show_feedback(cached)

    def _show_photos(self, paths, local=False):
        """The reporter's own photos: thumbnails from the server, or the files still in the outbox."""
        app = App.get_running_app()
        box = self.ids.photos
        box.clear_widgets()
        shown = [p for p in paths if not local or p.lower().endswith((".jpg", ".jpeg", ".png", ".webp"))]
        for path in shown:
            box.add_widget(Factory.Thumb(source=path))
        self.ids.photos_status.text = "" if shown else app.tr("mine.no_photos")

    def _show_rating(self, rated: str | None, closed: bool, can_rate: bool | None = None):
        app = App.get_running_app()
        allowed = (can_rate if can_rate is not None else closed) and not rated
        for name in RATINGS:
            self.ids[f"rate_{name}"].disabled = not allowed
        if rated:
            self.ids.rating_status.text = app.tr("mine.rated", rating=app.tr(f"rating.{rated}"))
        else:
            self.ids.rating_status.text = "" if allowed else app.tr("mine.rate_after_close")

    def _show_feedback(self, body):
        app = App.get_running_app()
        box = self.ids.feedback
        box.clear_widgets()
        items = (body or {}).get("items") or []
        if not items:
            box.add_widget(Factory.HintLabel(text=app.tr("mine.no_feedback")))
        for entry in items:
            box.add_widget(Factory.AppLabel(text=f"{_when(entry.get('at'))}  {entry.get('result') or ''}"))
            if entry.get("measures"):
                box.add_widget(Factory.HintLabel(text=entry["measures"]))
            photos = Factory.ThumbRow()
            for att in entry.get("attachments", []):
                if att.get("local_path"):
                    photos.add_widget(Factory.Thumb(source=att["local_path"]))
            if photos.children:
                box.add_widget(photos)
        if body:
            rated = (self.entry.get("local") or {}).get("rating") or body.get("rating")
            self._show_rating(rated, body.get("status") == "closed", body.get("can_rate"))

    def rate(self, rating: str):
        app = App.get_running_app()
        app.core.rate(self.entry, rating)
        self.entry = app.core.reports.get(self.entry["client_uuid"]) or self.entry
        self._show_rating(rating, True)
        app.wake_sync()
