"""Reading a catalogue file for import: exactly what our exports write, or a clear refusal.

- CSV: UTF-8 (with or without the byte-order mark our export writes), the export's columns (in
  any order, none missing, none added), lists joined with ``; ``. A cell that our export escaped
  (``'=…``, see :func:`opendata.exports.safe_cell`) is read back without its apostrophe; a cell
  that starts a formula unescaped (``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is
  refused with its line and column: our exports never write one, a spreadsheet would run it.
- JSON: a page of ``/resources.json`` or ``/organizations.json`` (its ``results``, each with the
  export's keys). JSON is not a spreadsheet: its text is taken as it is, as the export writes it.

Each row remembers where it was in the file (``dataset.locations``): the line a CSV record starts
on, or the record's place in the JSON ``results``, so that every message can point at it. A CSV
is checked whole, then its rows are read from its text as they are imported (:class:`CsvRows`).
A file that cannot be read at all raises :class:`ImportFileError` with the reason, and nothing is
imported.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from array import array

import tablib
from import_export.formats.base_formats import Format

from .exports import FORMULA_STARTS, RESOURCE_FIELDS
from .organization_exports import ORGANIZATION_FIELDS

MAX_FORMULA_ERRORS = 10  # listed in the message; the rest are counted


class ImportFileError(ValueError):
    """A file that cannot be imported at all, with the reason in words a moderator can act on."""


def check_encoding(data: bytes) -> None:
    """Refuse at once a file that starts as UTF-16 does."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in data[:4]:
        raise ImportFileError(
            "The file is UTF-16 (or another two-byte encoding), not UTF-8. Save it as "
            "“CSV UTF-8” (or UTF-8 text) and import it again; our exports are UTF-8."
        )


