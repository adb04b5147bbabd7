"""De-duplication: one alert per key and window, raised again only when the count grows again."""

from dataclasses import dataclass


@dataclass
class Episode:
    """The last alert of one key (area × category, or hotspot)."""

    t: float
    window: float
    count: int


class Episodes:
    """Decides whether a passing test raises a new alert."""

    def __init__(self, regrow: float, span: float):
        """Within `span` hours of an alert (the longest window), raise again only at `regrow` × its count."""
        self.regrow, self.span = regrow, span
        self.last: dict = {}

    def fresh(self, key, now: float, count_in) -> bool:
        """Return True when key has no alert within the span or count_in(its window) has grown enough."""
        ep = self.last.get(key)
        if ep is None or now - ep.t >= self.span:
            return True
        return count_in(ep.window) >= self.regrow * ep.count

    def raised(self, key, now: float, window: float, count: int) -> None:
        """Remember an alert."""
        self.last[key] = Episode(now, window, count)
