"""Settings: server address, language, Wi-Fi-only sending, and (residents) deleting the account."""
from kivy.app import App
from kivy.properties import BooleanProperty
from kivy.uix.screenmanager import Screen

from ..tasks import run_async


class SettingsScreen(Screen):
    confirming = BooleanProperty(False)  # the first tap on "delete" asks for a second one

    def on_pre_enter(self, *args):
        core = App.get_running_app().core
        self.ids.server.text = core.settings.server_url
        self.ids.wifi_only.active = core.settings.wifi_only
        self.ids.error.text = ""
        self.ids.delete_password.text = ""
        self.confirming = False

    def delete_account(self):
        """First tap: ask to confirm; second tap with the password: delete, then back to the sign-in screen."""
        app = App.get_running_app()
        password = self.ids.delete_password.text
        if not password:
            self.ids.error.text = app.tr("account.delete_password")
            return
        if not self.confirming:
            self.confirming = True
            self.ids.error.text = app.tr("account.delete_ask")
            return
        self.ids.delete_account.disabled = True
        run_async(lambda: app.core.delete_account(password), self._deleted, self._delete_failed)

    def _deleted(self, _result):
        app = App.get_running_app()
        self.confirming = False
        self.ids.delete_password.text = ""
        app.show_message(app.tr("account.deleted"))
        app.sign_out()

    def _delete_failed(self, exc):
        app = App.get_running_app()
        self.confirming = False
        self.ids.delete_account.disabled = False
        self.ids.error.text = app.error_text(exc)

    def choose_language(self, lang: str):
        App.get_running_app().set_language(lang)

    def save(self):
        app = App.get_running_app()
        try:
            app.core.set_server(self.ids.server.text)
        except ValueError:
            self.ids.error.text = app.tr("settings.bad_server")
            return
        app.core.settings.set("wifi_only", bool(self.ids.wifi_only.active))
        app.update_pending()
        app.wake_sync()
        app.show_message(app.tr("settings.saved"))
        app.back()
