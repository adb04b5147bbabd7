"""Periodic work beside the per-report pipeline."""
import logging

from server.extensions import db
from server.hotspots.citywide import recluster_citywide, window_size
from server.hotspots.service import recluster
from server.hotspots.keyword_idf import refresh_idf
from server.pipeline.grading import regrade_hotspot_cases

log = logging.getLogger(__name__)


def recluster_job() -> dict:
    """Refit the keyword IDF and re-cluster recent reports into hotspots.

    A window of more than ``HOTSPOT_PARTITION_SIZE`` reports is re-clustered by one job per partition on the
    maintenance queue and a merge job after them (``server.hotspots.citywide``); a smaller one here, as one job.
    """
    from flask import current_app

    days = current_app.config["HOTSPOT_WINDOW_DAYS"]
    try:
        idf_docs = refresh_idf()
        if window_size(days) > current_app.config["HOTSPOT_PARTITION_SIZE"]:
            started = recluster_citywide(days)
            log.info("re-clustering %s: %s partitions; IDF from %s reports", started["run"], started["partitions"],
                     idf_docs)
            return {"idf_docs": idf_docs, **started}
        hotspots = recluster(window_days=days)
        raised = regrade_hotspot_cases()
    finally:
        db.session.remove()
    log.info("re-clustered: %s hotspots, %s case(s) raised by their reporters; IDF from %s reports",
             hotspots, raised, idf_docs)
    return {"hotspots": hotspots, "idf_docs": idf_docs, "raised": raised}
