"""Re-clustering recent reports into suggested hotspots (nlp does the clustering)."""
from datetime import timedelta

from .extensions import db
from .models import Hotspot, Report, utcnow

WINDOW_DAYS = 14
SUGGESTED = "suggested"


def recluster(window_days: int = WINDOW_DAYS, min_cluster_size: int = 3) -> int:
    """Replace the machine's suggested hotspots with a fresh clustering; reviewed ones stay."""
    from nlp.hotspots import cluster
    since = utcnow() - timedelta(days=window_days)
    reviewed = {h.id for h in db.session.execute(db.select(Hotspot).where(Hotspot.status != SUGGESTED)).scalars()}
    reports = db.session.execute(db.select(Report).where(
        Report.created_at >= since, Report.tokens.is_not(None))).scalars().all()
    candidates = [r for r in reports if r.hotspot_id is None or r.hotspot_id not in reviewed]
    docs = [{"id": r.id, "tokens": r.tokens or [], "lat": r.lat, "lon": r.lon, "created_at": r.created_at}
            for r in candidates]
    clusters = cluster(docs, min_cluster_size=min_cluster_size) if len(docs) >= min_cluster_size else []
    for report in candidates:
        report.hotspot_id = None
    db.session.execute(db.delete(Hotspot).where(Hotspot.status == SUGGESTED))
    by_id = {r.id: r for r in candidates}
    for found in clusters:
        lat, lon = found["centroid"] or (None, None)
        hotspot = Hotspot(label=found["label"][:120], keywords=found["keywords"], size=found["size"],
                          centroid_lat=lat, centroid_lon=lon, first_seen=found["first_seen"],
                          last_seen=found["last_seen"], status=SUGGESTED)
        db.session.add(hotspot)
        db.session.flush()
        for member in found["members"]:
            by_id[member].hotspot_id = hotspot.id
    db.session.commit()
    return len(clusters)
