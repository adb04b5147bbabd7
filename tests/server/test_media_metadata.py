"""Recordings and evidence videos are stored without metadata: tags, places, chapters, cover art, data tracks."""

from __future__ import annotations

import io

import pytest

from server.media import probe_audio
from tests import media_fixtures as fx

MB = 1024 * 1024


@pytest.mark.parametrize("fmt", ["m4a", "mp3", "ogg"])
def test_recordings_lose_tags_cover_art_and_chapters_and_keep_their_length(fmt):
    from server.media import strip_audio
    from tests.media_tags import SECRETS, describe, personal, tagged_audio
    tagged = tagged_audio(fmt)
    before = describe(tagged)
    assert personal(before), "the fixture must carry metadata"
    info = probe_audio(tagged, max_bytes=10 * MB)
    clean = strip_audio(tagged, info.container, info.mime, info.ext)
    after = describe(clean.data)
    assert personal(after) == []
    assert [kind for kind, *_ in after["streams"]] == ["audio"]
    assert not any(secret.encode() in clean.data for secret in SECRETS)
    assert after["decoded"] > 0 and after["duration"] == pytest.approx(before["duration"], abs=0.05)
    assert (clean.mime, clean.ext) == (info.mime, info.ext)
    assert probe_audio(clean.data, max_bytes=10 * MB).duration == pytest.approx(info.duration, abs=0.05)


@pytest.mark.parametrize("fmt", ["m4a", "3gp", "ogg", "webm", "webm-live", "mp3", "wav", "amr", "aac", "ogg-vorbis"])
def test_every_phone_format_survives_the_stripping(fmt):
    from server.media import strip_audio
    data = fx.audio_bytes(fmt)
    info = probe_audio(data, max_bytes=10 * MB)
    clean = strip_audio(data, info.container, info.mime, info.ext)
    again = probe_audio(clean.data, max_bytes=10 * MB)
    assert (again.codec, clean.ext) == (info.codec, info.ext)
    assert again.duration == pytest.approx(info.duration, abs=0.05)


def test_videos_lose_tags_chapters_and_data_tracks_and_keep_their_length():
    from server.media import strip_video
    from tests.media_tags import SECRETS, describe, personal, tagged_mp4
    tagged = tagged_mp4()
    before = describe(tagged)
    assert personal(before)
    clean = strip_video(tagged)
    after = describe(clean)
    assert personal(after) == []
    assert sorted(kind for kind, *_ in after["streams"]) == ["audio", "video"]
    assert not any(secret.encode() in clean for secret in SECRETS)
    assert after["decoded"] == before["decoded"]
    assert after["duration"] == pytest.approx(before["duration"], abs=0.05)


def test_stored_voice_report_and_case_evidence_carry_no_metadata(client, app, city):
    """End to end: what department staff download has no name, phone, comment or place in it."""
    from server.extensions import db
    from server.media.store import storage
    from server.models import CaseAttachment, Media
    from tests.helpers import LOGIN, login, new_uuid
    from tests.media_tags import SECRETS, describe, personal, tagged_audio, tagged_mp4
    from tests.server.test_cases_support import FEEDBACK, USERS, case_in
    resident = login(client, LOGIN["resident"])
    response = client.post("/api/v1/reports", headers=resident, content_type="multipart/form-data", data={
        "client_uuid": new_uuid(), "anonymous": "true", "audio": (io.BytesIO(tagged_audio("m4a")), "voice.m4a")})
    assert response.status_code == 201, response.get_json()
    with app.app_context():
        case_id = case_in("in_progress")
    lead = login(client, USERS["lead"])
    done = client.post(f"/api/v1/cases/{case_id}/actions/feedback", headers=lead, content_type="multipart/form-data",
                       data={**FEEDBACK, "audio": (io.BytesIO(tagged_audio("mp3")), "a.mp3"),
                             "video": (io.BytesIO(tagged_mp4()), "v.mp4")})
    assert done.status_code == 200, done.get_json()
    with app.app_context():
        keys = [m.storage_key for m in db.session.execute(db.select(Media)).scalars()]
        keys += [a.storage_key for a in db.session.execute(db.select(CaseAttachment)).scalars()]
        blobs = []
        for key in keys:
            with storage().open(key) as fh:
                blobs.append(fh.read())
    assert len(blobs) == 3
    for blob in blobs:
        assert not any(secret.encode() in blob for secret in SECRETS)
        info = describe(blob)
        assert personal(info) == [] and info["decoded"] > 0 and info["duration"] == pytest.approx(2.0, abs=0.05)
