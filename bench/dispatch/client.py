"""Open-loop load at a fixed rate, in a process of its own: reports over HTTP, or no-op RQ jobs for the baseline.

Send times are scheduled up front (start + i / rate); a slow answer never delays the next send."""
import asyncio
import multiprocessing
import time
from dataclasses import dataclass, field

import aiohttp

from . import texts


@dataclass
class Sent:
    """What the client did: per item its client_uuid, wall-clock send time, status (0 = transport error)."""

    uuids: list[str]
    sent_at: list[float]
    statuses: list[int]
    warmup: int
    elapsed_s: float
    late_ms_max: float  # how far behind schedule the worst send went (open loop health)
    first_error: str | None = None
    job_ids: list[str] = field(default_factory=list)

    @property
    def accepted(self) -> list[int]:
        """Indexes of the timed items that were accepted."""
        return [i for i in range(self.warmup, len(self.uuids)) if 200 <= self.statuses[i] < 300]


async def _post_all(url: str, token: str, count: int, rate: float, warmup: int) -> Sent:
    reports = texts.reports(count)
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    sent_at, statuses, errors = [0.0] * count, [0] * count, []
    late = 0.0
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=60)) as session:

        async def one(i: int):
            sent_at[i] = time.time()
            try:
                async with session.post(url, data=reports[i][1], headers=headers) as resp:
                    payload = await resp.read()
                    statuses[i] = resp.status
            except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
                payload = repr(exc).encode()
            if not 200 <= statuses[i] < 300 and not errors:
                errors.append(f"{statuses[i]} {payload[:300].decode(errors='replace')}")

        loop = asyncio.get_running_loop()
        start, tasks = loop.time() + 0.05, []
        for i in range(count):
            due = start + i / rate
            delay = due - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            late = max(late, (loop.time() - due) * 1000)
            tasks.append(asyncio.create_task(one(i)))
        await asyncio.gather(*tasks)
        elapsed = loop.time() - start
    return Sent([u for u, _ in reports], sent_at, statuses, warmup, elapsed, late, errors[0] if errors else None)


def _enqueue_all(redis_url: str, queue: str, count: int, rate: float, warmup: int) -> Sent:
    from redis import Redis
    from rq import Queue
    q = Queue(queue, connection=Redis.from_url(redis_url))
    reports = texts.reports(count)
    sent_at, statuses, job_ids = [0.0] * count, [0] * count, []
    start, late = time.perf_counter() + 0.05, 0.0
    for i, (uid, body) in enumerate(reports):
        due = start + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        late = max(late, (time.perf_counter() - due) * 1000)
        sent_at[i] = time.time()
        job = q.enqueue("bench.dispatch.noop.started", sent_at[i], body, job_id=f"noop-{uid}", result_ttl=3600)
        job_ids.append(job.id)
        statuses[i] = 201
    return Sent([u for u, _ in reports], sent_at, statuses, warmup, time.perf_counter() - start, late,
                job_ids=job_ids)


def _post_child(url, token, count, rate, warmup):
    return asyncio.run(_post_all(url, token, count, rate, warmup))


def post_reports(url: str, token: str, count: int, rate: float, warmup: int) -> Sent:
    """POST ``count`` reports at ``rate`` per second from a separate process."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(_post_child, (url, token, count, rate, warmup))


def enqueue_noops(redis_url: str, queue: str, count: int, rate: float, warmup: int) -> Sent:
    """Enqueue ``count`` no-op RQ jobs at ``rate`` per second from a separate process."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(_enqueue_all, (redis_url, queue, count, rate, warmup))
