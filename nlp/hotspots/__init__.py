"""Hotspots: cluster related reports, describe them, follow them over time, spot duplicates."""

from nlp.hotspots.duplicates import find_duplicate
from nlp.hotspots.incremental import HotspotState, assign, build_state
from nlp.hotspots.stable_ids import match_ids


def cluster(docs: list[dict], min_cluster_size: int | None = 3, *, mode: str = "auto", places=None,
            now=None) -> list[dict]:
    """Group related reports into hotspots, hottest first; reports in no hotspot are left out.

    docs: {"id", "tokens" and/or "text", "lat"?, "lon"?, "created_at"?, "place"?, "likes"?,
    "reporter"?, "grid"?, "category"?, "severity"?}. mode: "auto", "live" or "archive".
    places: an optional resolver with .resolve(text) -> {"code", ...} | None. now: the time growth
    and recency are measured from (default: the newest report).
    """
    from nlp.hotspots.describe import describe  # lazy: the pipeline's numpy/scipy load only when clustering runs
    from nlp.hotspots.features import to_hours
    from nlp.hotspots.pipeline import run

    result = run(docs, min_cluster_size, mode, places)
    if result.vectors is None:
        return []
    return describe(docs, result.prep, result.vectors, result.labels, result.mode,
                    to_hours(now) if now is not None else None, result.models.places.display_names,
                    topics=result.topics)


__all__ = ["cluster", "assign", "build_state", "HotspotState", "match_ids", "find_duplicate"]
