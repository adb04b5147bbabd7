"""Hotspots for a stream that lacks them: the past re-clustered every so often, new reports assigned in between."""

from nlp.alerts.reports import format_time


class OnlineHotspots:
    """Gives each report, at its arrival, the hotspot it joins among those found in earlier reports only."""

    def __init__(self, recluster_hours: float = 24.0, history_hours: float = 168.0, min_cluster_size: int = 3):
        """Re-cluster the last `history_hours` every `recluster_hours` of stream time."""
        self.every, self.history, self.min_size = recluster_hours, history_hours, min_cluster_size
        self.docs: list[dict] = []  # {"id": serial, "t", "text", "lat", "lon", "created_at", "original"}
        self.state = None
        self.previous: dict = {}
        self.next_at = None

    def hotspot_of(self, t: float, original_id, text: str, lat=None, lon=None) -> str | None:
        """Return the hotspot of a report arriving at t (hours since the epoch), then remember the report."""
        from nlp.hotspots import assign  # lazy: numpy, scipy and jieba load only when hotspots are assigned

        if self.next_at is None:
            self.next_at = t + self.every
        if t >= self.next_at:
            self._recluster(t)
            self.next_at = t + self.every
        doc = {"id": len(self.docs), "t": t, "text": text or "", "lat": lat, "lon": lon,
               "created_at": format_time(t), "original": original_id}
        found = assign(doc, self.state) if self.state is not None and text else None
        self.docs.append(doc)
        return found

    def _recluster(self, now: float) -> None:
        """Cluster the reports of the history window before now; keep ids of hotspots that continue."""
        from nlp.hotspots import build_state, cluster, match_ids  # lazy: as above
        from nlp.hotspots.describe import hotspot_id  # lazy: as above

        window = [d for d in self.docs if now - self.history <= d["t"] < now and d["text"]]
        found = cluster(window, self.min_size, mode="live") if len(window) >= self.min_size else []
        for c in found:
            c["id"] = hotspot_id(self.docs[m]["original"] for m in c["members"])
        for c, new in zip(found, match_ids(self.previous, found)):
            c["id"] = new
        self.previous = {c["id"]: set(c["members"]) for c in found}
        self.state = build_state(window, found, mode="live") if found else None
