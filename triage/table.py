"""CSV files for the classifier's command line: read columns, join text columns, write results."""

import csv
import os


class TableError(Exception):
    """A CSV file or column that cannot be used, with a message naming it."""


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
            writer.writeheader()
            writer.writerows(rows)
    except OSError as exc:
        raise TableError(f"cannot write {path}: {exc}") from None
