"""Settings: server address, language, Wi-Fi-only sending."""
from kivy.app import App
from kivy.uix.screenmanager import Screen


class SettingsScreen(Screen):
    def on_pre_enter(self, *args):
        core = App.get_running_app().core
        self.ids.server.text = core.settings.server_url
        self.ids.wifi_only.active = core.settings.wifi_only
        self.ids.error.text = ""

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
