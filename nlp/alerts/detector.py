"""Streaming early-warning detector: grid × category counts against seasonal baselines, hotspot growth."""

from collections import defaultdict, deque

from nlp.alerts.baselines import Baselines
from nlp.alerts.episodes import Episodes
from nlp.alerts.growth import HotspotGrowth
from nlp.alerts.params import Params
from nlp.alerts.tails import score
from nlp.alerts.reports import Report, format_time
from nlp.alerts.season import Clock


class Detector:
    """Feed reports in time order; each call returns the alerts that report raises (never citing later ones)."""

    def __init__(self, params: Params = Params()):
        """Start with empty baselines."""
        self.p = params
        self.clock = Clock(params.timezone)
        self.base: Baselines | None = None
        self.growth: HotspotGrowth | None = None
        self.recent: dict = defaultdict(deque)  # (area, category) -> deque of (t, id) within the longest window
        self.episodes = Episodes(params.regrow, max(params.windows))
        self.last_t = None

    def feed(self, r: Report) -> list[dict]:
        """Take one report (not older than the previous one) and return the alerts it raises."""
        if self.last_t is not None and r.t < self.last_t:
            raise ValueError(f"report {r.id!r} is older than the one before it")
        if self.base is None:
            self.base = Baselines(self.p, self.clock, r.t)
            self.growth = HotspotGrowth(self.p, self.clock, self.base, r.t)
        self.last_t = r.t
        self.base.advance(r.t)
        self.base.note(r)
        warm = r.t - self.base.start >= self.p.warmup_hours
        alerts = []
        if r.area is not None:
            found = self._area(r, warm)
            if found:
                alerts.append(found)
        if r.hotspot is not None:
            found = self.growth.feed(r, warm)
            if found:
                alerts.append(found)
        return alerts

    def _area(self, r: Report, warm: bool) -> dict | None:
        """Count the report in its area × category and test the windows."""
        key = (r.area, r.category)
        recent = self.recent[key]
        recent.append((r.t, r.id))
        longest = max(self.p.windows)
        while recent and recent[0][0] <= r.t - longest:
            recent.popleft()
        if not warm or len(recent) < self.p.min_count:
            return None

        def count_in(window):
            return sum(1 for t, _ in recent if t > r.t - window)

        rate = self.base.rate(r.area, r.parent, r.category)
        best, dispersion = None, self.base.dispersion.value
        for window in self.p.windows:
            count = count_in(window)
            if count < self.p.min_count:
                continue
            expected = self.base.expected(rate, r.category, r.t - window, r.t)
            s = score(count, expected, dispersion)
            if best is None or s > best[0]:
                best = (s, window, count, expected)
        if best is None or best[0] < self.p.threshold or not self.episodes.fresh(key, r.t, count_in):
            return None
        s, window, count, expected = best
        self.episodes.raised(key, r.t, window, count)
        return {"raised_at": format_time(r.t), "trigger_report_id": r.id, "kind": "area", "area": r.area,
                "category": r.category, "score": round(s, 2), "count": count, "expected": round(expected, 3),
                "window_hours": window, "report_ids": [i for t, i in recent if t > r.t - window]}


def detect(reports, params: Params = Params()) -> list[dict]:
    """Replay reports (Report tuples, any order) in time order and return every alert raised."""
    detector = Detector(params)
    alerts = []
    for r in sorted(reports, key=lambda x: x.t):
        alerts.extend(detector.feed(r))
    return alerts
