"""The detector's tunable parameters, with their documented defaults."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Params:
    """Parameters of the early-warning detector (times in hours, scores in -log10 p)."""

    windows: tuple = (6.0, 48.0)  # counting windows of the grid × category test: a burst and a ramp
    threshold: float = 6.0  # grid × category alert when -log10 P(count | expected) reaches this
    min_count: int = 3  # fewest reports in a window that may raise a grid × category alert
    warmup_hours: float = 216.0  # no alert before the stream is this old: a week of baseline behind the guard
    half_life_hours: float = 28 * 24.0  # older reports weigh less in the baselines (season shifts)
    prior_reports: float = 1.0  # weight, in reports, of the pooled prior (street/district or city rate per area)
    dispersion_prior: float = 0.1  # over-dispersion (Var = mu + phi mu²) assumed before the stream shows its own
    dispersion_prior_weight: float = 2000.0  # weight of that assumption (in squared expected day counts)
    season_prior: float = 20.0  # pseudo-reports pulling a category's hour profile towards the city's
    regrow: float = 1.5  # an alerted area × category is raised again within its window only at this × its count
    hotspot_window: float = 24.0  # recent window of the hotspot growth test
    hotspot_threshold: float = 6.0  # hotspot alert when -log10 P(recent | its own history) reaches this
    hotspot_min_count: int = 4  # fewest recent reports that may raise a hotspot alert
    hotspot_prior_per_day: float = 0.5  # a hotspot's assumed rate before it has history (reports a day)
    hotspot_prior_hours: float = 48.0  # pseudo-exposure of that prior
    h3_resolution: int = 8  # cell of a report with lat/lon but no grid (about 0.7 km²)
    h3_parent_resolution: int = 6  # its pooling parent (about 36 km²)
    timezone: str = "Asia/Shanghai"  # hour of day and weekday are read in the city's zone

    @property
    def guard_hours(self) -> float:
        """Reports enter the baselines only once they are this old (the longest window)."""
        return max(max(self.windows), self.hotspot_window)
