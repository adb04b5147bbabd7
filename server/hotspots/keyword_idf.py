"""The keyword IDF table fitted on the platform's own reports."""
from datetime import timedelta

from nlp.keywords import IdfTable, fit_idf

from server.extensions import db
from server.models import Report, Setting, get_setting, put_setting, utcnow
from server.table_cache import TableCache

KEY = "keyword_idf"
WINDOW_DAYS = 365
MAX_DOCS = 50_000
MIN_DOCS = 50  # below this, jieba's general-purpose table is the better guess
RECHECK_SECONDS = 300


def refresh_idf() -> int:
    """Fit the IDF on recent reports' tokens and store it; returns the number of reports used."""
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
    """The platform's IDF table (None until enough reports exist), cached per process until it is refitted."""
    return _table.get()


def invalidate() -> None:
    """Forget the cached table."""
    _table.invalidate()


def _stored():
    """The stored table as an IdfTable, or None."""
    stored = get_setting(KEY)
    return IdfTable(stored["idf"]) if stored else None


_table = TableCache(lambda: (db.session.execute(db.select(Setting.updated_at).where(Setting.key == KEY))
                             .scalar_one_or_none(),), _stored, recheck_seconds=RECHECK_SECONDS)
