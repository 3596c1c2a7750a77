"""Reading a table row by row from a CSV or XLSX file on disk, never the whole of it in
memory: CSV with the standard library (UTF-8 with or without a byte-order mark, else
GB18030, as Excel saves "CSV" on a Chinese Windows), XLSX with openpyxl in read-only mode
(its rows are streamed from the zip; defusedxml guards the XML)."""

from __future__ import annotations

import codecs
import csv
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

from chalicelib.domain.enterprise_import import FileProblem

Kind = Literal["csv", "xlsx"]

#: The sheet an import reads when a workbook has it (the template's); else the first.
SHEET = "企业名录"
_CHUNK = 1 << 16


def csv_encoding(path: Path) -> str:
    """``utf-8-sig`` (a BOM), ``utf-8`` (every byte decodes) or ``gb18030``; UTF-16 files
    (Excel's "Unicode text") are refused."""
    with path.open("rb") as fh:
        head = fh.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise FileProblem("import_encoding")
        fh.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            for chunk in iter(lambda: fh.read(_CHUNK), b""):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "gb18030"
    return "utf-8"


def _csv_rows(path: Path) -> Iterator[Sequence[object]]:
    encoding = csv_encoding(path)
    try:
        with path.open(encoding=encoding, newline="") as fh:
            yield from csv.reader(fh)
    except UnicodeDecodeError:
        raise FileProblem("import_encoding") from None
    except csv.Error as exc:
        raise FileProblem("import_unreadable", detail=str(exc)[:100]) from None


@contextmanager
def open_rows(path: Path, kind: Kind) -> Iterator[Iterator[Sequence[object]]]:
    """The file's rows, the first being the header; row *n* of the iteration is row *n* of
    the file as a spreadsheet numbers it. Unreadable content is a :class:`FileProblem`."""
    with path.open("rb") as fh:
        is_zip = fh.read(4) == b"PK\x03\x04"
    if kind == "csv":
        if is_zip:
            raise FileProblem("import_content_mismatch", expected="CSV")
        yield _csv_rows(path)
        return
    if not is_zip:
        raise FileProblem("import_content_mismatch", expected="XLSX")
    from openpyxl import load_workbook  # ~100 ms: only the import job pays it
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as exc:
        raise FileProblem("import_unreadable", detail=type(exc).__name__) from None
    try:
        sheet = book[SHEET] if SHEET in book.sheetnames else book.worksheets[0]
        yield _guarded(sheet.iter_rows(min_row=1, values_only=True))
    finally:
        book.close()


def _guarded(rows: Iterator[Sequence[object]]) -> Iterator[Sequence[object]]:
    """A workbook's rows are parsed as they are read: a broken sheet shows only then."""
    try:
        yield from rows
    except (zipfile.BadZipFile, KeyError, ValueError, SyntaxError, OSError) as exc:
        # ElementTree's ParseError is a SyntaxError; defusedxml's refusals are ValueErrors
        raise FileProblem("import_unreadable", detail=type(exc).__name__) from None


# --- writing: what people type is shown as text, never run as a formula ---------------------

#: XlsxWriter's options for every workbook the platform writes: by default it turns a string
#: starting with ``=`` into a live formula and one that looks like a URL into a hyperlink.
WORKBOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False}

#: What makes Excel or WPS read a CSV cell as a formula (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """A CSV cell that a spreadsheet program shows as typed: text starting with ``= + - @``
    (or a tab or carriage return) gets a leading ``'``, which Excel and WPS hide; numbers
    stay numbers."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_row(values: Sequence[object]) -> list[object]:
    """:func:`csv_cell` of each value."""
    return [csv_cell(v) for v in values]
