"""The app's media storage, chosen by configuration."""
from flask import current_app, send_file

from server.media import LocalStorage


def storage() -> LocalStorage:
    """The storage for this app (local folder under MEDIA_ROOT)."""
    store = current_app.extensions.get("gridwatch_storage")
    if store is None:
        store = current_app.extensions["gridwatch_storage"] = LocalStorage(current_app.config["MEDIA_ROOT"])
    return store


def send_stored(key: str, mime: str):
    """Stream a stored file to a viewer already checked; never sniffed, cached only privately."""
    response = send_file(storage().open(key), mimetype=mime, max_age=0, conditional=False)
    response.headers["Cache-Control"] = "private, max-age=3600"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
