"""Hotspots in the database: full re-clustering with stable ids, and incremental assignment."""
import json
import math
from datetime import timedelta
from functools import lru_cache
from typing import NamedTuple

from flask import current_app

from server.extensions import db
from server.models import Category, Hotspot, Report, utcnow
from server.pipeline.grading import count_into_hotspot
from server.table_cache import TableCache
from server.pipeline.places import area_index
from server.models import HotspotReporter
from server.reports.support import support_likes, supporters_into_hotspots

WINDOW_DAYS = 14
SUGGESTED = "suggested"
NEAR_KM = 0.3  # a near-duplicate is within this distance
KM_PER_DEGREE = 111.32  # of latitude; of longitude times cos(latitude)


def report_doc(report, grid_code: str | None = None, category: str | None = None) -> dict:
    """A report (or a row of its columns) as nlp's hotspot functions take it."""
    return {"id": report.id, "text": report.text_masked or report.text or "", "tokens": report.tokens or [],
            "lat": report.lat, "lon": report.lon, "created_at": report.created_at, "place": report.place_code,
            "reporter": report.reporter_id, "grid": grid_code, "category": category, "severity": report.severity}


def _analysed_since(window_days: int):
    """The SQL condition of the analysed reports of the last window_days days: those the re-clustering takes."""
    return db.and_(Report.created_at >= utcnow() - timedelta(days=window_days), Report.tokens.is_not(None))


def _window_docs(window_days: int) -> tuple[list[Report], list[dict]]:
    """Recent analysed reports and their documents."""
    rows = db.session.execute(
        db.select(Report, Category.code).outerjoin(Category, Report.category_id == Category.id)
        .where(_analysed_since(window_days)).order_by(Report.id)).all()
    codes = area_index().code_of
    likes = support_likes([r.id for r, _ in rows])  # supporters weigh in the heat as reporters do
    return [r for r, _ in rows], [{**report_doc(r, codes.get(r.grid_id), c), "likes": likes.get(r.id, 0.0)}
                                  for r, c in rows]


def recluster(window_days: int = WINDOW_DAYS, min_cluster_size: int = 3) -> int:
    """Cluster the window again; hotspots keep their key (and reviews) when their members overlap."""
    from nlp.hotspots import cluster, match_ids  # lazy: numpy/scipy load only where hotspots are computed
    reports, docs = _window_docs(window_days)
    reviewed = {h.id for h in db.session.execute(db.select(Hotspot).where(Hotspot.status != SUGGESTED)).scalars()}
    free = [d for d, r in zip(docs, reports) if r.hotspot_id not in reviewed]
    clusters = cluster(free, min_cluster_size=min_cluster_size) if len(free) >= min_cluster_size else []
    existing = {h.key: h for h in db.session.execute(db.select(Hotspot).where(Hotspot.status == SUGGESTED)).scalars()}
    previous = {key: set() for key in existing}
    for report in reports:
        if report.hotspot_id is not None and report.hotspot_id not in reviewed:
            hotspot = next((h for h in existing.values() if h.id == report.hotspot_id), None)
            if hotspot is not None:
                previous[hotspot.key].add(report.id)
    keys = match_ids(previous, clusters)
    by_id = {r.id: r for r in reports}
    for report in reports:
        if report.hotspot_id is not None and report.hotspot_id not in reviewed:
            report.hotspot_id = None
    kept = set()
    for key, found in zip(keys, clusters):
        hotspot = existing.get(key) or Hotspot(key=key, status=SUGGESTED)
        _describe(hotspot, found)
        db.session.add(hotspot)
        db.session.flush()
        kept.add(key)
        for member in found["members"]:
            by_id[member].hotspot_id = hotspot.id
    for key, hotspot in existing.items():
        if key not in kept:
            db.session.delete(hotspot)
    db.session.flush()
    recount_hotspot_people()
    db.session.commit()
    invalidate()
    return len(clusters)


