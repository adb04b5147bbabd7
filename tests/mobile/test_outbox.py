"""The outbox state machine, backoff, crash recovery and media handling (no server)."""
import random

import pytest

from mobile.gridwatch_mobile.core.api import ApiError, NetworkError
from mobile.gridwatch_mobile.core.backoff import backoff_delay
from mobile.gridwatch_mobile.core.localdb import LocalDb
from mobile.gridwatch_mobile.core.outbox import Kind, Outbox, Status
from mobile.gridwatch_mobile.core.sync import Network, SyncEngine


class Clock:
    def __init__(self):
        self.now = 1_000_000.0

    def __call__(self):
        return self.now


class ScriptedApi:
    """Answers each report POST from a script: a (status, body) pair or an exception."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.calls = []

    def submit_report(self, fields, files):
        self.calls.append((fields, files))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def outbox(tmp_path, clock):
    return Outbox(LocalDb(tmp_path / "phone.db"), tmp_path / "media", clock=clock, rng=random.Random(1))


def engine(outbox, api, network=Network.WIFI, wifi_only=False):
    return SyncEngine(outbox, lambda: api, network=lambda: network, wifi_only=lambda: wifi_only)


def test_backoff_grows_exponentially_with_jitter_and_a_cap():
    rng = random.Random(3)
    for attempts, ceiling in [(1, 5), (2, 10), (3, 20), (6, 160), (30, 3600)]:
        delays = [backoff_delay(attempts, rng) for _ in range(200)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert max(delays) - min(delays) > ceiling / 4, "jitter spreads phones out"


def test_files_are_copied_into_app_storage_before_anything_is_sent(outbox, tmp_path):
    photo = tmp_path / "DCIM.jpg"
    photo.write_bytes(b"\xff\xd8 photo")
    item = outbox.add(Kind.REPORT, {"text": "井盖缺失"}, [("photos", photo)], title="井盖缺失")
    photo.unlink()  # the gallery file is gone by the time the network comes back
    assert item.status == Status.QUEUED.value and item.attempts == 0
    stored = item.file_paths("photos")[0]
    assert stored.startswith(str(tmp_path / "media" / item.client_uuid))
    assert open(stored, "rb").read() == b"\xff\xd8 photo"
    assert len(item.client_uuid) == 36


def test_a_file_that_cannot_be_copied_leaves_no_row(outbox, tmp_path):
    with pytest.raises(FileNotFoundError):
        outbox.add(Kind.REPORT, {"text": "x"}, [("photos", tmp_path / "missing.jpg")])
    assert outbox.items() == []


def test_sent_on_201_and_the_copies_are_removed(outbox, clock):
    item = outbox.add(Kind.REPORT, {"text": "路灯不亮"})
    api = ScriptedApi((201, {"id": 42, "client_uuid": item.client_uuid}))
    result = engine(outbox, api).run_once()
    sent = outbox.get(item.id)
    assert [i.id for i in result.sent] == [item.id]
    assert sent.status == Status.SENT.value and sent.server_id == 42 and sent.attempts == 1
    assert api.calls[0][0]["client_uuid"] == item.client_uuid
    assert engine(outbox, api).run_once().sent == [], "nothing is sent twice"


@pytest.mark.parametrize("answer, status", [
    (ApiError(409, "client_uuid_conflict", "different"), Status.CONFLICT),
    (ApiError(422, "validation_error", "bad", {"lat": ["Give both"]}), Status.FAILED_PERMANENT),
    (ApiError(413, "request_entity_too_large", "big"), Status.FAILED_PERMANENT),
    (ApiError(503, "database_unavailable", "later"), Status.FAILED_RETRYABLE),
    (ApiError(500, "internal_error", "oops"), Status.FAILED_RETRYABLE),
    (ApiError(429, "too_many_requests", "slow down"), Status.FAILED_RETRYABLE),
    (ApiError(401, "invalid_token", "sign in"), Status.FAILED_RETRYABLE),
    (NetworkError("connection refused"), Status.FAILED_RETRYABLE),
])
def test_answers_map_to_statuses(outbox, answer, status):
    item = outbox.add(Kind.REPORT, {"text": "x"})
    engine(outbox, ScriptedApi(answer)).run_once()
    row = outbox.get(item.id)
    assert row.status == status.value
    if status == Status.FAILED_PERMANENT and answer.errors:
        assert "Give both" in row.last_error


def test_retryable_items_wait_out_their_backoff_then_go(outbox, clock):
    item = outbox.add(Kind.REPORT, {"text": "x"})
    api = ScriptedApi(NetworkError("down"), NetworkError("down"), (201, {"id": 1, "client_uuid": item.client_uuid}))
    engine(outbox, api).run_once()
    first = outbox.get(item.id)
    wait1 = first.next_attempt_at - clock.now
    assert 2.5 <= wait1 <= 5
    assert engine(outbox, api).run_once().sent == [] and len(api.calls) == 1, "not due yet"
    clock.now = first.next_attempt_at
    engine(outbox, api).run_once()
    second = outbox.get(item.id)
    assert second.attempts == 2 and 5 <= second.next_attempt_at - clock.now <= 10
    clock.now = second.next_attempt_at
    engine(outbox, api).run_once()
    assert outbox.get(item.id).status == Status.SENT.value and len(api.calls) == 3


def test_a_network_failure_stops_the_pass(outbox):
    a = outbox.add(Kind.REPORT, {"text": "a"})
    b = outbox.add(Kind.REPORT, {"text": "b"})
    result = engine(outbox, ScriptedApi(NetworkError("down"))).run_once()
    assert result.blocked == "unreachable"
    assert outbox.get(a.id).status == Status.FAILED_RETRYABLE.value
    assert outbox.get(b.id).status == Status.QUEUED.value, "untouched, still first in line next time"


def test_offline_and_wifi_only_send_nothing(outbox):
    outbox.add(Kind.REPORT, {"text": "x"})
    api = ScriptedApi()
    assert engine(outbox, api, network=Network.NONE).run_once().blocked == "offline"
    assert engine(outbox, api, network=Network.CELLULAR, wifi_only=True).run_once().blocked == "wifi_only"
    assert api.calls == [] and outbox.pending_count() == 1
    assert SyncEngine(outbox, lambda: None).run_once().blocked == "signed_out"


def test_rows_stuck_in_sending_after_a_crash_go_back_to_the_queue(tmp_path, clock):
    db = LocalDb(tmp_path / "phone.db")
    outbox = Outbox(db, tmp_path / "media", clock=clock)
    item = outbox.add(Kind.REPORT, {"text": "x"})
    assert outbox.claim(item.id)
    assert not outbox.claim(item.id), "a claimed item cannot be claimed twice"
    db.close()  # the app dies mid-send
    reopened = Outbox(LocalDb(tmp_path / "phone.db"), tmp_path / "media", clock=clock)
    assert reopened.get(item.id).status == Status.SENDING.value
    assert reopened.recover() == 1
    assert [i.id for i in reopened.due()] == [item.id]


def test_the_user_can_retry_discard_and_resend_a_conflict_as_new(outbox, tmp_path):
    photo = tmp_path / "p.jpg"
    photo.write_bytes(b"jpeg")
    item = outbox.add(Kind.REPORT, {"text": "x"}, [("photos", photo)])
    engine(outbox, ScriptedApi(ApiError(422, "validation_error", "bad"))).run_once()
    assert outbox.retry_now(item.id) and outbox.get(item.id).status == Status.QUEUED.value
    engine(outbox, ScriptedApi(ApiError(409, "client_uuid_conflict", "different"))).run_once()
    assert outbox.get(item.id).status == Status.CONFLICT.value
    new = outbox.resend_as_new(item.id)
    assert new.client_uuid != item.client_uuid and new.status == Status.QUEUED.value
    assert open(new.file_paths()[0], "rb").read() == b"jpeg"
    assert outbox.get(item.id) is None
    assert outbox.discard(new.id) and outbox.items() == []
