"""A job for real RQ workers that runs until the test lets it finish (a stand-in for a long re-clustering)."""
import time
from pathlib import Path


def block_until(started: str, release: str, limit: float = 300) -> str:
    """Write ``started``, then wait until the file ``release`` exists (at most ``limit`` seconds)."""
    Path(started).write_text("started")
    deadline = time.monotonic() + limit
    while not Path(release).exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    return "released" if Path(release).exists() else "gave up"
