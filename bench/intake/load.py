"""The load client: asyncio + aiohttp at a fixed concurrency, run in a process of its own."""
import asyncio
import multiprocessing
import time
from collections import Counter
from dataclasses import dataclass

import aiohttp

from . import payloads


@dataclass
class LoadResult:
    """What the client saw: the timed phase for speed, every request for the loss check."""

    latencies_ms: list[float]
    statuses: Counter
    elapsed_s: float
    accepted: list[str]
    all_statuses: Counter
    first_error: str | None
    server_cpu_s: float = 0.0  # CPU time of the app's gunicorn processes during the run (warm-up included)

    @property
    def ok(self) -> int:
        """2xx answers in the timed phase."""
        return sum(n for status, n in self.statuses.items() if 200 <= status < 300)

    @property
    def errors(self) -> int:
        """Non-2xx answers and transport failures (status 0) in the timed phase."""
        return sum(self.statuses.values()) - self.ok


async def _phase(session, url: str, headers: dict, bodies: list, concurrency: int) -> tuple[list, float]:
    """Send every body with ``concurrency`` requests in flight; (status, ms, error text) each. A body is bytes, or
    (bytes, content type) to override the Content-Type header for that request."""
    results: list = [None] * len(bodies)
    indexes = iter(range(len(bodies)))

    async def lane():
        for i in indexes:
            body, own_headers = bodies[i], headers
            if isinstance(body, tuple):
                body, own_headers = body[0], {**headers, "Content-Type": body[1]}
            start = time.perf_counter()
            try:
                async with session.post(url, data=body, headers=own_headers) as resp:
                    payload = await resp.read()
                    status = resp.status
            except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
                status, payload = 0, repr(exc).encode()
            error = None if 200 <= status < 300 else payload[:300].decode(errors="replace")
            results[i] = (status, (time.perf_counter() - start) * 1000, error)

    began = time.perf_counter()
    await asyncio.gather(*(lane() for _ in range(concurrency)))
    return results, time.perf_counter() - began


async def _load(url: str, token: str | None, count: int, warmup: int, concurrency: int) -> LoadResult:
    """Warm up, then the timed phase."""
    reports = payloads.reports(warmup + count)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    bodies = [body for _, body in reports]
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=60)) as session:
        warm, _ = await _phase(session, url, headers, bodies[:warmup], concurrency)
        timed, elapsed = await _phase(session, url, headers, bodies[warmup:], concurrency)
    every = warm + timed
    return LoadResult(
        latencies_ms=[ms for _, ms, _ in timed], statuses=Counter(status for status, _, _ in timed),
        elapsed_s=elapsed, accepted=[uid for (uid, _), (status, _, _) in zip(reports, every) if status == 201],
        all_statuses=Counter(status for status, _, _ in every),
        first_error=next((f"{status} {error}" for status, _, error in every if error is not None), None))


def combine(results: list[LoadResult]) -> LoadResult:
    """Several timed runs against one app as one: their requests together, their wall times added."""
    statuses, every = Counter(), Counter()
    for res in results:
        statuses.update(res.statuses)
        every.update(res.all_statuses)
    return LoadResult(latencies_ms=[ms for res in results for ms in res.latencies_ms], statuses=statuses,
                      elapsed_s=sum(res.elapsed_s for res in results),
                      accepted=[uid for res in results for uid in res.accepted], all_statuses=every,
                      first_error=next((res.first_error for res in results if res.first_error), None),
                      server_cpu_s=sum(res.server_cpu_s for res in results))


def _child(url: str, token: str | None, count: int, warmup: int, concurrency: int) -> LoadResult:
    """Entry point in the client process."""
    return asyncio.run(_load(url, token, count, warmup, concurrency))


def run(url: str, token: str | None, count: int, warmup: int, concurrency: int) -> LoadResult:
    """Run the client in a separate process so it does not share the orchestrator's interpreter."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(_child, (url, token, count, warmup, concurrency))
