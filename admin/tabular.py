"""Tables as downloads: CSV (UTF-8 with BOM, for Excel) and XLSX (openpyxl); cells cannot start formulas."""
import csv
import io
from datetime import datetime

from flask import Response, stream_with_context
from openpyxl import Workbook

from server.cases.deadlines import LOCAL

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value):
    """A safe cell: local times as text, strings that a spreadsheet would run as formulas quoted."""
    if isinstance(value, datetime):
        return value.astimezone(LOCAL).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, (list, tuple)):
        value = "、".join(str(v) for v in value)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _disposition(filename: str) -> dict:
    return {"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"}


def csv_response(filename: str, header: list[str], rows) -> Response:
    """Stream rows as CSV."""
    def generate():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        buffer.write("\ufeff")
        writer.writerow(header)
        for row in rows:
            writer.writerow([cell(v) for v in row])
            if buffer.tell() > 64 * 1024:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()
    return Response(stream_with_context(generate()), mimetype="text/csv", headers=_disposition(filename))


def xlsx_response(filename: str, header: list[str], rows, title: str = "Sheet1") -> Response:
    """The rows as one worksheet (write-only mode: memory stays flat for long tables)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.append(header)
    for row in rows:
        sheet.append([cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return Response(out.getvalue(), headers=_disposition(filename),
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
