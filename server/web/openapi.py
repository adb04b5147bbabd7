"""The REST API's flask-smorest extension: the OpenAPI document, with the project's one error shape."""
from flask_smorest import Api

from server.web.schemas import ErrorSchema


class GridWatchApi(Api):
    """flask-smorest documenting errors with the project's one error shape."""

    ERROR_SCHEMA = ErrorSchema


api = GridWatchApi()
