"""The one writer of every table GridWatch hands out (the API's and the admin web's CSV and XLSX exports, the
``gridwatch`` commands' CSV files): every cell goes through ``triage.table.safe_cell``, so that no text a resident
typed can run as a spreadsheet formula (``=HYPERLINK(...)``, ``@SUM(...)``, ``+``, ``-``, tab, carriage return)."""
import csv
import io
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import TextIO

from triage.table import FORMULA_START, safe_cell

from server.web.localtime import XLSX_FORMAT, naive_city

__all__ = ["FORMULA_START", "safe_cell", "safe_row", "csv_lines", "write_csv", "xlsx_bytes", "XLSX_MIMETYPE"]

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOM = "\ufeff"  # Excel reads a UTF-8 file as UTF-8 (Chinese text) only with it


def safe_row(values: Iterable) -> list:
    """Every value of a row as a safe cell."""
    return [safe_cell(v) for v in values]


def _take(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def _writer(buffer: TextIO):
    return csv.writer(buffer, lineterminator="\r\n")


def csv_lines(header: Iterable[str], rows: Iterable[Iterable], *, bom: bool = True,
              chunk_bytes: int = 0) -> Iterator[str]:
    """CSV text (RFC 4180, CRLF), the header first: one string per row, or per ``chunk_bytes`` of text."""
    buffer = io.StringIO()
    writer = _writer(buffer)
    if bom:
        buffer.write(BOM)
    writer.writerow(safe_row(header))
    yield _take(buffer)  # the header before any row is read
    for row in rows:
        writer.writerow(safe_row(row))
        if buffer.tell() >= chunk_bytes:
            yield _take(buffer)
    if buffer.tell():
        yield _take(buffer)


def write_csv(file: TextIO, header: Iterable[str], rows: Iterable[Iterable]) -> int:
    """Write a CSV file (open it with ``newline=""``); returns the number of rows."""
    writer = _writer(file)
    writer.writerow(safe_row(header))
    count = 0
    for row in rows:
        writer.writerow(safe_row(row))
        count += 1
    return count


def xlsx_bytes(header: Iterable[str], rows: Iterable[Iterable], title: str = "Sheet1") -> bytes:
    """One worksheet as an XLSX file (write-only mode: memory stays flat for long tables). Numbers stay numbers;
    datetimes are real dates (XLSX has no zones: an aware one is written as the city's wall-clock time); text is
    never a formula (openpyxl would store a string starting with ``=`` as one)."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, WriteOnlyCell

    def date_cell(value: datetime):
        found = WriteOnlyCell(sheet, value=naive_city(value) if value.tzinfo is not None else value)
        found.number_format = XLSX_FORMAT
        return found

    def cells(values):  # control characters XML 1.0 forbids cannot go into the file: dropped (before the check)
        return [date_cell(v) if isinstance(v, datetime) else safe_cell(ILLEGAL_CHARACTERS_RE.sub("", v))
                if isinstance(v, str) else safe_cell(v) for v in values]

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31] or "Sheet1")
    sheet.append(cells(header))
    for row in rows:
        sheet.append(cells(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
