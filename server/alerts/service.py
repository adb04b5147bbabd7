"""The detector over processed reports: rebuilt from recent history at start, then fed incrementally; alerts stored."""
import logging
import threading
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone

from flask import current_app
from sqlalchemy.exc import IntegrityError

from nlp.alerts import Detector, Params
from server.alerts import feed
from server.alerts.messages import notify_alert
from server.extensions import db
from server.models import Alert, Hotspot, utcnow

log = logging.getLogger(__name__)
STATE_KEY = "gridwatch_alerts"


@dataclass
class Live:
    """One process's detector and how far it has read."""

    detector: Detector
    params: Params
    cursor: tuple | None = None  # (created_at, id) of the last report fed
    lock: threading.Lock = field(default_factory=threading.Lock)


def params_from(config) -> Params:
    """Return the detector's parameters under this configuration."""
    return replace(Params(), threshold=float(config["ALERTS_THRESHOLD"]),
                   hotspot_threshold=float(config["ALERTS_HOTSPOT_THRESHOLD"]),
                   timezone=config["CITY_TIMEZONE"])


def _live(app) -> Live:
    """Return the app's detector state, made (empty) on first use or when the settings changed."""
    params = params_from(app.config)
    live = app.extensions.get(STATE_KEY)
    if live is None or live.params != params:
        live = app.extensions[STATE_KEY] = Live(Detector(params), params)
    return live


def run(now: datetime | None = None) -> list[Alert]:
    """Feed the reports processed since the last run (at start: the last ALERTS_HISTORY_DAYS); store new alerts."""
    app = current_app._get_current_object()
    now = now or utcnow()
    live = _live(app)
    with live.lock:
        names = feed.Names()
        since = now - timedelta(days=app.config["ALERTS_HISTORY_DAYS"])
        stored = []
        until = feed.cut(now)
        for created_at, report_id, seen in feed.reports(names, live.params, live.cursor, since, until):
            for found in live.detector.feed(seen):
                alert = _store(found, names, live.params, now)
                if alert is not None:
                    stored.append(alert)
            live.cursor = (created_at, report_id)
        for alert in stored:
            notify_alert(alert)
        db.session.commit()
    return stored


def _span(params: Params, kind: str) -> float:
    """Hours after an alert within which its episode is raised again only when it grows."""
    return params.hotspot_window if kind == "hotspot" else max(params.windows)


def _store(found: dict, names: feed.Names, params: Params, now: datetime) -> Alert | None:
    """Add an alert unless it is stale (from replaying old reports) or its episode is already alerted."""
    raised = datetime.fromisoformat(found["raised_at"].replace("Z", "+00:00")).astimezone(timezone.utc)
    span = timedelta(hours=_span(params, found["kind"]))
    if raised < now - span:
        return None
    if found["kind"] == "hotspot":
        key = f"hotspot:{found['hotspot']}"
        hotspot_id = int(found["hotspot"]) if str(found["hotspot"]).isdigit() else None
        hotspot_id = hotspot_id if hotspot_id and db.session.get(Hotspot, hotspot_id) else None
        where = {"hotspot_id": hotspot_id}
    else:
        key = f"area:{found['area']}:{found['category']}"
        where = {"area_code": found["area"], "grid_id": names.grid_ids.get(found["area"]),
                  "category_id": names.category_ids.get(found["category"])}
    last = db.session.execute(db.select(Alert).where(Alert.key == key, Alert.raised_at > raised - span)
                              .order_by(Alert.raised_at.desc()).limit(1)).scalar()
    if last is not None and (last.trigger_report_id == found["trigger_report_id"]
                             or found["count"] < params.regrow * last.count):
        return None  # another process, or this one before a restart, already raised this episode
    alert = Alert(kind=found["kind"], key=key[:120], trigger_report_id=found["trigger_report_id"], raised_at=raised,
                  score=float(found["score"]), count=int(found["count"]), expected=float(found["expected"]),
                  window_hours=float(found["window_hours"]), report_ids=list(found["report_ids"]), **where)
    try:
        with db.session.begin_nested():
            db.session.add(alert)
    except IntegrityError:  # stored by another process in the meantime
        return None
    return alert


def alerts_job() -> int:
    """Periodic job (maintenance queue): run the detector over new reports; return how many alerts were stored."""
    try:
        stored = run()
    finally:
        db.session.remove()
    if stored:
        log.info("early warning: %s new alert(s)", len(stored))
    return len(stored)
