"""Hotspot growth: a hotspot's recent reports against the rate of its own history (seasonally weighted)."""

import math
from collections import deque
from dataclasses import dataclass, field

from nlp.alerts.baselines import Baselines
from nlp.alerts.episodes import Episodes
from nlp.alerts.params import Params
from nlp.alerts.tails import score
from nlp.alerts.reports import Report, format_time
from nlp.alerts.season import Clock


@dataclass
class Track:
    """One hotspot's history."""

    first: float
    total: int = 0
    recent: deque = field(default_factory=deque)  # (t, id) within the window


class HotspotGrowth:
    """Tests each hotspot's recent count against its own history; one alert per hotspot and window."""

    def __init__(self, params: Params, clock: Clock, base: Baselines, start: float):
        """Weigh hours by the city's profile from `base`, counted from `start`."""
        self.p, self.clock, self.base = params, clock, base
        self.start_hour = math.floor(start)
        self.cum = [0.0]  # seasonal exposure at each hour boundary since start_hour
        self.tracks: dict = {}
        self.episodes = Episodes(params.regrow, params.hotspot_window)

    def exposure_to(self, t: float) -> float:
        """Return the seasonally weighted hours from the start to t."""
        hour = math.floor(t)
        factors = self.base.city_factors()
        while self.start_hour + len(self.cum) - 1 < hour:
            h = self.start_hour + len(self.cum) - 1
            self.cum.append(self.cum[-1] + factors[self.clock.how(h)])
        i = max(hour - self.start_hour, 0)
        return self.cum[i] + max(t - hour, 0.0) * factors[self.clock.how(hour)]

    def feed(self, r: Report, warm: bool) -> dict | None:
        """Count the report in its hotspot and return an alert when the hotspot grows too fast."""
        track = self.tracks.get(r.hotspot)
        if track is None:
            track = self.tracks[r.hotspot] = Track(r.t)
        track.total += 1
        track.recent.append((r.t, r.id))
        window = self.p.hotspot_window
        while track.recent and track.recent[0][0] <= r.t - window:
            track.recent.popleft()
        if not warm or len(track.recent) < self.p.hotspot_min_count:
            return None
        since = r.t - window
        count = len(track.recent)
        old = track.total - count
        if track.first > since:  # born inside the window: its first report only says that it exists
            since, count = track.first, count - 1
        now_exposure = self.exposure_to(r.t)
        since_exposure = self.exposure_to(since)
        old_exposure = max(since_exposure - self.exposure_to(track.first), 0.0)
        k = self.p.hotspot_prior_hours
        shape = old + k * self.p.hotspot_prior_per_day / 24.0  # gamma posterior of its rate
        expected = shape / (old_exposure + k) * (now_exposure - since_exposure)
        s = score(count, expected, 1.0 / shape)  # posterior predictive: negative binomial of that shape

        def count_in(w):
            return sum(1 for t, _ in track.recent if t > r.t - w)

        if s < self.p.hotspot_threshold or not self.episodes.fresh(r.hotspot, r.t, count_in):
            return None
        self.episodes.raised(r.hotspot, r.t, window, len(track.recent))
        return {"raised_at": format_time(r.t), "trigger_report_id": r.id, "kind": "hotspot", "hotspot": r.hotspot,
                "score": round(s, 2), "count": count, "expected": round(expected, 3), "window_hours": window,
                "report_ids": [i for _, i in track.recent]}
