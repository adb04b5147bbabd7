"""Home: what a resident or grid worker can do, and how sending is going."""
from kivy.app import App
from kivy.uix.screenmanager import Screen

from ..tasks import run_async


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
        self.ids.role.text = role_text
        grid = self._grid_name(user)
        self.ids.grid.text = app.tr("home.grid", grid=grid) if grid else ""
        app.update_unread()
        if user.get("grid") and not grid or not app.core.base_map.features():
            run_async(app.core.base_map.refresh, lambda _r: self._show_grid())

    def _grid_name(self, user: dict) -> str | None:
        """The grid's name (a grid worker's home says which grid is theirs), never its code."""
        core = App.get_running_app().core
        code = user.get("grid")
        if not code:
            return None
        patrol_grid = core.patrol_tasks().get("grid") or {}
        return (user.get("grid_name") or core.base_map.grid_name(code)
                or (patrol_grid.get("name") if patrol_grid.get("code") == code else None))

    def _show_grid(self):
        app = App.get_running_app()
        grid = self._grid_name(app.core.user or {})
        self.ids.grid.text = app.tr("home.grid", grid=grid) if grid else ""

    def refresh_view(self):
        self.on_pre_enter()

    def new_report(self):
        app = App.get_running_app()
        app.screen("new_report").start_new()
        app.go("new_report")
