"""Early warning (预警): a streaming detector of grid × category counts above baseline and fast-growing hotspots."""

from nlp.alerts.detector import Detector, detect
from nlp.alerts.params import Params
from nlp.alerts.reports import Report, parse_time, to_report

__all__ = ["Detector", "detect", "Params", "Report", "parse_time", "to_report"]
