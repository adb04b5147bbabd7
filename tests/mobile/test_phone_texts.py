"""The phone's words and numbers without Kivy: local times, outbox sentences, map maths, a recording's length,
nearby supports through the outbox, and the catalogue's two languages."""
import random
import wave
from datetime import datetime, timezone

import pytest

from mobile.gridwatch_mobile.core import geo, timefmt
from mobile.gridwatch_mobile.core.audio_info import duration_seconds, duration_text
from mobile.gridwatch_mobile.core.base_map import contains, rings
from mobile.gridwatch_mobile.core.i18n import MESSAGES, step_key, translate
from mobile.gridwatch_mobile.core.localdb import LocalDb
from mobile.gridwatch_mobile.core.nearby import Nearby, distance_m
from mobile.gridwatch_mobile.core.outbox import Kind, Outbox, Status
from mobile.gridwatch_mobile.core.outbox_text import describe


def zh(key, **values):
    return translate("zh", key, **values)


def test_times_are_shown_in_the_city_zone():
    noon = datetime(2026, 12, 3, 12, 0, tzinfo=timezone.utc)
    assert timefmt.when("2026-12-03T08:18:00+00:00", now=noon) == "16:18"          # today in Beijing
    assert timefmt.when("2026-12-02T23:30:00Z", now=noon) == "07:30"               # already tomorrow there
    assert timefmt.when("2026-03-05T08:18:00", now=noon) == "03-05 16:18"          # no offset means UTC
    assert timefmt.when("2025-03-05T08:18:00+00:00", now=noon) == "2025-03-05 16:18"
    assert timefmt.full("2026-12-03T08:18:00+00:00", "Asia/Urumqi") == "2026-12-03 14:18"
    assert timefmt.when(None) == "" and timefmt.when("not a time") == ""
    assert timefmt.zone("Nowhere/Atlantis").utcoffset(None).total_seconds() == 8 * 3600


@pytest.fixture
def outbox(tmp_path):
    db = LocalDb(tmp_path / "phone.sqlite3")
    yield Outbox(db, tmp_path / "outbox", clock=lambda: 1000.0, rng=random.Random(3)), db
    db.close()


def test_the_outbox_says_what_happened_in_words_never_zero_seconds(outbox):
    box, _db = outbox
    item = box.add(Kind.REPORT, {"text": "x"})
    box.claim(item.id)
    box.mark_retryable(item.id, "network")
    waiting = box.get(item.id)
    left = waiting.next_attempt_at - 1000.0
    said = describe(waiting, 1000.0, zh)
    assert said == f"无法连接服务器，将在 {int(-(-left // 1))} 秒后重试" and "0 秒" not in said
    assert describe(waiting, waiting.next_attempt_at + 5, zh) == "无法连接服务器，即将重试"
    assert describe(waiting, 1000.0, lambda k, **v: translate("en", k, **v)).startswith("Cannot reach the server")
    box.retry_now(item.id)
    box.claim(item.id)
    box.mark_retryable(item.id, "rate_limited: 上报过于频繁", 429)
    assert describe(box.get(item.id), 1000.0, zh).startswith("提交过于频繁")
    box.retry_now(item.id)
    box.claim(item.id)
    box.mark_permanent(item.id, "validation_error: 描述太长", 422)
    assert describe(box.get(item.id), 1000.0, zh) == "服务器未接受：描述太长"
    other = box.add(Kind.REPORT, {"text": "y"})
    box.claim(other.id)
    box.mark_permanent(other.id, "file", 0)
    assert describe(box.get(other.id), 1000.0, zh) == "文件已丢失，无法发送，请删除后重新上报"


def test_supports_go_through_the_outbox_once_per_report(outbox):
    box, db = outbox
    nearby = Nearby(lambda: None, box, db)
    report = {"id": 41, "text": "楼道煤气味"}
    first = nearby.support(report)
    assert nearby.support(report).id == first.id  # a second tap queues nothing new
    assert first.kind == Kind.SUPPORT.value and first.payload == {"report_id": 41}
    assert nearby.supported_ids() == {41}
    box.claim(first.id)
    box.mark_sent(first.id, None, 201)
    nearby.remember_sent(41)
    assert nearby.supported_ids() == {41} and box.get(first.id).status == Status.SENT.value


def test_map_maths():
    x, y = geo.to_pixels(28.2345, 112.9067, 15)
    lat, lon = geo.to_degrees(x, y, 15)
    assert abs(lat - 28.2345) < 1e-9 and abs(lon - 112.9067) < 1e-9
    assert 75 < distance_m(28.2345, 112.9067, 28.2352, 112.9067) < 80
    zoom = geo.zoom_to_fit(112.90, 28.22, 112.96, 28.26, 340, 380)
    x1, _ = geo.to_pixels(28.26, 112.90, zoom)
    x2, _ = geo.to_pixels(28.22, 112.96, zoom)
    assert 12 < zoom < 14 and x2 - x1 <= 340 and geo.to_pixels(0, 112.96, zoom + 0.1)[0] - geo.to_pixels(0, 112.90, zoom + 0.1)[0] > 340
    tiles = list(geo.tiles_for_view(28.2345, 112.9067, 15.5, 360, 640))
    assert {t[0] for t in tiles} == {15} and 4 <= len(tiles) <= 12
    assert geo.tile_url("https://t/{z}/{x}/{y}.png", 2, 5, 1) == "https://t/2/1/1.png"  # wrapped around the world
    square = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}
    assert contains(rings(square)[0], 0.5, 0.5) and not contains(rings(square)[0], 1.5, 0.5)


def test_a_chosen_recording_says_how_long_it_is(tmp_path):
    path = tmp_path / "voice.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\0\0" * 8000 * 65)
    assert duration_seconds(str(path)) == 65.0
    assert duration_text(65.0, zh) == "1分05秒" and duration_text(3.2, zh) == "3秒"
    (tmp_path / "noise.m4a").write_bytes(b"not audio at all")
    assert duration_seconds(str(tmp_path / "noise.m4a")) is None and duration_text(None, zh) is None


def test_the_voice_step_says_recognised_only_with_a_transcript():
    step = {"stage": "transcribed"}
    assert step_key(step, {"transcripts": [{"text": "楼道有煤气味"}], "media": [{"kind": "audio"}]}) == \
        "stage.transcribed_text"
    assert step_key(step, {"transcripts": [{"text": ""}], "media": [{"kind": "audio"}]}) == "stage.voice_no_text"
    assert step_key(step, {"transcripts": [], "media": []}) is None
    assert step_key({"stage": "case.closed"}, {}) == "case.closed"
    assert "语音已识别" not in zh("stage.transcribed")


def test_every_message_exists_in_both_languages_and_english_has_no_chinese():
    assert set(MESSAGES["zh"]) == set(MESSAGES["en"])
    cjk = [k for k, v in MESSAGES["en"].items() if any("\u4e00" <= c <= "\u9fff" for c in v)
           and k != "settings.language"]
    assert cjk == []
