"""Baselines learnt online from reports older than a guard: seasonal profiles and pooled area rates."""

import math
from collections import defaultdict, deque

from nlp.alerts.dispersion import Dispersion
from nlp.alerts.params import Params
from nlp.alerts.season import HOURS_A_WEEK, Clock, profile

RESCALE_AT = 1e120  # decay is kept as a growing weight on new data; rescale all sums before it overflows


class Baselines:
    """Counts and exposure of reports older than the guard, decayed with a half-life."""

    def __init__(self, params: Params, clock: Clock, start: float):
        """Learn from `start` (hours since the epoch) on."""
        self.p, self.clock, self.start = params, clock, start
        self.cutoff = start  # everything before this time is counted
        self.weight = 1.0  # weight of data at `cutoff` (older data weigh less relative to it)
        self.exposure = [0.0] * HOURS_A_WEEK
        self.by_hour, self.by_day = [0.0] * 24, [0.0] * 7
        self.cat_hour: dict = defaultdict(lambda: [0.0] * 24)
        self.cat_day: dict = defaultdict(lambda: [0.0] * 7)
        self.n_cat: dict = defaultdict(float)  # category -> reports (with an area)
        self.n_area: dict = defaultdict(float)  # (area, category) -> reports
        self.n_parent: dict = defaultdict(float)  # (parent, category) -> reports
        self.areas: set = set()
        self.parent_areas: dict = defaultdict(set)
        self.parent_of: dict = {}
        self.day_start, self.day_counts = start, defaultdict(int)  # the day being counted, for the dispersion
        self.dispersion = Dispersion(params.dispersion_prior, params.dispersion_prior_weight,
                                     params.half_life_hours / 24.0)
        self.pending: deque = deque()  # reports not yet old enough, in time order
        self._profiles: dict = {}
        self._exposure_c: dict = {}
        self._inner: dict = {}
        self._stamp = None

    def note(self, report) -> None:
        """Remember a new report: its area joins the pools now, its counts once it is older than the guard."""
        if report.area is not None:
            self.areas.add(report.area)
            self.parent_of[report.area] = report.parent
            if report.parent is not None:
                self.parent_areas[report.parent].add(report.area)
        self.pending.append(report)

    def advance(self, now: float) -> None:
        """Count every pending report and every hour of exposure before now - guard."""
        cutoff = now - self.p.guard_hours
        while self.pending and self.pending[0].t <= cutoff:
            report = self.pending.popleft()
            self._close_days(report.t)
            self._expose(report.t)
            self._count(report)
        if cutoff > self.cutoff:
            self._close_days(cutoff)
            self._expose(cutoff)

    def _close_days(self, until: float) -> None:
        """Add every 24-hour block that ends by `until` to the dispersion estimate."""
        while until >= self.day_start + 24.0:
            end = self.day_start + 24.0
            self._expose(end)
            pairs = []
            for area, category in list(self.n_area):
                observed = self.day_counts.get((area, category), 0)  # judged against the rate without them
                rate = self.rate(area, self.parent_of.get(area), category, leave_out=observed)
                pairs.append((observed, self.expected(rate, category, self.day_start, end)))
            self.dispersion.add_day(pairs)
            self.day_start, self.day_counts = end, defaultdict(int)

    def _expose(self, until: float) -> None:
        """Add the hours from the cutoff to `until` to the exposure, moving the decay weight along."""
        if until <= self.cutoff:
            return
        grow = 2.0 ** (1.0 / self.p.half_life_hours)
        for how, hours in self.clock.segments(self.cutoff, until):
            self.weight *= grow ** hours
            self.exposure[how] += hours * self.weight
        self.cutoff = until
        if self.weight > RESCALE_AT:
            self._rescale(1.0 / self.weight)

    def _count(self, r) -> None:
        """Add one report at the current weight."""
        w = self.weight
        how = self.clock.how(math.floor(r.t))
        self.by_hour[how % 24] += w
        self.by_day[how // 24] += w
        self.cat_hour[r.category][how % 24] += w
        self.cat_day[r.category][how // 24] += w
        if r.area is not None:
            self.n_cat[r.category] += w
            self.n_area[(r.area, r.category)] += w
            self.day_counts[(r.area, r.category)] += 1
            if r.parent is not None:
                self.n_parent[(r.parent, r.category)] += w

    def _rescale(self, factor: float) -> None:
        """Multiply every weighted sum by factor."""
        self.weight *= factor
        for values in [self.exposure, self.by_hour, self.by_day, *self.cat_hour.values(), *self.cat_day.values()]:
            values[:] = [v * factor for v in values]
        for table in (self.n_cat, self.n_area, self.n_parent):
            for key in table:
                table[key] *= factor

    def factors(self, category) -> list[float]:
        """Return the category's 168 hour-of-week factors (mean 1), recomputed once an hour."""
        self._refresh()
        found = self._profiles.get(category)
        if found is None:
            known = category in self.cat_hour
            found = self._profiles[category] = profile(
                self.by_hour, self.by_day, self.exposure, self.cat_hour.get(category), self.cat_day.get(category),
                sum(self.cat_hour[category]) / self.weight if known else 0.0, self.p.season_prior)
        return found

    def city_factors(self) -> list[float]:
        """Return the city's 168 hour-of-week factors over all categories."""
        return self.factors(None)

    def _refresh(self) -> None:
        """Forget cached profiles when the cutoff has moved to another hour."""
        stamp = math.floor(self.cutoff)
        if stamp != self._stamp:
            self._stamp, self._profiles, self._exposure_c, self._inner = stamp, {}, {}, {}

    def rate(self, area, parent, category, leave_out: int = 0) -> float:
        """Return the expected reports an hour (at factor 1) of area × category, pooled for sparse areas."""
        factors = self.factors(category)
        exposure = self._exposure_c.get(category)
        if exposure is None:
            exposure = self._exposure_c[category] = sum(f * e for f, e in zip(factors, self.exposure))
        w = self.weight
        hours = exposure / w
        if parent is not None and self.parent_areas.get(parent):
            pooled = self.n_parent.get((parent, category), 0.0) / w
            members = len(self.parent_areas[parent])
        else:
            pooled, members = self.n_cat.get(category, 0.0) / w, max(len(self.areas), 1)
        prior = (pooled + 1.0) / (hours + 1.0) / members
        own = max(self.n_area.get((area, category), 0.0) / w - leave_out, 0.0)
        a = self.p.prior_reports  # gamma prior: a reports' worth of the pooled rate
        return (own + a) / (hours + a / prior)

    def expected(self, rate: float, category, start: float, end: float) -> float:
        """Return the expected reports in [start, end) at an hourly rate, with the category's seasonality."""
        factors = self.factors(category)
        first, last = math.floor(start), math.floor(end)
        if first == last:
            return rate * factors[self.clock.how(first)] * (end - start)
        key = (category, first, last)
        inner = self._inner.get(key)
        if inner is None:  # whole hours strictly inside, shared by the reports of one hour
            inner = self._inner[key] = sum(factors[self.clock.how(h)] for h in range(first + 1, last))
        edges = factors[self.clock.how(first)] * (first + 1 - start) + factors[self.clock.how(last)] * (end - last)
        return rate * (inner + edges)
