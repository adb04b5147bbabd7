"""The phone honours the server's Retry-After: no item is sent again before the pause the server asked for."""
import random
from email.utils import formatdate

import pytest
import requests

from mobile.gridwatch_mobile.core.api import MAX_RETRY_AFTER, ApiClient, ApiError, retry_after_seconds
from mobile.gridwatch_mobile.core.localdb import LocalDb
from mobile.gridwatch_mobile.core.outbox import Kind, Outbox, Status
from mobile.gridwatch_mobile.core.sync import SyncEngine

from .test_outbox import Clock, ScriptedApi


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def outbox(tmp_path, clock):
    return Outbox(LocalDb(tmp_path / "phone.db"), tmp_path / "media", clock=clock, rng=random.Random(1))


@pytest.mark.parametrize("header, seconds", [
    ("120", 120.0), (" 7 ", 7.0), ("0", 0.0), (None, None), ("", None), ("soon", None),
    ("999999999", MAX_RETRY_AFTER),
])
def test_retry_after_is_read_as_seconds(header, seconds):
    assert retry_after_seconds(header) == seconds


def test_retry_after_as_an_http_date_counts_from_now():
    now = 1_800_000_000.0
    assert retry_after_seconds(formatdate(now + 90, usegmt=True), now=now) == pytest.approx(90.0)
    assert retry_after_seconds(formatdate(now - 90, usegmt=True), now=now) == 0.0, "a date past means now"


def test_the_client_carries_the_header_into_its_error(monkeypatch):
    response = requests.Response()
    response.status_code, response._content = 429, b'{"code": "rate_limited", "message": "slow"}'
    response.headers["Retry-After"] = "300"
    monkeypatch.setattr(requests.Session, "request", lambda *a, **k: response)
    with pytest.raises(ApiError) as raised:
        ApiClient("http://gridwatch.invalid").get_json("/api/v1/reports")
    assert (raised.value.status, raised.value.code, raised.value.retry_after) == (429, "rate_limited", 300.0)


def test_a_429_with_retry_after_pauses_every_item_until_then(outbox, clock):
    a = outbox.add(Kind.REPORT, {"text": "a"})
    b = outbox.add(Kind.REPORT, {"text": "b"})
    api = ScriptedApi(ApiError(429, "rate_limited", "slow", retry_after=600),
                      (201, {"id": 1, "client_uuid": a.client_uuid}), (201, {"id": 2, "client_uuid": b.client_uuid}))
    sync = SyncEngine(outbox, lambda: api)
    result = sync.run_once()
    assert result.blocked == "throttled" and len(api.calls) == 1
    first = outbox.get(a.id)
    assert first.status == Status.FAILED_RETRYABLE.value and first.next_attempt_at - clock.now >= 600
    assert outbox.get(b.id).status == Status.QUEUED.value
    clock.now += 599
    assert sync.run_once().blocked == "throttled" and len(api.calls) == 1, "b waits out the pause too"
    assert sync.pause_left() == pytest.approx(1.0)
    clock.now += 1
    sync.run_once()
    assert len(api.calls) == 3
    assert {outbox.get(a.id).status, outbox.get(b.id).status} == {Status.SENT.value}


def test_a_short_retry_after_does_not_shorten_the_backoff(outbox, clock):
    item = outbox.add(Kind.REPORT, {"text": "x"})
    SyncEngine(outbox, lambda: ScriptedApi(ApiError(503, "database_unavailable", "later", retry_after=0))).run_once()
    assert outbox.get(item.id).next_attempt_at - clock.now >= 2.5, "the backoff's own floor still holds"


def test_without_retry_after_a_429_keeps_the_backoff_and_the_pass_goes_on(outbox, clock):
    a = outbox.add(Kind.REPORT, {"text": "a"})
    b = outbox.add(Kind.REPORT, {"text": "b"})
    api = ScriptedApi(ApiError(429, "rate_limited", "slow"), (201, {"id": 2, "client_uuid": b.client_uuid}))
    result = SyncEngine(outbox, lambda: api).run_once()
    assert result.blocked is None and len(api.calls) == 2
    assert outbox.get(a.id).next_attempt_at - clock.now <= 5
