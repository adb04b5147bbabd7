"""Media files, served only to those who may see their report."""

from flask_smorest import Blueprint

from server.reports.access import can_view_report
from server.accounts.auth import BEARER, auth_required, current_user
from server.web.errors import ApiError
from server.extensions import db
from server.media.store import send_stored
from server.models import Media
from server.web.schemas import ErrorSchema

blp = Blueprint("media", __name__, description="Photos and voice recordings")


def _media_for_viewer(media_id: str) -> Media:
    """The media row if the signed-in user may see it, else 404."""
    media = db.session.get(Media, media_id)
    if media is None or not can_view_report(current_user(), media.report):
        raise ApiError(404, "not_found", "No such file that you may see.")
    return media


@blp.route("/<media_id>", methods=["GET"])
@blp.doc(security=BEARER, responses={"200": {"description": "The file"}})
@blp.alt_response(404, schema=ErrorSchema)
@auth_required()
def get_media(media_id: str):
    """The stored file (photos without their metadata)."""
    media = _media_for_viewer(media_id)
    return send_stored(media.storage_key, media.mime)


@blp.route("/<media_id>/thumb", methods=["GET"])
@blp.doc(security=BEARER, responses={"200": {"description": "A JPEG thumbnail"}})
@blp.alt_response(404, schema=ErrorSchema)
@auth_required()
def get_thumb(media_id: str):
    """A photo's thumbnail."""
    media = _media_for_viewer(media_id)
    if not media.thumb_key:
        raise ApiError(404, "not_found", "This file has no thumbnail.")
    return send_stored(media.thumb_key, "image/jpeg")
