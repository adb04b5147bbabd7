"""Tables as downloads: CSV (UTF-8 with BOM, for Excel) and XLSX, written by ``server.exports.tabular`` (cells cannot start
formulas); times in the city's zone (CSV as text, XLSX as real dates), lists joined."""
from datetime import datetime

from flask import Response, stream_with_context

from server.exports.tabular import XLSX_MIMETYPE, csv_lines, xlsx_bytes
from server.web.localtime import SECONDS, format_city, naive_city


def cell(value):
    """A value as people read it in a CSV table: times in the city's zone as text, lists joined (made safe by the
    writer)."""
    if isinstance(value, datetime):
        return format_city(value, SECONDS)
    if isinstance(value, (list, tuple)):
        return "、".join(str(v) for v in value)
    return value


def xlsx_cell(value):
    """A value of an XLSX table: times as the city's wall-clock time (XLSX dates carry no zone), else as cell()."""
    return naive_city(value) if isinstance(value, datetime) else cell(value)


def _disposition(filename: str) -> dict:
    return {"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"}


def _presented(rows, present=cell):
    return ([present(v) for v in row] for row in rows)


def csv_response(filename: str, header: list[str], rows) -> Response:
    """Stream rows as CSV."""
    chunks = csv_lines(header, _presented(rows), chunk_bytes=64 * 1024)
    return Response(stream_with_context(chunks), mimetype="text/csv", headers=_disposition(filename))


def xlsx_response(filename: str, header: list[str], rows, title: str = "Sheet1") -> Response:
    """The rows as one worksheet."""
    return Response(xlsx_bytes(header, _presented(rows, xlsx_cell), title), headers=_disposition(filename),
                    mimetype=XLSX_MIMETYPE)
