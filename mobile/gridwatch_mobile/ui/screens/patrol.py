"""Today's patrol: the places of my grid, and each place's checklist (OK, or hazard → a pre-filled report)."""
from kivy.app import App
from kivy.factory import Factory
from kivy.uix.screenmanager import Screen

from ...core.checklist import HAZARD, OK, hazard_draft
from ..tasks import run_async


class PatrolScreen(Screen):
    def on_pre_enter(self, *args):
        self.refresh_view()
        app = App.get_running_app()
        self.ids.status.text = app.tr("common.loading")
        run_async(app.core.refresh_patrol_tasks, lambda _b: self._refreshed(""),
                  lambda exc: self._refreshed(app.tr("common.offline_cached")))

    def _refreshed(self, status: str):
        self.ids.status.text = status
        self.refresh_view()

    def refresh_view(self):
        app = App.get_running_app()
        body = app.core.patrol_tasks()
        grid = body.get("grid") or {}
        self.ids.grid.text = app.tr("patrol.grid", grid=grid.get("name", "")) + (f"  {body['date']}"
                                                                               if body.get("date") else "")
        box = self.ids.rows
        box.clear_widgets()
        if not body.get("items"):
            box.add_widget(Factory.HintLabel(text=app.tr("patrol.none")))
        for task in body.get("items", []):
            answered, total, hazards = app.core.checklist(task["id"]).progress()
            row = Factory.TaskRow()
            row.ids.place.text = task["place"]["name"]
            row.ids.progress.text = app.tr("patrol.progress", a=answered, t=total, h=hazards)
            row.ids.bar.max, row.ids.bar.value = total, answered
            row.bind(on_release=lambda _w, t=task: self.open(t["id"]))
            box.add_widget(row)

    def open(self, task_id):
        app = App.get_running_app()
        app.screen("checklist").show(task_id)
        app.go("checklist")


class ChecklistScreen(Screen):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.task_id = None

    def show(self, task_id):
        self.task_id = task_id

    def on_pre_enter(self, *args):
        self.refresh_view()

    def refresh_view(self):
        if self.task_id is None:
            return
        app = App.get_running_app()
        checklist = app.core.checklist(self.task_id)
        task = checklist.task
        self.ids.place.text = task["place"]["name"]
        answered, total, hazards = checklist.progress()
        self.ids.progress.text = app.tr("patrol.progress", a=answered, t=total, h=hazards)
        box = self.ids.rows
        box.clear_widgets()
        for item in checklist.items:
            row = Factory.ChecklistRow()
            row.code = item["code"]
            row.ids.text.text = item["text"] if app.lang == "zh" else (item.get("text_en") or item["text"])
            answer = checklist.answer_of(item["code"])
            row.ids.ok.state = "down" if answer and answer["result"] == OK else "normal"
            row.ids.hazard.state = "down" if answer and answer["result"] == HAZARD else "normal"
            box.add_widget(row)

    def mark_ok(self, code):
        App.get_running_app().core.save_answer(self.task_id, code, OK)
        self.refresh_view()

    def mark_hazard(self, code):
        """Open a new report pre-filled from the item; the answer is saved when the report is."""
        app = App.get_running_app()
        checklist = app.core.checklist(self.task_id)
        item = next(i for i in checklist.items if i["code"] == code)
        draft = hazard_draft(checklist.task, item)
        draft["patrol"]["place"] = checklist.task["place"]["name"]
        app.screen("new_report").start_new(draft)
        app.go("new_report")

    def submit(self):
        app = App.get_running_app()
        item = app.core.submit_checklist(self.task_id)
        if item is None:
            app.show_message(app.tr("patrol.nothing"))
            return
        app.show_message(app.tr("patrol.submitted"))
        app.wake_sync()
        app.back()