def recount_hotspot_people() -> None:
    """The people among every hotspot's members, read again from the reports (after a re-clustering moved them)."""
    db.session.execute(db.delete(HotspotReporter))
    grouped = db.select(Report.hotspot_id, Report.reporter_id, db.func.min(Report.id)) \
        .where(Report.hotspot_id.is_not(None), Report.reporter_id.is_not(None)) \
        .group_by(Report.hotspot_id, Report.reporter_id)
    alone = db.select(Report.hotspot_id, Report.reporter_id, Report.id) \
        .where(Report.hotspot_id.is_not(None), Report.reporter_id.is_(None))
    for query in (grouped, alone):
        db.session.execute(db.insert(HotspotReporter).from_select(["hotspot_id", "reporter_id", "report_id"], query))
    supporters_into_hotspots()  # 我也遇到了: supporters of members are people of the hotspot too
    people = db.select(db.func.count(HotspotReporter.id)).where(HotspotReporter.hotspot_id == Hotspot.id) \
        .scalar_subquery()
    db.session.execute(db.update(Hotspot).values(reporters=people, updated_at=Hotspot.updated_at)
                       .execution_options(synchronize_session=False))


def _describe(hotspot: Hotspot, found: dict) -> None:
    """Copy nlp's description of a cluster onto the row."""
    lat, lon = found.get("centroid") or (None, None)
    west, south, east, north = found.get("bbox") or (None, None, None, None)
    hotspot.label, hotspot.keywords, hotspot.size = found["label"][:120], found["keywords"], found["size"]
    hotspot.centroid_lat, hotspot.centroid_lon = lat, lon
    hotspot.min_lon, hotspot.min_lat, hotspot.max_lon, hotspot.max_lat = west, south, east, north
    hotspot.first_seen, hotspot.last_seen = found.get("first_seen"), found.get("last_seen")
    hotspot.representative_report_id = found.get("representative")
    hotspot.growth, hotspot.heat = found.get("growth"), float(found.get("heat") or 0.0)
    hotspot.grids = [g for g in (found.get("grids") or []) if g]
    hotspot.dominant_category, hotspot.highest_severity = found.get("category"), found.get("severity_level")
    hotspot.updated_at = utcnow()


def assign_report(report: Report) -> int | None:
    """The suggested hotspot a newly analysed report belongs to (nearest members), or None; counts its person in."""
    from nlp.hotspots import assign  # lazy: numpy/scipy load only where hotspots are computed
    state, ids = _state()
    if state is None:
        return None
    hotspot_id = ids.get(assign(report_doc(report), state))
    if hotspot_id is not None:
        count_into_hotspot(hotspot_id, report)
    return hotspot_id


def _build_state():
    """The incremental-assignment state of the current hotspots, and their ids by key."""
    from nlp.hotspots import build_state  # lazy: numpy/scipy load only where hotspots are computed
    hotspots = db.session.execute(db.select(Hotspot).where(Hotspot.key.is_not(None))).scalars().all()
    members = db.session.execute(db.select(Report).where(
        Report.hotspot_id.in_([h.id for h in hotspots]), Report.tokens.is_not(None))).scalars().all()
    docs = [report_doc(r) for r in members]
    clusters = [{"id": h.key, "members": [r.id for r in members if r.hotspot_id == h.id]} for h in hotspots]
    state = build_state(docs, [c for c in clusters if c["members"]], window_hours=_window_hours()) if docs else None
    return state, {h.key: h.id for h in hotspots}


def _window_hours() -> list[float]:
    """The times (epoch hours) of the analysed reports in the re-clustering window, members of a hotspot or not: a
    new report's time is weighed in the units the clustering used (a bad half hour's many reports shorten them)."""
    from nlp.hotspots.features import to_hours  # lazy, as above
    times = db.session.execute(db.select(Report.created_at).where(
        _analysed_since(current_app.config["HOTSPOT_WINDOW_DAYS"]))).scalars()
    return [to_hours(t) for t in times]


# Re-clustering runs every few minutes: workers ask whether the hotspots changed every few seconds.
_states = TableCache(
    lambda: db.session.execute(db.select(db.func.count(), db.func.max(Hotspot.updated_at)).select_from(Hotspot)).one(),
    _build_state)


def _state():
    """The incremental-assignment state for the current hotspots, rebuilt when they change."""
    return _states.get()


def warm_assignment() -> None:
    """Load what assigning a report to a hotspot needs (numpy, scipy, the current hotspots' state) in this process."""
    import nlp.hotspots  # noqa: F401 - lazy: numpy/scipy load only where hotspots are computed
    _state()


