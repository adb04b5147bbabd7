"""Over-dispersion learnt from the stream: how much area × category day counts vary beyond Poisson."""

import math


class Dispersion:
    """Moment estimate of phi in Var = mu + phi × mu², from (observed, expected) day counts, decayed."""

    def __init__(self, prior: float, prior_weight: float, half_life_days: float):
        """Start at `prior`, worth `prior_weight` in the sum of squared expectations."""
        self.prior, self.prior_weight = prior, prior_weight
        self.keep = 0.5 ** (1.0 / max(half_life_days, 1e-9))
        self.num = self.den = 0.0

    def add_day(self, pairs) -> None:
        """Add one day's (observed, expected) counts of every area × category; outbreaks are capped."""
        self.num *= self.keep
        self.den *= self.keep
        for observed, expected in pairs:
            if expected <= 0:
                continue
            observed = min(observed, expected + 4.0 * math.sqrt(expected) + 4.0)  # an outbreak is not noise
            self.num += (observed - expected) ** 2 - observed
            self.den += expected * expected

    @property
    def value(self) -> float:
        """Return the current estimate of phi (0 = Poisson), between 0 and 2."""
        phi = (self.num + self.prior * self.prior_weight) / (self.den + self.prior_weight)
        return min(max(phi, 0.0), 2.0)
