"""The app's media storage, chosen by configuration."""
from flask import current_app

from .media import LocalStorage


def storage() -> LocalStorage:
    """The storage for this app (local folder under MEDIA_ROOT)."""
    store = current_app.extensions.get("gridwatch_storage")
    if store is None:
        store = current_app.extensions["gridwatch_storage"] = LocalStorage(current_app.config["MEDIA_ROOT"])
    return store