def index_for_duplicates(report: Report) -> dict:
    """Give the report its text signature and H3 cell (stored: later reports compare with them, never re-reading its
    text); its document as duplicate search compares it."""
    from nlp.hotspots.duplicates import cell_of, signature  # lazy: numpy/scipy load only where hotspots are computed
    mine = report_doc(report)
    mine["signature"] = report.signature = signature(mine)
    report.cell = cell_of(report.lat, report.lon)
    return mine


def find_duplicate_of(report: Report, hours: int = 48, limit: int | None = None, unwritten=(), mine: dict | None = None,
                      stored: list | None = None) -> int | None:
    """An earlier report of the same hazard near the same place within the last hours; indexes the report first.

    Candidates come from the index on (cell, created_at): the newest ``limit`` reports (``DUPLICATE_CANDIDATES``) of
    the report's cell and of each cell around it within the window, one capped index scan per cell; of those within
    0.3 km the newest ``limit`` are read with their stored signatures and compared, all in one statement. Without a
    position, the newest of the same named place. One statement and at most seven times ``limit`` rows scanned,
    however many reports gather in the place.

    ``unwritten``: reports indexed earlier in this transaction whose rows are not written yet (a batch routed in one
    flush, ``pipeline.together``); they are candidates as if they were. ``mine`` and ``stored``: the report's
    document from ``index_for_duplicates`` and its candidates in the database as ``stored_candidates`` read them for
    a whole batch (else both are made here).
    """
    from nlp.hotspots.duplicates import cells_around, find_duplicate  # lazy: numpy/scipy load only where needed
    limit = limit or current_app.config["DUPLICATE_CANDIDATES"]
    mine = mine or index_for_duplicates(report)
    window = _search_window(report, hours, limit)
    if report.cell is not None:
        cells = {f"cell{i}": cell for i, cell in enumerate(cells_around(report.cell))}
        near = _near(report)
        found = list(stored) if stored is not None else \
            db.session.execute(_around_cells(len(cells), _dialect()), {**window, **cells, **near}).all()
        around = set(cells.values())
        found += [r for r in _in_window(unwritten, window) if r.cell in around and _km2(near, r) <= NEAR_KM ** 2]
    elif report.place_code:
        found = db.session.execute(_NEAR_PLACE, {**window, "place": report.place_code}).all()
        found += [r for r in _in_window(unwritten, window) if r.place_code == report.place_code]
    else:
        return None
    newest = sorted({r.id: r for r in found}.values(), key=lambda r: (r.created_at, r.id), reverse=True)[:limit]
    if not newest:
        return None
    signed = {r.id: r.signature if isinstance(r.signature, dict) else _decoded(r.signature)
              for r in newest if r.signature is not None}
    # A row without a signature (analysed before signatures were stored) is compared by its text, read only then.
    unsigned = [r.id for r in newest if signed.get(r.id) is None]
    texts = {r.id: r for r in db.session.execute(db.select(Report.id, Report.text_masked, Report.text, Report.tokens)
                                                 .where(Report.id.in_(unsigned)))} if unsigned else {}
    recent = [_candidate(r, signed.get(r.id), texts.get(r.id)) for r in newest]
    return find_duplicate(mine, recent, max_km=NEAR_KM, max_hours=hours)


def _search_window(report: Report, hours: int, limit: int) -> dict:
    return {"me": report.id, "since": report.created_at - timedelta(hours=hours), "until": report.created_at,
            "limit": limit}


def _near(report: Report) -> dict:
    """The parameters that measure the distance from the report's position."""
    return {"lat": report.lat, "lon": report.lon, "kx": KM_PER_DEGREE * math.cos(math.radians(report.lat))}


class Stored(NamedTuple):
    """A candidate in the database as ``stored_candidates`` read it (its signature decoded, or None)."""

    id: int
    lat: float
    lon: float
    created_at: object
    place_code: str | None
    signature: dict | None


