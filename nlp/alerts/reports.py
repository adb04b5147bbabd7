"""Reports as the detector reads them: id, time in hours since the epoch, area, pooling parent, category, hotspot."""

import math
from datetime import datetime, timezone
from typing import NamedTuple

from nlp.alerts.params import Params


class Report(NamedTuple):
    """One report in the stream."""

    id: object
    t: float  # hours since 1970-01-01 UTC
    area: str | None  # the grid, or an H3 cell from lat/lon
    parent: str | None  # street or district of the grid, or the H3 parent cell
    category: str
    hotspot: str | None


def parse_time(value) -> float:
    """Return hours since the epoch from an ISO 8601 string or datetime (no offset: UTC)."""
    if isinstance(value, str):
        text = value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        value = datetime.fromisoformat(text)
    if not isinstance(value, datetime):
        raise ValueError(f"not a time: {value!r}")
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.timestamp() / 3600.0


def format_time(hours: float) -> str:
    """Return hours since the epoch as ISO 8601 in UTC."""
    return datetime.fromtimestamp(round(hours * 3600.0), timezone.utc).isoformat().replace("+00:00", "Z")


def _text(value) -> str | None:
    """Return a non-empty string form of value, or None."""
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip()
    return text or None


def _number(value) -> float | None:
    """Return a finite float, or None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)


def to_report(record: dict, params: Params = Params()) -> Report:
    """Read {"id", "time"|"created_at", "grid"? | "lat"/"lon"?, "street"|"district"|"parent"?, "category"?, "hotspot"?}."""
    when = record.get("time", record.get("created_at"))
    if when is None:
        raise ValueError("no \"time\"")
    area = _text(record.get("grid"))
    parent = _text(record.get("street")) or _text(record.get("district")) or _text(record.get("parent"))
    if area is None:
        lat, lon = _number(record.get("lat")), _number(record.get("lon"))
        if lat is not None and lon is not None and -90 <= lat <= 90 and -180 <= lon <= 180:
            import h3  # lazy: only reports with coordinates and no grid need it

            area = h3.latlng_to_cell(lat, lon, params.h3_resolution)
            parent = parent or h3.cell_to_parent(area, params.h3_parent_resolution)
    return Report(record.get("id"), parse_time(when), area, parent if area else None,
                  _text(record.get("category")) or "", _text(record.get("hotspot")))
