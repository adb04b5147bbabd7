"""The load client: the intake bench's fixed-concurrency sender, fed with mixed JSON and multipart reports."""
import asyncio
import multiprocessing
from collections import Counter

import aiohttp

from bench.intake.load import LoadResult, _phase

from . import traffic


async def _load(url: str, token: str, count: int, concurrency: int, photo_every: int) -> LoadResult:
    reports = traffic.reports(count, photo_every)
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=120)) as session:
        results, elapsed = await _phase(session, url, {"Authorization": f"Bearer {token}"},
                                        [body for _, body in reports], concurrency)
    statuses = Counter(status for status, _, _ in results)
    return LoadResult(
        latencies_ms=[ms for _, ms, _ in results], statuses=statuses, elapsed_s=elapsed,
        accepted=[uid for (uid, _), (status, _, _) in zip(reports, results) if status == 201],
        all_statuses=statuses,
        first_error=next((f"{status} {error}" for status, _, error in results if error is not None), None))


def _child(*args) -> LoadResult:
    return asyncio.run(_load(*args))


def run(url: str, token: str, count: int, concurrency: int, photo_every: int) -> LoadResult:
    """Send the reports from a process of its own."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(_child, (url, token, count, concurrency, photo_every))
