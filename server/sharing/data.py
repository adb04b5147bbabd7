"""The rows an approved request serves, through the one exporter (``server.exports``): scoped to exactly the grant
(kind, categories, grids, period), personal data masked unless granted, written as CSV (times in the city's zone)
or JSON (UTC with an offset, as the API)."""
import json
from collections.abc import Iterator
from itertools import islice

from server.accounts.security import decrypt
from server.exports.service import CASE_FIELDS, REPORT_FIELDS, case_rows, report_rows
from server.exports.tabular import csv_lines
from server.extensions import db
from server.models import Report, User
from server.sharing.scope import Scope
from server.web.localtime import to_city
from nlp.pii import mask

PERSONAL = ("reporter_name", "reporter_phone")
FIELDS = {"reports": REPORT_FIELDS + ("lat", "lon") + PERSONAL, "cases": CASE_FIELDS + PERSONAL}
TIMES = {"created_at", "dispatched_at", "sign_by", "signed_at", "resolve_by", "feedback_at", "closed_at"}
CELL = 0.002  # degrees (about 200 m): coordinates are rounded to this cell unless personal data is granted
BATCH = 200
CHUNK = 64 * 1024  # characters per chunk of a download


def coarse(value: float | None) -> float | None:
    """A coordinate rounded to the cell (about 200 m)."""
    return None if value is None else round(round(value / CELL) * CELL, 3)


def _people(report_ids: list[int]) -> dict[int, tuple]:
    """Report id → (raw text, anonymous, reporter's name, reporter's phone) for a batch."""
    found = db.session.execute(db.select(Report.id, Report.text, Report.anonymous, User.display_name, User.phone_enc)
                               .outerjoin(User, Report.reporter_id == User.id).where(Report.id.in_(report_ids)))
    phones = {}  # one decryption per person of the batch

    def phone(stored: str | None) -> str | None:
        if stored not in phones:
            phones[stored] = decrypt(stored)
        return phones[stored]
    return {r.id: (r.text, r.anonymous, r.display_name, phone(r.phone_enc)) for r in found}


def _masked(row: dict) -> dict:
    row["lat"], row["lon"] = coarse(row["lat"]), coarse(row["lon"])
    row["address"] = mask(row["address"]) if row["address"] else row["address"]
    row["reporter_name"] = row["reporter_phone"] = None
    return row


def _personal(rows: list[dict], key: str) -> list[dict]:
    people = _people([r[key] for r in rows if r[key] is not None])
    for row in rows:
        text, anonymous, name, phone = people.get(row[key], (None, True, None, None))
        if "text" in row and text is not None:
            row["text"] = text
        # An anonymous report is never attributed, not even to a department granted personal data.
        row["reporter_name"], row["reporter_phone"] = (None, None) if anonymous else (name, phone)
    return rows


def rows(scope: Scope) -> Iterator[dict]:
    """The rows of the scope, oldest first, masked unless personal data is granted."""
    filters = {"since": scope.since, "until": scope.until, "category_in": scope.category_ids,
               "grid_in": scope.grid_ids}
    found = report_rows(**filters) if scope.kind == "reports" else case_rows(**filters)
    key = "id" if scope.kind == "reports" else "origin_report_id"
    while True:
        batch = list(islice(found, BATCH))
        if not batch:
            return
        if scope.personal:
            yield from _personal(batch, key)
        else:
            yield from map(_masked, batch)


def _cell(field: str, value):
    if value is True or value is False:
        return "true" if value else "false"
    if field in TIMES and value:
        return to_city(value).isoformat()
    return value


def csv_text(scope: Scope, items: Iterator[dict]) -> Iterator[str]:
    """CSV (UTF-8 with a BOM, formulas defused by the one table writer), times in CITY_TIMEZONE."""
    fields = FIELDS[scope.kind]
    return csv_lines(fields, ([_cell(f, row.get(f)) for f in fields] for row in items), bom=True,
                     chunk_bytes=CHUNK)


def json_text(scope: Scope, request_id: int, items: Iterator[dict]) -> Iterator[str]:
    """One JSON document written item by item: the request, the kind, whether personal data is shown, the items."""
    fields = FIELDS[scope.kind]
    yield json.dumps({"request_id": request_id, "kind": scope.kind, "personal_data": scope.personal},
                     ensure_ascii=False)[:-1] + ',"items":['
    parts, size, first = [], 0, True
    for row in items:
        part = ("" if first else ",\n") + json.dumps({f: row.get(f) for f in fields}, ensure_ascii=False)
        parts.append(part)
        size, first = size + len(part), False
        if size >= CHUNK:
            yield "".join(parts)
            parts, size = [], 0
    yield "".join(parts) + "]}\n"
