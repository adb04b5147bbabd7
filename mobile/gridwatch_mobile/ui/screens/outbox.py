"""The outbox: every item with its sync state; retry, delete, or re-send a conflicting report as new."""
import time

from kivy.app import App
from kivy.clock import Clock
from kivy.factory import Factory
from kivy.uix.screenmanager import Screen

from ...core.outbox import Status
from ...core.outbox_text import describe


class OutboxScreen(Screen):
    _ticker = None

    def on_pre_enter(self, *args):
        self.refresh_view()

    def on_enter(self, *args):
        self._ticker = Clock.schedule_interval(lambda _dt: self.refresh_view(), 1.0)  # the countdown moves

    def on_leave(self, *args):
        if self._ticker is not None:
            self._ticker.cancel()
            self._ticker = None

    def refresh_view(self):
        app = App.get_running_app()
        box = self.ids.rows
        box.clear_widgets()
        items = app.core.outbox.items()
        if not items:
            box.add_widget(Factory.HintLabel(text=app.tr("outbox.empty")))
        for item in items:
            row = Factory.OutboxRow()
            row.item_id = item.id
            row.ids.title.text = f"{app.tr('kind.' + item.kind)} · {item.title}" if item.title else app.tr("kind." + item.kind)
            detail = app.tr(f"sync.{item.status}")
            if item.attempts:
                detail += " · " + app.tr("outbox.attempts", n=item.attempts)
            row.ids.status.text = detail
            row.ids.error.text = describe(item, time.time(), app.tr)
            row.ids.retry.disabled = item.status not in (Status.FAILED_RETRYABLE.value,
                                                         Status.FAILED_PERMANENT.value)
            row.ids.discard.disabled = item.status in (Status.SENDING.value, Status.SENT.value)
            row.ids.resend.disabled = item.status != Status.CONFLICT.value
            row.ids.resend.opacity = 1 if item.status == Status.CONFLICT.value else 0
            if item.status != Status.CONFLICT.value:  # no gap where the hidden button would be
                row.ids.resend.size_hint_x, row.ids.resend.width = None, 0
            box.add_widget(row)
        app.update_pending()

    def retry(self, item_id):
        app = App.get_running_app()
        app.core.outbox.retry_now(item_id)
        app.wake_sync()
        self.refresh_view()

    def discard(self, item_id):
        App.get_running_app().core.outbox.discard(item_id)
        self.refresh_view()

    def resend(self, item_id):
        app = App.get_running_app()
        app.core.outbox.resend_as_new(item_id)
        app.wake_sync()
        self.refresh_view()

    def sync_now(self):
        app = App.get_running_app()
        for item in app.core.outbox.items(include_sent=False):
            if item.status == Status.FAILED_RETRYABLE.value:
                app.core.outbox.retry_now(item.id)
        app.wake_sync()
        self.refresh_view()
