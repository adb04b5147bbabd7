"""Home: what a resident or grid worker can do, and how sending is going."""
from kivy.app import App
from kivy.uix.screenmanager import Screen


class HomeScreen(Screen):
    def on_pre_enter(self, *args):
        app = App.get_running_app()
        app.update_pending()
        user = app.core.user or {}
        # Residents' usernames are generated (r_…): greet them by name, else by their masked number.
        name = user.get("display_name") or user.get("phone") or user.get("username") or ""
        self.ids.hello.text = app.tr("home.hello", name=name)
        role = user.get("role")
        role_text = app.tr(f"home.role.{role}") if role in ("resident", "grid_worker") else app.tr("home.role.other")
        grid = user.get("grid")
        self.ids.role.text = f"{role_text}  {grid}" if grid else role_text

    def refresh_view(self):
        self.on_pre_enter()

    def new_report(self):
        app = App.get_running_app()
        app.screen("new_report").start_new()
        app.go("new_report")
