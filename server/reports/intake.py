"""Accepting a report: idempotent on the phone's UUID, media checked by content."""
import hashlib
import json
import logging
import uuid
from functools import lru_cache

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from server.accounts.auth import IdentityChanged, identity_proven, unproven_identity
from server.accounts.token_cache import LIVE, live_params
from server.errors import Conflict, Invalid, refused_upload
from server.extensions import db
from server.media import MediaError, probe_audio, process_photo, strip_audio
from server.media.store import storage
from server.media.uploads import Upload
from server.models import Channel, Media, Report, Role, User
from server.models.stored import as_stored

log = logging.getLogger(__name__)

CHANNELS_BY_ROLE = {
    Role.RESIDENT.value: {Channel.APP.value, Channel.WEB.value},
    Role.GRID_WORKER.value: {Channel.APP.value, Channel.PATROL.value, Channel.WEB.value},
    Role.DEPT_STAFF.value: {Channel.WEB.value, Channel.HOTLINE.value},
    Role.SUPERVISOR.value: {Channel.WEB.value, Channel.HOTLINE.value, Channel.APP.value},
    Role.ADMIN.value: {c.value for c in Channel},
}


# json.dumps with options builds an encoder per call; one made once writes the same text.
_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False)


def payload_hash(fields: dict, photos: list[Upload], audio: Upload | None) -> str:
    """A fingerprint of what was sent, to tell a re-send from a different report."""
    canon = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in sorted(fields.items())
             if k != "client_uuid"}
    canon["photos"] = [hashlib.sha256(p.data).hexdigest() for p in photos]
    canon["audio"] = hashlib.sha256(audio.data).hexdigest() if audio else None
    return hashlib.sha256(_CANONICAL.encode(canon).encode()).hexdigest()


def _existing(user: User, client_uuid: str, digest: str) -> Report | None:
    """This reporter's report already stored under this UUID; 409 when its payload differs.

    Only the same account's reports are looked at: another person's UUID never answers with their report.
    """
    report = db.session.execute(db.select(Report).where(
        Report.reporter_id == user.id, Report.client_uuid == client_uuid)).scalar_one_or_none()
    if report is not None and report.payload_hash != digest:
        raise Conflict("A different report was already sent with this client_uuid; make a new UUID for a new report.",
                       {"client_uuid": ["already used for a different report"]}, code="client_uuid_conflict")
    return report


def _check_request(user: User, fields: dict, photos: list[Upload], audio: Upload | None, check_channel: bool) -> None:
    """Rules that need more than one field."""
    cfg = current_app.config
    if fields.get("client_uuid") is None:
        if user.role == Role.RESIDENT.value:  # the app always sends one: its outbox re-sends depend on it
            raise Invalid(errors={"client_uuid": ["Missing data for required field."]})
        fields["client_uuid"] = str(uuid.uuid4())  # staff without an outbox: every request is a new report
    if check_channel and fields["channel"] not in CHANNELS_BY_ROLE.get(user.role, set()):
        raise Invalid(errors={"channel": [f"A {user.role} cannot report through channel '{fields['channel']}'."]})
    if len(photos) > cfg["MAX_PHOTOS"]:
        raise Invalid(errors={"photos": [f"At most {cfg['MAX_PHOTOS']} photos."]})
    if not fields["text"] and not photos and audio is None:
        raise Invalid(errors={"text": ["Say what the hazard is: give text, a voice recording or a photo."]})


def _media_rows(photos: list[Upload], audio: Upload | None) -> list[Media]:
    """Check every file by its content, then store them all; 413/422 on the first bad one, with nothing stored."""
    cfg, store = current_app.config, storage()
    try:
        cleaned, budget = [], cfg["MAX_REQUEST_PHOTO_PIXELS"]
        for i, upload in enumerate(photos):
            try:  # one at a time, each reduced while decoding, within the request's pixel budget
                cleaned.append(process_photo(upload.data, max_bytes=cfg["MAX_PHOTO_BYTES"],
                                             max_pixels=cfg["MAX_PHOTO_PIXELS"], max_side=cfg["PHOTO_MAX_SIDE"],
                                             pixel_budget=budget))
                budget -= cleaned[-1].decoded_pixels
            except MediaError as exc:
                exc.field = f"photos[{i}]" if len(photos) > 1 else "photos"
                raise
        info = clean = None
        if audio is not None:
            try:
                info = probe_audio(audio.data, max_bytes=cfg["MAX_AUDIO_BYTES"], max_seconds=cfg["MAX_AUDIO_SECONDS"])
                clean = strip_audio(audio.data, info.container, info.mime, info.ext)  # no tags, cover art, chapters
            except MediaError as exc:
                exc.field = "audio"
                raise
    except MediaError as exc:
        raise refused_upload(exc.status, exc.code, exc.message, exc.field or "file") from exc
    rows = [Media(kind="photo", position=i, storage_key=store.put(photo.data, photo.ext),
                  thumb_key=store.put(photo.thumb, "jpg"), mime=photo.mime, size=len(photo.data),
                  sha256=photo.sha256, width=photo.width, height=photo.height) for i, photo in enumerate(cleaned)]
    if audio is not None:
        rows.append(Media(kind="audio", position=len(photos), storage_key=store.put(clean.data, clean.ext),
                          mime=clean.mime, size=len(clean.data), sha256=hashlib.sha256(clean.data).hexdigest(),
                          duration=info.duration))
    return rows


