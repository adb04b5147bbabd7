"""Periodic work beside the per-report pipeline."""
import logging

from .extensions import db

log = logging.getLogger(__name__)


def recluster_job() -> dict:
    """Refit the keyword IDF and re-cluster recent reports into hotspots."""
    from flask import current_app

    from .hotspots import recluster
    from .keyword_idf import refresh_idf
    from .pipeline.grading import regrade_hotspot_cases
    try:
        idf_docs = refresh_idf()
        hotspots = recluster(window_days=current_app.config["HOTSPOT_WINDOW_DAYS"])
        raised = regrade_hotspot_cases()
    finally:
        db.session.remove()
    log.info("re-clustered: %s hotspots, %s case(s) raised by their reporters; IDF from %s reports",
             hotspots, raised, idf_docs)
    return {"hotspots": hotspots, "idf_docs": idf_docs, "raised": raised}
