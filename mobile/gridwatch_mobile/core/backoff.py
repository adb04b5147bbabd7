"""Retry delays: exponential backoff with jitter, so that phones coming back online do not all retry at once."""
import random

BASE_SECONDS = 5.0
CAP_SECONDS = 3600.0


def backoff_delay(attempts: int, rng: random.Random | None = None, base: float = BASE_SECONDS,
                  cap: float = CAP_SECONDS) -> float:
    """Seconds to wait after the ``attempts``-th failure: half of min(cap, base·2^(n-1)) plus a random half."""
    rng = rng or random
    ceiling = min(cap, base * (2 ** max(0, attempts - 1)))
    return ceiling / 2 + rng.uniform(0, ceiling / 2)
