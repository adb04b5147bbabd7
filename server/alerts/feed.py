"""Processed reports as the detector reads them, in time order, with their grid, street, category and hotspot."""
from datetime import datetime, timedelta

from nlp.alerts import Params, to_report
from nlp.alerts.reports import Report as Seen
from server.extensions import db
from server.models import Area, Category, Report, Stage

FED_STAGE = Stage.ROUTED.value  # the category is known once a report is routed
STUCK_AFTER = timedelta(hours=1)  # a report pending longer than this no longer holds the feed back
PENDING = (Stage.RECEIVED.value, Stage.TRANSCRIBED.value, Stage.ANALYSED.value)
BATCH = 2000


class Names:
    """Codes of grids (with their street) and categories, read once per run."""

    def __init__(self):
        """Read the area tree and the categories."""
        rows = {r.id: r for r in db.session.execute(db.select(Area.id, Area.code, Area.level, Area.parent_id))}
        self.grids: dict[int, tuple[str, str | None]] = {}
        for row in rows.values():
            if row.level == "grid":
                parent, steps = rows.get(row.parent_id), 0
                while parent is not None and parent.level != "street" and steps < 8:
                    parent, steps = rows.get(parent.parent_id), steps + 1
                self.grids[row.id] = (row.code, parent.code if parent is not None else None)
        self.grid_ids = {code: gid for gid, (code, _) in self.grids.items()}
        self.categories = dict(db.session.execute(db.select(Category.id, Category.code)).all())
        self.category_ids = {code: cid for cid, code in self.categories.items()}


def cut(now: datetime) -> datetime:
    """Return the newest creation time the feed may reach: not past a report still in the pipeline."""
    oldest = db.session.execute(db.select(db.func.min(Report.created_at)).where(
        Report.stage.in_(PENDING), Report.created_at >= now - STUCK_AFTER)).scalar()
    return min(now, oldest - timedelta(microseconds=1)) if oldest is not None else now


def reports(names: Names, params: Params, after: tuple | None, since: datetime, until: datetime):
    """Yield (created_at, id, Seen) of routed reports after the cursor (or since), up to until, in time order."""
    query = db.select(Report.id, Report.created_at, Report.grid_id, Report.lat, Report.lon, Report.category_id,
                      Report.hotspot_id).where(Report.stage == FED_STAGE, Report.created_at <= until)
    if after is not None:
        query = query.where(db.or_(Report.created_at > after[0],
                                   db.and_(Report.created_at == after[0], Report.id > after[1])))
    else:
        query = query.where(Report.created_at >= since)
    rows = db.session.execute(query.order_by(Report.created_at, Report.id).execution_options(yield_per=BATCH))
    for row in rows:
        grid, street = names.grids.get(row.grid_id, (None, None))
        record = {"id": row.id, "time": row.created_at, "grid": grid, "street": street, "lat": row.lat,
                  "lon": row.lon, "category": names.categories.get(row.category_id),
                  "hotspot": str(row.hotspot_id) if row.hotspot_id else None}
        seen: Seen = to_report(record, params)
        yield row.created_at, row.id, seen
