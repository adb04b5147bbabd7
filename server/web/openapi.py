"""The REST API's flask-smorest extension: the OpenAPI document, with the project's one error shape.

The document is built when it is first asked for, not when the app is made: flask-smorest documents every view as
its blueprint is registered (deep copies of every schema's fields, ~70% of ``create_app``), which every web and
worker process paid at start-up although only ``GET /api/v1/openapi.json`` reads it.
"""
import threading

from flask_smorest import Api

from server.web.schemas import ErrorSchema


class GridWatchApi(Api):
    """flask-smorest documenting errors with the project's one error shape, and documenting views lazily."""

    ERROR_SCHEMA = ErrorSchema

    def init_app(self, app, *, spec_kwargs=None):
        """As flask-smorest, with nothing documented yet."""
        self._undocumented: list[tuple] = []
        self._documenting = threading.Lock()
        super().init_app(app, spec_kwargs=spec_kwargs)

    def register_blueprint(self, blp, *, parameters=None, **options):
        """Register a blueprint in the app (as flask-smorest does); its views are documented later (``document``)."""
        name = options.get("name", blp.name)
        self._app.extensions["flask-smorest"]["blp_name_to_api"][name] = self
        self._app.register_blueprint(blp, **options)
        self._undocumented.append((blp, self._app, name, parameters))

    def document(self) -> None:
        """Add the views of every blueprint registered so far to the OpenAPI document (once each)."""
        with self._documenting:
            pending, self._undocumented = self._undocumented, []
            for blp, app, name, parameters in pending:
                blp.register_views_in_doc(self, app, self.spec, name=name, parameters=parameters)
                self.spec.tag({"name": name, "description": blp.description})

    def _openapi_json(self):
        """The document at ``OPENAPI_JSON_PATH``, completed first (flask-smorest's view; its UIs read this too)."""
        self.document()
        return super()._openapi_json()


api = GridWatchApi()
