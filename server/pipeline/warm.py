"""Loading what routing a text report needs before a report worker takes its first job.

A worker loads each of these on first use: jieba's dictionary with the city's place names, the keyword weights, the
router's model, the severity reader's tokenizer and detectors, the near-duplicate index's helpers and the hotspots'
assignment state. Together they take seconds on a slow host (4.4 s for a cold worker's first five reports against 0.4 s
warm, bench/dispatch/README.md, 7 December). A worker that starts while a crowd reports (a new one, or the second of
two while the first had taken every job so far) would make its first reports wait that long while the queue grows
behind them. ``warm_up`` runs each of them once on a sample report before the worker listens, reading the database
but writing nothing.
"""
import logging
import time

from triage.severity import grade

from server.extensions import db
from server.models import utcnow
from server.tasks.queue import REPORTS_QUEUE
from server.tasks.worker import on_worker_start
from server.hotspots.keyword_idf import current_idf
from server.hotspots.service import report_doc, warm_assignment
from server.pipeline.places import area_index
from server.taxonomy.source import current_suggester, current_taxonomy
from nlp.keywords import extract
from nlp.pii import mask
from nlp.text import normalise

log = logging.getLogger(__name__)
SAMPLE = "幸福路12号小区3栋楼道里煤气味很重，有老人和小孩住，怀疑燃气管道泄漏，请尽快派人处理"


class _Sample:
    """A report that is never stored: the columns the text stages read."""

    id = reporter_id = place_code = severity = None
    lat, lon = 28.2282, 112.9388  # any point: only the signature's code path is exercised

    def __init__(self, text: str, tokens: list[str]):
        self.text = self.text_masked = text
        self.tokens, self.created_at = tokens, utcnow()


def warm_up() -> float:
    """Load the text pipeline's models and indexes in this process; the seconds it took. Any failure is logged and
    left to the first job, which loads what it needs as before."""
    from nlp.hotspots.duplicates import signature  # lazy: numpy/scipy load only where hotspots are computed
    started = time.perf_counter()
    try:
        index = area_index()
        text = normalise(mask(SAMPLE))
        tokens = index.segmenter.cut_normalised(text)
        extract(tokens, top_k=8, idf=current_idf())
        index.resolver.resolve(text)
        signature(report_doc(_Sample(SAMPLE, tokens)))
        found = current_suggester().suggest(SAMPLE, k=3)
        code = found[0].category if found else None
        grade(SAMPLE, current_taxonomy().subcategory(code) if code else None, reporters=1)
        warm_assignment()
    except Exception:  # noqa: BLE001 - a cold start is slower, not wrong
        log.warning("worker warm-up failed; the first jobs load what they need", exc_info=True)
    finally:
        db.session.rollback()  # no transaction held while the worker waits for jobs
    seconds = time.perf_counter() - started
    log.info("worker: text pipeline loaded in %.1f s", seconds)
    return seconds


def init_app(app) -> None:
    """Warm every worker that takes text reports (the reports queue) before it listens."""
    on_worker_start(app, REPORTS_QUEUE, warm_up)
