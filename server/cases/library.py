"""The case library (案例库): vectors stored as cases close, a per-process index of closed cases, similar cases."""
from flask import current_app

from nlp.similar import CaseIndex, CaseRow, encode
from triage.lifecycle import CaseStatus

from server.extensions import db
from server.models import Case, CaseLibraryEntry, Category, Report, utcnow
from server.table_cache import TableCache

CLOSED = CaseStatus.CLOSED.value


def case_text(case: Case, report: Report | None = None) -> str:
    """The text a case is compared by: its origin report's (masked where masked; numbers are dropped anyway)."""
    report = report or db.session.get(Report, case.origin_report_id)
    if report is None:
        return ""
    return report.text_masked if report.text_masked is not None else (report.text or "")


def store_vector(case: Case) -> CaseLibraryEntry:
    """Compute and keep the case's vector (on close); added to the session, committed with the close."""
    entry = db.session.get(CaseLibraryEntry, case.id)
    if entry is None:
        entry = CaseLibraryEntry(case_id=case.id)
        db.session.add(entry)
    entry.vector = encode(case_text(case))
    entry.updated_at = utcnow()
    return entry


def _version() -> tuple:
    """Changes when a case closes or reopens, or a library entry (vector, model mark) changes."""
    closed = db.session.execute(db.select(db.func.count(Case.id), db.func.max(Case.closed_at))
                                .where(Case.status == CLOSED)).one()
    entries = db.session.execute(db.select(db.func.count(CaseLibraryEntry.case_id),
                                           db.func.max(CaseLibraryEntry.updated_at))).one()
    return (*closed, *entries)


def _build() -> CaseIndex:
    """The index of every closed case with a stored vector: one query, nothing fitted beyond idf from the rows."""
    rows = db.session.execute(
        db.select(CaseLibraryEntry.case_id, CaseLibraryEntry.vector, CaseLibraryEntry.model, Category.code,
                  Report.lat, Report.lon)
        .join(Case, Case.id == CaseLibraryEntry.case_id)
        .join(Report, Report.id == Case.origin_report_id)
        .outerjoin(Category, Category.id == Case.category_id)
        .where(Case.status == CLOSED, CaseLibraryEntry.vector.is_not(None))
        .order_by(CaseLibraryEntry.case_id)).all()
    return CaseIndex([CaseRow(r.case_id, r.vector, r.code, r.lat, r.lon, bool(r.model)) for r in rows])


_index = TableCache(_version, _build, recheck_seconds=30.0)


def index() -> CaseIndex:
    """This process's index of closed cases (rebuilt when cases close or marks change, checked every 30 s)."""
    _index.recheck_seconds = current_app.config["CASE_LIBRARY_RECHECK_SECONDS"]
    return _index.get()


def invalidate() -> None:
    """Forget the index (after a change made in this process)."""
    _index.invalidate()


def similar_to(case: Case, limit: int) -> list:
    """The closed cases most like this one (text, category, place), relevant model cases first."""
    report = db.session.get(Report, case.origin_report_id)
    entry = db.session.get(CaseLibraryEntry, case.id)
    stored = entry.vector if entry is not None else None
    return index().search(case_text(case, report), vector=stored, category=case.category.code if case.category
                          else None, lat=report.lat if report else None, lon=report.lon if report else None,
                          k=limit, exclude=[case.id])


def search(words: str, category: str | None, model_only: bool, limit: int) -> list:
    """Closed cases matching words (by similarity), in a category and/or model cases only."""
    return index().search(words, only_category=category, only_model=model_only, k=limit)


def newest(category: str | None, model_only: bool, limit: int, offset: int) -> tuple[list[int], int]:
    """Closed cases in the library without words: model cases first, then the most recently closed."""
    query = (db.select(Case.id).join(CaseLibraryEntry, CaseLibraryEntry.case_id == Case.id)
             .where(Case.status == CLOSED))
    if category:
        query = query.join(Category, Category.id == Case.category_id).where(Category.code == category)
    if model_only:
        query = query.where(CaseLibraryEntry.model.is_(True))
    total = db.session.execute(db.select(db.func.count()).select_from(query.subquery())).scalar_one()
    ids = db.session.execute(query.order_by(CaseLibraryEntry.model.desc(), Case.closed_at.desc(), Case.id.desc())
                             .limit(limit).offset(offset)).scalars().all()
    return list(ids), total


def mark_model(case: Case, user, summary: str) -> CaseLibraryEntry:
    """Mark a closed case as a model case (典型案例) with a summary; the caller checks role and state, commits."""
    entry = db.session.get(CaseLibraryEntry, case.id) or store_vector(case)
    entry.model, entry.summary, entry.marked_by_id, entry.marked_at = True, summary, user.id, utcnow()
    entry.updated_at = utcnow()
    return entry


def unmark_model(case: Case) -> CaseLibraryEntry | None:
    """Take the mark off (the summary goes with it); the caller commits."""
    entry = db.session.get(CaseLibraryEntry, case.id)
    if entry is not None:
        entry.model, entry.summary, entry.marked_by_id, entry.marked_at = False, None, None, None
        entry.updated_at = utcnow()
    return entry


def backfill(batch: int = 500) -> int:
    """Store vectors of closed cases that have none (closed before the library existed); returns how many."""
    done = 0
    while True:
        cases = db.session.execute(
            db.select(Case).outerjoin(CaseLibraryEntry, CaseLibraryEntry.case_id == Case.id)
            .where(Case.status == CLOSED, CaseLibraryEntry.vector.is_(None)).limit(batch)).scalars().all()
        if not cases:
            return done
        for case in cases:
            store_vector(case)
        db.session.commit()
        done += len(cases)