_INSERT = sa.insert(Report.__table__).returning(Report.__table__.c.id)
# Each column but the key, with its default (None: the column starts empty); read once, not per request.
_DEFAULTS = [(column.key, column.default) for column in Report.__table__.columns if not column.primary_key]


def _new_row(values: dict) -> dict:
    """Every column of a new report: the given values, else the model's defaults, else empty (the key aside)."""
    row = {}
    for key, default in _DEFAULTS:
        if default is None:
            row[key] = None
        else:  # a callable default (utcnow, list) is wrapped by SQLAlchemy to take an execution context
            row[key] = default.arg(None) if default.is_callable else default.arg
    row.update(values)
    return row


@lru_cache(maxsize=64)
def _insert_if_live(keys: tuple[str, ...]) -> sa.Insert:
    """INSERT of these columns that stores the row only while the request's cached identity holds
    (``INSERT … SELECT :values WHERE EXISTS (the token live, the user as cached)``), returning the new id."""
    table = Report.__table__
    values = sa.select(*[sa.bindparam(key, type_=table.c[key].type) for key in keys]).where(LIVE)
    return sa.insert(table).from_select(list(keys), values, include_defaults=False).returning(table.c.id)


def _insert(values: dict, media: list[Media], reporter: User) -> Report:
    """The new report's row, one Core INSERT, and its media rows (added to the session). The report itself is built
    as stored, every column and relationship known (the reporter given, no category, grid, transcripts or events
    yet), and left out of the session: nothing of it loads or flushes again, and its presentation needs no query.

    When the signed-in user came from the token cache, the INSERT itself proves them (see
    ``server.accounts.token_cache``): no row means the token or the user changed, and ``IdentityChanged`` sends the
    request round again as the user now is."""
    row = _new_row(values)
    # Empty columns are left out (a JSON column given None would store JSON null, not NULL).
    given = {k: v for k, v in row.items() if v is not None}
    # On the session's connection (its transaction) but past the ORM's statement machinery: a plain Core INSERT.
    connection, cached = db.session.connection(), unproven_identity()
    if cached is None:
        row["id"] = connection.execute(_INSERT, given).scalar_one()
    else:
        try:
            row["id"] = connection.execute(_insert_if_live(tuple(given)), {**given, **live_params(cached)}).scalar()
        except IntegrityError:  # a re-send: the row was tried, so the condition held
            identity_proven()
            raise
        if row["id"] is None:
            raise IdentityChanged()
        identity_proven()
    report = as_stored(Report, row)
    for item in media:
        item.report_id = report.id
    db.session.add_all(media)
    for name, value in (("reporter", reporter), ("category", None), ("grid", None), ("media", media),
                        ("transcripts", []), ("events", [])):
        set_committed_value(report, name, value)
    return report


def accept_report(user: User, fields: dict, photos: list[Upload], audio: Upload | None,
                  check_channel: bool = True) -> tuple[Report, bool]:
    """Store a report (or find its earlier copy); True when it is new."""
    _check_request(user, fields, photos, audio, check_channel)
    digest = payload_hash(fields, photos, audio)
    if photos or audio is not None:  # look first, so that a re-send stores no file twice
        existing = _existing(user, fields["client_uuid"], digest)
        if existing is not None:
            return existing, False
    # Text only: insert straight away; the unique (reporter, client_uuid) catches a re-send.
    media = _media_rows(photos, audio)
    try:
        values = dict(fields, payload_hash=digest, reporter_id=user.id, has_audio=audio is not None)
        report = _insert(values, media, user)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        existing = _existing(user, fields["client_uuid"], digest)
        if existing is None:
            raise
        return existing, False
    return report, True
