"""A Kivy file chooser in a popup: how a desktop picks photos and recordings."""
import os
import shutil
import uuid
from pathlib import Path

from kivy.metrics import dp
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.filechooser import FileChooserListView
from kivy.uix.popup import Popup

PHOTO_FILTERS = ["*.jpg", "*.jpeg", "*.png", "*.webp", "*.JPG", "*.JPEG", "*.PNG"]
AUDIO_FILTERS = ["*.m4a", "*.aac", "*.3gp", "*.amr", "*.ogg", "*.opus", "*.mp3", "*.wav"]


def copy_into(dest_dir: str, source: str) -> str:
    """Copy a chosen file into app storage (the original may move or vanish later)."""
    Path(dest_dir).mkdir(parents=True, exist_ok=True)
    target = Path(dest_dir) / f"{uuid.uuid4().hex}{Path(source).suffix.lower()}"
    shutil.copyfile(source, target)
    return str(target)


HEADERS = {"Name": "chooser.name", "Size": "chooser.size"}


def translate_headers(chooser, tr) -> None:
    """Kivy's list chooser writes its column headers in English: put them in the app's language."""
    for widget in chooser.walk(restrict=True):
        key = HEADERS.get(getattr(widget, "text", None)) if isinstance(getattr(widget, "text", None), str) else None
        if key:
            widget.text = tr(key)


def choose_files(title_key: str, filters: list[str], multiselect: bool, on_done, start: str | None = None) -> Popup:
    """Open the chooser; ``on_done(paths)`` with the selection (empty when cancelled)."""
    from kivy.app import App
    app = App.get_running_app()
    tr = app.tr if app is not None and hasattr(app, "tr") else (lambda key, *_: key)
    root = BoxLayout(orientation="vertical", spacing=dp(8))
    chooser = FileChooserListView(path=start or os.path.expanduser("~"), filters=filters,
                                  multiselect=multiselect)
    translate_headers(chooser, tr)
    buttons = BoxLayout(size_hint_y=None, height=dp(56), spacing=dp(8))
    cancel = Button(text=tr("common.cancel"))
    choose = Button(text=tr("chooser.choose"))
    buttons.add_widget(cancel)
    buttons.add_widget(choose)
    root.add_widget(chooser)
    root.add_widget(buttons)
    popup = Popup(title=tr(title_key), content=root, size_hint=(0.95, 0.95))
    cancel.bind(on_release=lambda *_: (popup.dismiss(), on_done([])))
    choose.bind(on_release=lambda *_: (popup.dismiss(), on_done(list(chooser.selection))))
    popup.open()
    return popup
