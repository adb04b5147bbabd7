"""Sign in and resident registration."""
from kivy.app import App
from kivy.uix.screenmanager import Screen

from ...core.api import ApiError
from ..tasks import run_async


class LoginScreen(Screen):
    """Phone number or username, and password."""

    def sign_in(self):
        app = App.get_running_app()
        username, password = self.ids.username.text.strip(), self.ids.password.text
        if not username or not password:
            self.ids.error.text = app.tr("login.missing")
            return
        self.ids.error.text = ""
        self.ids.submit.disabled = True
        run_async(lambda: app.core.login(username, password), self._done, self._failed)

    def _done(self, _user):
        self.ids.submit.disabled = False
        self.ids.password.text = ""
        App.get_running_app().signed_in()

    def _failed(self, exc):
        app = App.get_running_app()
        self.ids.submit.disabled = False
        self.ids.error.text = app.tr("login.failed") if isinstance(exc, ApiError) and exc.status == 401 \
            else app.error_text(exc)


class RegisterScreen(Screen):
    """A resident registers with a mobile number."""

    def register(self):
        app = App.get_running_app()
        phone, password, name = self.ids.phone.text.strip(), self.ids.password.text, self.ids.name.text.strip()
        if not phone or not password:
            self.ids.error.text = app.tr("login.missing")
            return
        self.ids.error.text = ""
        self.ids.submit.disabled = True
        run_async(lambda: app.core.register(phone, password, name), self._done, self._failed)

    def _done(self, _user):
        self.ids.submit.disabled = False
        App.get_running_app().signed_in()

    def _failed(self, exc):
        self.ids.submit.disabled = False
        self.ids.error.text = App.get_running_app().error_text(exc)
