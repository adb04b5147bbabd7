"""The keyword IDF table fitted on the platform's own reports."""
import threading
import time
from datetime import timedelta

from server.extensions import db
from server.models import Report, get_setting, put_setting, utcnow

KEY = "keyword_idf"
WINDOW_DAYS = 365
MAX_DOCS = 50_000
MIN_DOCS = 50  # below this, jieba's general-purpose table is the better guess
TTL_SECONDS = 300
_lock = threading.Lock()
_cache: dict = {}


def refresh_idf() -> int:
    """Fit the IDF on recent reports' tokens and store it; returns the number of reports used."""
    from nlp.keywords import fit_idf
    since = utcnow() - timedelta(days=WINDOW_DAYS)
    tokens = db.session.execute(db.select(Report.tokens).where(
        Report.created_at >= since, Report.tokens.is_not(None)).order_by(Report.id.desc()).limit(MAX_DOCS)).scalars()
    docs = [t for t in tokens if t]
    if len(docs) < MIN_DOCS:
        return 0
    put_setting(KEY, {"n_docs": len(docs), "idf": {w: round(v, 4) for w, v in fit_idf(docs).items()}})
    db.session.commit()
    invalidate()
    return len(docs)


def current_idf() -> dict[str, float] | None:
    """The platform's IDF table (None until enough reports exist), cached per process."""
    with _lock:
        if _cache.get("until", 0) < time.monotonic() or _cache.get("engine") != id(db.engine):
            stored = get_setting(KEY)
            from nlp.keywords import IdfTable
            _cache.update(value=IdfTable(stored["idf"]) if stored else None, engine=id(db.engine),
                          until=time.monotonic() + TTL_SECONDS)
        return _cache["value"]


def invalidate() -> None:
    """Forget the cached table."""
    with _lock:
        _cache.clear()