def stored_candidates(reports: list[Report], hours: int = 48, limit: int | None = None) -> dict[int, list[Stored]]:
    """The candidates in the database of each indexed report with a cell, for a batch, in one statement (PostgreSQL).

    The same candidates, report by report, as ``find_duplicate_of`` reads for one (a capped index scan per cell and
    report, the distance, the newest ``limit``), by report id; a candidate of several reports is sent once with its
    signature. A batch of 50 read them in 0.3-0.4 ms per report against 0.9 ms a report by report
    (bench/dispatch/README.md). {} elsewhere than on PostgreSQL."""
    from nlp.hotspots.duplicates import cells_around  # lazy: numpy/scipy load only where hotspots are computed
    located = [r for r in reports if r.cell is not None]
    if not located or _dialect() != "postgresql":
        return {}
    limit = limit or current_app.config["DUPLICATE_CANDIDATES"]
    windows = [{**_search_window(r, hours, limit), **_near(r)} for r in located]
    around = [(k, cell) for k, r in enumerate(located) for cell in cells_around(r.cell)]
    values = {f"{key}s": [w[key] for w in windows] for key in ("me", "lat", "lon", "kx", "since", "until")}
    values.update(ns=list(range(len(located))), limit=limit, cell_ns=[k for k, _ in around],
                  cells=[cell for _, cell in around])
    rows = db.session.execute(_STORED_CANDIDATES, values).all()
    signatures = {row.id: _decoded(row.signature) for row in rows if row.first and row.signature is not None}
    found: dict[int, list[Stored]] = {r.id: [] for r in located}
    for row in rows:
        found[located[row.n].id].append(Stored(row.id, row.lat, row.lon, row.created_at, row.place_code,
                                               signatures.get(row.id)))
    return found


# One capped scan of the index on (cell, created_at) per report and cell (a lateral join: the row comparison
# serves only that index, as in _around_cells); the candidates within the distance, the newest ``limit`` of each
# report; then each candidate's row by its id, its signature in the first of its lines only. "LIMIT 1" keeps that
# last join a lookup by id: joined plainly, PostgreSQL hashed the whole table for it when it misjudged the rows.
_STORED_CANDIDATES = db.text("""
WITH q AS (SELECT * FROM unnest(CAST(:ns AS int[]), CAST(:mes AS int[]), CAST(:lats AS float8[]),
                                CAST(:lons AS float8[]), CAST(:kxs AS float8[]), CAST(:sinces AS timestamptz[]),
                                CAST(:untils AS timestamptz[])) AS q (n, me, lat, lon, kx, since, until)),
     qc AS (SELECT * FROM unnest(CAST(:cell_ns AS int[]), CAST(:cells AS varchar[])) AS qc (n, cell)),
     near AS (SELECT q.n, s.id, s.created_at FROM q JOIN qc ON qc.n = q.n CROSS JOIN LATERAL (
                  SELECT r.id, r.lat, r.lon, r.created_at FROM reports r
                  WHERE (r.cell, r.created_at) >= (qc.cell, q.since) AND (r.cell, r.created_at) <= (qc.cell, q.until)
                    AND r.id <> q.me
                  ORDER BY r.cell DESC, r.created_at DESC LIMIT :limit) s
              WHERE s.lat IS NOT NULL
                AND (s.lat - q.lat) * :km * (s.lat - q.lat) * :km + (s.lon - q.lon) * q.kx * (s.lon - q.lon) * q.kx
                    <= :near2),
     picked AS (SELECT n, id FROM (SELECT n, id, row_number() OVER (PARTITION BY n ORDER BY created_at DESC, id DESC)
                                   AS k FROM near) ranked WHERE k <= :limit),
     lines AS (SELECT p.n, r.id, r.lat, r.lon, r.created_at, r.place_code, r.signature,
                      row_number() OVER (PARTITION BY r.id ORDER BY p.n) = 1 AS first
               FROM picked p CROSS JOIN LATERAL (SELECT * FROM reports WHERE reports.id = p.id LIMIT 1) r)
SELECT n, id, lat, lon, created_at, place_code, first, CASE WHEN first THEN CAST(signature AS TEXT) END AS signature
FROM lines
""").bindparams(km=KM_PER_DEGREE, near2=NEAR_KM * NEAR_KM)


_WHERE = (Report.id, Report.lat, Report.lon, Report.created_at)


