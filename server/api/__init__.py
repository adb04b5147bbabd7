"""The REST API under /api/v1."""


def register(api) -> None:
    """Register every API blueprint with flask-smorest."""
    from . import auth, cases, media, reports, taxonomy
    for module in (auth, reports, media, taxonomy):
        api.register_blueprint(module.blp, url_prefix="/api/v1" + module.PREFIX)
    cases.register_all(api)  # cases, ratings, metrics, notifications
    from . import patrols, report_feedback  # the phone app: grid workers' patrols, feedback to reporters
    for module in (patrols, report_feedback):
        api.register_blueprint(module.blp, url_prefix="/api/v1" + module.PREFIX)
    from ..interop.api import register as register_interop  # API keys, webhooks, exports, Open311 attributes
    register_interop(api)