def decode(data: bytes) -> str:
    """The file's text, if it is UTF-8; else a refusal that says what it seems to be instead."""
    check_encoding(data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ImportFileError(
            f"The file is not UTF-8: line {line} has the byte 0x{data[error.start]:02X}, which "
            "UTF-8 does not allow (it looks like Latin-1 or Windows-1252). Save it as “CSV "
            "UTF-8” (or UTF-8 text) and import it again; our exports are UTF-8."
        ) from None
    if "\x00" in text:
        raise ImportFileError("The file contains NUL characters: it is not a text file.")
    return text


def check_columns(found: list[str], expected: list[str], what: str) -> None:
    missing = [name for name in expected if name not in found]
    extra = [name for name in found if name not in expected]
    repeated = sorted({name for name in found if found.count(name) > 1})
    problems = []
    if missing:
        problems.append(f"missing {', '.join(missing)}")
    if extra:
        problems.append(f"not ours: {', '.join(repr(name) for name in extra)}")
    if repeated:
        problems.append(f"given twice: {', '.join(repeated)}")
    if problems:
        raise ImportFileError(
            f"These are not the columns of our {what} export ({'; '.join(problems)}). The file "
            f"needs exactly these: {', '.join(expected)}."
        )


def formula(cell: str, line: int, column: str, position: int, problems: list[str]) -> None:
    """Note a cell that starts a formula (unescaped: our export never writes one)."""
    if len(problems) < MAX_FORMULA_ERRORS:
        shown = cell[:40].encode("unicode_escape").decode()
        problems.append(f"line {line}, column {position} ({column}): “{shown}”")
    else:
        problems.append("")


class Locations:
    """Where each row is in the file, as a message says it ("line 12", "record 3"), from the
    numbers alone."""

    def __init__(self, unit: str, numbers):
        self.unit, self.numbers = unit, numbers

    def __len__(self):
        return len(self.numbers)

    def __getitem__(self, index: int) -> str:
        return f"{self.unit} {self.numbers[index]}"


def lines_of(data: bytes):
    """The file's text, decoded as it is read (the whole text is never held)."""
    return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")


class CsvRows:
    """The rows of a CSV file that has been checked, read again from its bytes each time they
    are gone through (twice: the checks before the rows, then the rows) rather than held as
    Python objects: memory does not grow with the rows beyond the file itself."""

    def __init__(self, data: bytes, headers: list[str], lines: array):
        self.data, self.headers = data, headers
        self.locations = Locations("line", lines)

    def __len__(self):
        return len(self.locations)

    def __iter__(self):
        reader = csv.reader(lines_of(self.data), strict=True)
        next(reader)
        for cells in reader:
            if any(cell.strip() for cell in cells):
                yield [cell[1:] if escaped(cell) else cell for cell in cells]


def escaped(cell: str) -> bool:
    """Whether a cell is text that our CSV export escaped ('=…): read without its apostrophe."""
    return cell.startswith("'") and cell[1:2] != "" and cell[1] in FORMULA_STARTS


def read_csv(data: bytes, expected: list[str], what: str) -> CsvRows:
    reader = csv.reader(lines_of(data), strict=True)
    try:
        header = next(reader, None)
        if header is None:
            raise ImportFileError("The file is empty.")
        check_columns(header, expected, what)
        lines, problems, line = array("I"), [], reader.line_num
        for cells in reader:
            start, line = line + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue  # a blank line
            if len(cells) != len(header):
                raise ImportFileError(
                    f"Line {start} has {len(cells)} cells where the header has {len(header)}: "
                    "the file is not a well-formed CSV export (a quote left open, a separator "
                    "other than the comma?)."
                )
            for n, cell in enumerate(cells):
                if cell.startswith(FORMULA_STARTS):
                    formula(cell, start, header[n], n + 1, problems)
            lines.append(start)
    except csv.Error as error:
        raise ImportFileError(
            f"The file is not well-formed CSV: line {reader.line_num}: {error}."
        ) from None
    except UnicodeDecodeError:
        decode(data)  # says where, and what the file seems to be instead
        raise
    if problems:
        shown = [problem for problem in problems if problem]
        more = len(problems) - len(shown)
        raise ImportFileError(
            "Cells that start with =, +, -, @, a tab or a carriage return would run as formulas "
            "in a spreadsheet; our exports write them with a leading apostrophe ('=…). Nothing "
            "was imported. Found: " + "; ".join(shown) + (f"; and {more} more." if more else ".")
        )
    return CsvRows(data, header, lines)


def read_json(data: bytes, expected: list[str], what: str) -> tablib.Dataset:
    try:
        page = json.loads(decode(data))
    except json.JSONDecodeError as error:
        raise ImportFileError(
            f"The file is not valid JSON: line {error.lineno}, column {error.colno}: {error.msg}."
            " (Is it a CSV file? Then choose the CSV format.)"
        ) from None
    results = page.get("results") if isinstance(page, dict) else None
    if not isinstance(results, list):
        raise ImportFileError(
            f"This is not a page of our {what} export: a JSON object with the list of "
            "“results” is expected (as /resources.json and /organizations.json give)."
        )
    dataset = tablib.Dataset(headers=expected)
    for n, record in enumerate(results, 1):
        if not isinstance(record, dict):
            raise ImportFileError(f"Record {n} of “results” is not an object.")
        try:
            check_columns(list(record), expected, what)
        except ImportFileError as error:
            raise ImportFileError(f"Record {n} of “results”: {error}") from None
        dataset.append([record[name] for name in expected])
    dataset.locations = Locations("record", range(1, len(results) + 1))
    return dataset


class CatalogueFormat(Format):
    """A file format django-import-export offers on the import form, read by our rules. Read as
    bytes (``is_binary``), so that a wrong encoding is told as such and not as a crash."""

    title = ""
    extension = ""
    reader = None

    def __init__(self, encoding=None):
        self.encoding = encoding

    def get_title(self):
        return self.title

    def get_extension(self):
        return self.extension

    def can_import(self):
        return True

    def create_dataset(self, in_stream):
        data = in_stream.encode() if isinstance(in_stream, str) else in_stream
        columns, what = self.columns
        check_encoding(data)
        dataset = type(self).reader(data, columns, what)
        if not len(dataset):
            raise ImportFileError(f"The file has no {what} in it, only its column names.")
        return dataset


def formats(columns: list[str], what: str) -> list[type[CatalogueFormat]]:
    """The two formats, CSV and JSON, of one export's ``columns``."""
    return [
        type(f"{title}{what.title()}", (CatalogueFormat,),
             {"title": title, "extension": title.lower(), "reader": staticmethod(reader),
              "columns": (columns, what)})
        for title, reader in [("CSV", read_csv), ("JSON", read_json)]
    ]  # fmt: skip


RESOURCE_FORMATS = formats(RESOURCE_FIELDS, "resources")
ORGANIZATION_FORMATS = formats(ORGANIZATION_FIELDS, "organisations")
