"""Heat: how urgently a hotspot deserves a supervisor's attention.

    heat = clarity * (3 ln(1 + supporters) + 1.5 ln(growth) + severity + recency)

- supporters = distinct reporters + 0.25 x further reports by them + likes / 50. Reporters are the
  distinct "reporter" or "user" values of the reports (else the number of reports): many people raising
  an issue matters more than one person raising it many times, which still counts a little. Likes (e.g. 点赞数) count as support too, but a like costs
  far less than writing a report, so fifty of them weigh like one more reporter. Logarithmic, so
  one viral post does not drown everything else.
- growth: (reports in the last 24 h + 1) / (reports in the 24 h before + 1), counted only when above 1.
- severity: 3, 2, 1, 0 for the highest level I, II, III, IV among the reports (0 when unknown).
- recency: exp(-age / tau), age = hours from the hotspot's last report to now; tau = 24 h in a live
  window, 30 days over an archive.
- clarity = min(1, coherence / 0.07): coherence is the mean text similarity of the members, so a
  loose mixture of unrelated reports cannot outrank a clear issue by size alone.
"""

import math

SEVERITY_BONUS = {1: 3.0, 2: 2.0, 3: 1.0, 4: 0.0}
LIKES_PER_REPORTER = 50.0
REPEAT_WEIGHT = 0.25  # a further report by someone already counted
ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}
CLEAR_COHERENCE = 0.07
TAU_HOURS = {"live": 24.0, "archive": 30 * 24.0}


def severity_level(value) -> int | None:
    """Return a severity as 1 (特别重大) .. 4 (一般), or None when unknown."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip().upper()
        if text in ROMAN:
            return ROMAN[text]
        value = text
    try:
        level = int(value)
    except (TypeError, ValueError):
        return None
    return level if 1 <= level <= 4 else None


def heat(reporters: int, likes: float, last_24h: int, previous_24h: int, severity: int | None,
         age_hours: float | None, coherence: float, mode: str = "live", reports: int | None = None) -> float:
    """Return the heat score of one hotspot (see the module docstring); reports defaults to reporters."""
    growth = max(0.0, math.log((last_24h + 1) / (previous_24h + 1)))
    recency = math.exp(-max(age_hours, 0.0) / TAU_HOURS[mode]) if age_hours is not None else 0.0
    repeats = max(0, (reports if reports is not None else reporters) - reporters)
    supporters = reporters + REPEAT_WEIGHT * repeats + max(likes, 0.0) / LIKES_PER_REPORTER
    base = (3.0 * math.log1p(supporters) + 1.5 * growth
            + SEVERITY_BONUS.get(severity, 0.0) + recency)
    clarity = min(1.0, max(coherence, 0.0) / CLEAR_COHERENCE)
    return round(clarity * base, 4)
