"""消息通知: my notifications (offline from the last sync), newest first, unread ones marked, in local time."""
from kivy.app import App
from kivy.factory import Factory
from kivy.uix.screenmanager import Screen

from ..tasks import run_async


class NoticesScreen(Screen):
    def on_pre_enter(self, *args):
        self.refresh_view()
        app = App.get_running_app()
        self.ids.status.text = app.tr("common.loading")
        run_async(app.core.notices.refresh, lambda _b: self._refreshed(""),
                  lambda _e: self._refreshed(app.tr("notices.offline")))

    def _refreshed(self, status):
        self.ids.status.text = status
        self.refresh_view()

    def refresh_view(self):
        app = App.get_running_app()
        box = self.ids.rows
        box.clear_widgets()
        kept = app.core.notices.cached()
        if not kept["items"]:
            box.add_widget(Factory.HintLabel(text=app.tr("notices.empty")))
        for notice in kept["items"]:
            row = Factory.NoticeRow()
            row.unread = not notice.get("read_at")
            row.ids.message.text = notice.get("message") or ""
            when = app.core.when(notice.get("created_at"))
            row.ids.when.text = f"{app.tr('notices.unread')} · {when}" if row.unread else when
            row.bind(on_release=lambda _w, n=notice: self.open(n))
            box.add_widget(row)
        self.ids.read_all.disabled = not kept.get("unread")
        app.update_unread()

    def open(self, notice):
        """A notice about my report opens the report (its ``report_id``, else its case), where a closed case is rated;
        marked read on the way."""
        app = App.get_running_app()
        if not notice.get("read_at"):
            run_async(lambda: app.core.notices.mark_read(notice["id"]), lambda _b: self.refresh_view(),
                      lambda _e: None)
        entries = app.core.reports.entries()
        report = next((r for r in entries if notice.get("report_id") and r.get("id") == notice["report_id"]), None) \
            or next((r for r in entries if notice.get("case_id") and r.get("case_id") == notice["case_id"]), None)
        if report is not None:
            app.screen("report_detail").show(report)
            app.go("report_detail")

    def read_all(self):
        app = App.get_running_app()
        run_async(app.core.notices.mark_all_read, lambda _b: self.refresh_view())
