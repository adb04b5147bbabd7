"""CSV files for the classifier's command line: read columns, join text columns, write results; and the one rule
for every cell GridWatch writes into a table (``safe_cell``: nothing a spreadsheet would run as a formula)."""

import csv
import os
from datetime import date, datetime
from numbers import Number


class TableError(Exception):
    """A CSV file or column that cannot be used, with a message naming it."""


# A cell starting with one of these is a formula (or becomes one) in Excel, LibreOffice and Google Sheets (OWASP
# "CSV injection"): such text gets a leading apostrophe, which spreadsheets show as text and do not evaluate.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A value as a table cell: numbers stay numbers (a negative number is not a formula), dates become ISO 8601
    text, and text a spreadsheet would evaluate (``=``, ``+``, ``-``, ``@``, tab, carriage return) gets a ``'``."""
    if value is None or isinstance(value, (bool, Number)):
        return value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    text = value if isinstance(value, str) else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


# Tried in order: UTF-8 (with or without a byte-order mark), then the Chinese national encoding.
ENCODINGS = ("utf-8-sig", "gb18030")


def read_rows(path) -> tuple[list[str], list[dict]]:
    """Return the header and rows of a CSV file, raising TableError when unreadable."""
    for encoding in ENCODINGS:
        try:
            with open(path, encoding=encoding, newline="") as f:
                reader = csv.DictReader(f)
                rows = list(reader)
                header = list(reader.fieldnames or [])
            break
        except UnicodeDecodeError:
            continue
        except FileNotFoundError:
            raise TableError(f"input file not found: {path}") from None
        except (OSError, csv.Error) as exc:
            raise TableError(f"cannot read {path}: {exc}") from None
    else:
        raise TableError(f"cannot decode {path} as UTF-8 or GB18030")
    if not header:
        raise TableError(f"{path} has no header row")
    return header, rows


def columns(spec: str, header: list[str], path, option: str) -> list[str]:
    """Return the column names in a comma-separated spec, checking each is in the header."""
    names = [c.strip() for c in spec.split(",") if c.strip()]
    if not names:
        raise TableError(f"{option} names no column")
    missing = [c for c in names if c not in header]
    if missing:
        raise TableError(
            f"column {', '.join(map(repr, missing))} not in {path} ({option}); "
            f"its columns are: {', '.join(header)}")
    return names


def texts(rows: list[dict], names: list[str]) -> list[str]:
    """Return each row's text: the named columns' non-empty values joined by newlines."""
    return ["\n".join(v for v in ((row.get(c) or "").strip() for c in names) if v) for row in rows]


def write_rows(path, header: list[str], rows: list[dict]) -> None:
    """Write rows as UTF-8 CSV with the given header, creating the parent folder."""
    parent = os.path.dirname(os.fspath(path))
    if parent:
        os.makedirs(parent, exist_ok=True)
    try:
        with open(path, "w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=header, extrasaction="ignore")
            writer.writerow({name: safe_cell(name) for name in header})
            writer.writerows({k: safe_cell(v) for k, v in row.items()} for row in rows)
    except OSError as exc:
        raise TableError(f"cannot write {path}: {exc}") from None
