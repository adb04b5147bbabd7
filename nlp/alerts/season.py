"""Hour-of-week clock in the city's zone and seasonal profiles learnt from counts and exposure."""

import math
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

HOURS_A_WEEK = 168
PSEUDO_HOURS = 6.0  # a bin never observed gets the mean rate; one observed for 6 hours, half its own


class Clock:
    """Maps hours since the epoch (UTC) to the local hour of week (0 = Monday 00:00)."""

    def __init__(self, zone: str):
        """Use the named IANA zone."""
        self.zone = ZoneInfo(zone)
        self._cache: dict[int, int] = {}

    def how(self, hour: int) -> int:
        """Return the local hour of week of the UTC hour starting at `hour` hours since the epoch."""
        found = self._cache.get(hour)
        if found is None:
            local = datetime.fromtimestamp(hour * 3600, timezone.utc).astimezone(self.zone)
            found = self._cache[hour] = local.weekday() * 24 + local.hour
        return found

    def segments(self, start: float, end: float):
        """Yield (hour of week, hours) for the pieces of [start, end) cut at hour boundaries."""
        t = start
        while t < end:
            hour = math.floor(t)
            stop = min(end, hour + 1.0)
            yield self.how(hour), stop - t
            t = stop


def profile(counts_h: list[float], counts_d: list[float], exposure: list[float],
            category_h: list[float] | None = None, category_d: list[float] | None = None,
            category_n: float = 0.0, prior: float = 20.0) -> list[float]:
    """Return 168 multiplicative factors (mean 1) from hour-of-day and weekday rates.

    counts_h / counts_d: reports by local hour (24) and weekday (7); exposure: hours observed by hour of
    week (168). category_h / category_d: one category's reports by hour and weekday, each pulled towards
    the city's with `prior` reports.
    """
    exp_h = [sum(exposure[d * 24 + h] for d in range(7)) for h in range(24)]
    exp_d = [sum(exposure[d * 24:(d + 1) * 24]) for d in range(7)]
    hours, days = _rates(counts_h, exp_h), _rates(counts_d, exp_d)
    if category_h is not None and category_n > 0:
        hours = _pull(_rates(category_h, exp_h), hours, category_n, prior)
        days = _pull(_rates(category_d, exp_d), days, category_n, prior)
    return [HOURS_A_WEEK * hours[how % 24] * days[how // 24] for how in range(HOURS_A_WEEK)]


def _pull(own: list[float], city: list[float], n: float, prior: float) -> list[float]:
    """Return shares from n reports pulled towards the city's by `prior` reports."""
    return [(n * o + prior * c) / (n + prior) for o, c in zip(own, city)]


def _rates(counts: list[float], exposure: list[float], pseudo_hours: float = PSEUDO_HOURS) -> list[float]:
    """Return each bin's share of the rate, each rate pulled towards the mean by pseudo_hours of exposure."""
    mean = (sum(counts) + 1.0) / (sum(exposure) + 1.0)
    return _shares([(c + pseudo_hours * mean) / (e + pseudo_hours) for c, e in zip(counts, exposure)])


def _shares(values: list[float]) -> list[float]:
    """Return the values divided by their sum (uniform when the sum is 0)."""
    total = sum(values)
    return [v / total for v in values] if total > 0 else [1.0 / len(values)] * len(values)