def _window_of(column, key: str) -> tuple[tuple, tuple]:
    """The conditions and order of "the newest reports of one value of ``column`` in the window", for the index on
    (``column``, created_at). The window is a row comparison, ``(column, created_at)`` between ``(value, since)`` and
    ``(value, until)``, ordered by both columns: only that index serves it, so the plan cannot walk the index on
    created_at over the whole window instead (which PostgreSQL's generic plan did on a table not yet analysed: a new
    deployment's first minute, bench/dispatch/README.md, 7 December)."""
    value = db.bindparam(key, type_=column.type)
    since = db.bindparam("since", type_=Report.created_at.type)
    until = db.bindparam("until", type_=Report.created_at.type)
    pair = db.tuple_(column, Report.created_at)
    return ((pair >= db.tuple_(value, since), pair <= db.tuple_(value, until), Report.id != db.bindparam("me")),
            (column.desc(), Report.created_at.desc()))


# Plain rows, not ORM objects: the candidates are only read. Their signatures come as JSON text, decoded through
# _decoded (the same candidates come back for report after report in a busy place).
_SIGNED = (Report.id, Report.lat, Report.lon, Report.created_at, Report.place_code,
           db.cast(Report.signature, db.Text).label("signature"))
_PLACE_WINDOW, _PLACE_ORDER = _window_of(Report.place_code, "place")
_NEAR_PLACE = db.select(*_SIGNED).where(*_PLACE_WINDOW).order_by(*_PLACE_ORDER).limit(db.bindparam("limit"))
_AROUND: dict[tuple[int, str], object] = {}


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _around_cells(count: int, dialect: str):
    """The newest ``limit`` reports within ``NEAR_KM`` among the newest of each of count cells in the window, with
    their signatures: one capped index scan per cell, in one statement (built once per count and dialect).

    On PostgreSQL the capped scans are the union's own members, in parentheses; SQLite cannot parenthesise a
    union's members, so there each is a subquery selected from. The former keeps the statement under the length up
    to which psycopg caches a statement's conversion (``MAX_CACHED_STATEMENT_LENGTH``, 4,096 bytes): over it,
    psycopg parsed the statement again for every report (about 3 % of a drain's CPU per report)."""
    if (count, dialect) not in _AROUND:
        windows = [_window_of(Report.cell, f"cell{i}") for i in range(count)]
        scans = [db.select(*_WHERE).where(*where).order_by(*order).limit(db.bindparam("limit"))
                 for where, order in windows]
        if dialect != "postgresql":
            scans = [db.select(scan.subquery()) for scan in scans]
        near = db.union_all(*scans).subquery()
        # Equirectangular distance, squared (no square root: SQLite may lack it), in km.
        dy = (near.c.lat - db.bindparam("lat")) * KM_PER_DEGREE
        dx = (near.c.lon - db.bindparam("lon")) * db.bindparam("kx")
        newest = db.select(near.c.id).where(near.c.lat.is_not(None), dy * dy + dx * dx <= NEAR_KM * NEAR_KM) \
            .order_by(near.c.created_at.desc(), near.c.id.desc()).limit(db.bindparam("limit"))
        _AROUND[count, dialect] = db.select(*_SIGNED).where(Report.id.in_(newest.scalar_subquery()))
    return _AROUND[count, dialect]


def _in_window(reports, window: dict) -> list:
    """Those of the reports (indexed, not yet written) that fall in a duplicate search's window."""
    return [r for r in reports if r.id != window["me"] and window["since"] <= r.created_at <= window["until"]]


def _km2(near: dict, other) -> float:
    """The squared equirectangular distance in km from a search's point (``near``: the parameters ``_around_cells``
    measures with) to a positioned report."""
    dy = (other.lat - near["lat"]) * KM_PER_DEGREE
    dx = (other.lon - near["lon"]) * near["kx"]
    return dy * dy + dx * dx


def _candidate(row, signature: dict | None, text_row) -> dict:
    """A candidate as find_duplicate takes it: its position, time, place and signature (or its text without one)."""
    doc = {"id": row.id, "lat": row.lat, "lon": row.lon, "created_at": row.created_at, "place": row.place_code,
           "signature": signature}
    if text_row is not None:
        doc.update(text=text_row.text_masked or text_row.text or "", tokens=text_row.tokens or [])
    return doc


@lru_cache(maxsize=4096)
def _decoded(text: str) -> dict:
    """A stored signature, decoded once per process for as long as it is among the recent ones (keyed by its text:
    never stale). Shared between calls: read only."""
    return json.loads(text)


def invalidate() -> None:
    """Forget the assignment state (after a re-clustering, and between tests)."""
    _states.invalidate()
