"""Periodic work beside the per-report pipeline."""
import logging

from server.extensions import db

log = logging.getLogger(__name__)


def recluster_job() -> dict:
    """Refit the keyword IDF and re-cluster recent reports into hotspots."""
    from flask import current_app

    from server.hotspots.service import recluster
    from server.hotspots.keyword_idf import refresh_idf
    from server.pipeline.grading import regrade_hotspot_cases
    try:
        idf_docs = refresh_idf()
        hotspots = recluster(window_days=current_app.config["HOTSPOT_WINDOW_DAYS"])
        raised = regrade_hotspot_cases()
    finally:
        db.session.remove()
    log.info("re-clustered: %s hotspots, %s case(s) raised by their reporters; IDF from %s reports",
             hotspots, raised, idf_docs)
    return {"hotspots": hotspots, "idf_docs": idf_docs, "raised": raised}
