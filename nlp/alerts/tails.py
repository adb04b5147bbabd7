"""Upper-tail probabilities of Poisson and negative binomial counts, and the alert score (-log10 p)."""

import math

MAX_SCORE = 300.0  # -log10 of the smallest probability reported
MAX_TERMS = 100_000


def _log_pmf(k: int, mu: float, size: float | None) -> float:
    """Return log P(X = k): Poisson(mu) when size is None, else negative binomial with mean mu and this size."""
    if size is None:
        return k * math.log(mu) - mu - math.lgamma(k + 1)
    return (math.lgamma(k + size) - math.lgamma(size) - math.lgamma(k + 1)
            + size * math.log(size / (size + mu)) + k * math.log(mu / (size + mu)))


def _ratio(i: int, mu: float, size: float | None) -> float:
    """Return P(X = i + 1) / P(X = i)."""
    if size is None:
        return mu / (i + 1)
    return (i + size) / (i + 1) * mu / (size + mu)


def log_sf(k: int, mu: float, dispersion: float = 0.0) -> float:
    """Return log P(X >= k) for a count with mean mu and variance mu + dispersion × mu² (0: Poisson)."""
    if k <= 0:
        return 0.0
    if mu <= 0:
        return -math.inf
    size = 1.0 / dispersion if dispersion > 0 else None
    if k <= mu:  # most of the mass is at or above k: 1 - P(X < k)
        below = sum(math.exp(_log_pmf(i, mu, size)) for i in range(k))
        return math.log(max(1.0 - below, 1e-300))
    first = _log_pmf(k, mu, size)  # terms fall from k on (k is above the mode): sum them relative to the first
    total, term, i = 1.0, 1.0, k
    while term > 1e-17 * total and i < k + MAX_TERMS:
        term *= _ratio(i, mu, size)
        total += term
        i += 1
    return first + math.log(total)


def score(count: int, expected: float, dispersion: float = 0.0) -> float:
    """Return -log10 P(X >= count) for a count expected to be `expected`, capped at MAX_SCORE."""
    return min(MAX_SCORE, -log_sf(count, max(expected, 1e-12), dispersion) / math.log(10))
