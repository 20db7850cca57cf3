"""Turn an uploaded file into a header row and data rows, refusing dangerous or unreadable files.

Every reader streams: a 100,000-row file is never held in memory at once. XLSX files are checked as
zip archives before openpyxl sees them (entry count, declared uncompressed size, compression ratio,
no XML document type declarations), opened read-only, and formulas are reported, never evaluated.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from . import messages as M
from .messages import ImportProblem

# The documented upload limit; deployments may change it with the KAWASAKI_IMPORT_MAX_BYTES setting.
MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_ROWS = 200_000
XLSX_MAX_ENTRIES = 1_000
XLSX_MAX_UNCOMPRESSED = 512 * 1024 * 1024
XLSX_MAX_RATIO = 200
FORMULA = object()  # a cell value standing for "this cell holds a formula"

# Limits that keep a hostile file from driving the parser into the ground (memory, recursion): each is
# reported with the row it was met in. A patent's longest text (its claims) fits well within a cell.
MAX_CELL_CHARS = 100_000
MAX_COLUMNS = 200
MAX_LINE_CHARS = 1_000_000  # one JSON Lines record
MAX_JSON_DEPTH = 20  # a record is an object of values and lists: two levels are enough

csv.field_size_limit(MAX_CELL_CHARS)


def row_problem(row: int, message: str, **params) -> ImportProblem:
    """A problem of one row that the reader met; the validator reports it as that row's problem."""
    return ImportProblem(row, "", message, params)


class FileRefused(Exception):
    """The whole file cannot be imported; carries the problem to show."""

    def __init__(self, problem: ImportProblem):
        super().__init__(problem.message)
        self.problem = problem


def _refuse(message: str, row: int = 0, **params) -> FileRefused:
    return FileRefused(ImportProblem(row, "", message, params))


@dataclass
class RowSource:
    """An opened file: its format, encoding, header row, an estimate of its rows, and the rows."""

    file_format: str
    encoding: str
    header_row: int
    headers: list[str]
    estimated_rows: int
    # (row number as the user sees it, cell values), or the problem that refused the row.
    rows: Iterator[tuple[int, list | ImportProblem | None]]
    close: Callable[[], None] = lambda: None


def max_file_bytes() -> int:
    """The portfolio import's cap: kawasaki.uploads, KAWASAKI_UPLOAD_MAX_BYTES["portfolio_import"]."""
    from kawasaki.uploads import max_bytes

    return max_bytes("portfolio_import")


def detect_format(path: Path, name: str) -> str:
    with open(path, "rb") as fh:
        head = fh.read(4)
    suffix = Path(name).suffix.lower()
    if head.startswith(b"PK\x03\x04"):
        if suffix in (".xlsx", ".xlsm", ""):
            return "xlsx"
        raise _refuse(M.FILE_TYPE)
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    if suffix in (".csv", ".txt", ".tsv", ""):
        return "csv"
    raise _refuse(M.FILE_TYPE)


def open_rows(path: str | Path, name: str) -> RowSource:
    """Open a stored upload. Raises FileRefused for a file that cannot be imported at all."""
    path = Path(path)
    size = path.stat().st_size
    if size > max_file_bytes():
        raise _refuse(M.FILE_TOO_LARGE, max_mb=round(max_file_bytes() / (1024 * 1024), 1))
    if size == 0:
        raise _refuse(M.FILE_EMPTY)
    file_format = detect_format(path, name)
    if file_format == "xlsx":
        return _open_xlsx(path)
    if file_format == "jsonl":
        return _open_jsonl(path)
    return _open_csv(path)


# --- CSV ------------------------------------------------------------------------------------------


def sniff_encoding(sample: bytes) -> str:
    """UTF-8 with BOM, UTF-8, or cp932 (Shift_JIS as Windows writes it), judged on the first bytes."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    for encoding in ("utf-8", "cp932"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
        except UnicodeDecodeError:
            continue
        return encoding
    raise _refuse(M.FILE_ENCODING)


def _count_lines(path: Path) -> int:
    count = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            count += chunk.count(b"\n")
    return count


def _first_undecodable_line(path: Path, encoding: str) -> int | None:
    """The physical line where decoding fails (the text layer reads ahead, so its position is vague)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    with open(path, "rb") as fh:
        for number, line in enumerate(fh, start=1):
            try:
                decoder.decode(line)
            except UnicodeDecodeError:
                return number
    return None


def _open_csv(path: Path) -> RowSource:
    with open(path, "rb") as fh:
        sample = fh.read(1 << 16)
    encoding = sniff_encoding(sample)
    first_line = sample.split(b"\n", 1)[0]
    delimiter = "\t" if b"\t" in first_line and b"," not in first_line else ","
    binary = open(path, "rb")  # noqa: SIM115 - closed by RowSource.close
    text = io.TextIOWrapper(binary, encoding=encoding, newline="")
    reader = csv.reader(text, delimiter=delimiter)
    row_number = 0

    def next_row() -> list[str] | None:
        nonlocal row_number
        try:
            row = next(reader)
        except StopIteration:
            return None
        except UnicodeDecodeError:
            bad = _first_undecodable_line(path, encoding) or row_number + 1
            raise _refuse(M.FILE_DECODE_ROW, row=bad, encoding=encoding) from None
        except csv.Error as error:
            if "field larger than field limit" in str(error):
                raise _refuse(M.CELL_TOO_LARGE, row=row_number + 1, max=MAX_CELL_CHARS) from None
            raise _refuse(M.FILE_CSV, row=row_number + 1, detail=str(error)) from None
        row_number += 1
        return row

    header = next_row()
    # Google Patents puts the search URL on the first line, the headers on the second.
    if header and header[0].strip().lower().startswith("search url"):
        header = next_row()
    while header is not None and not any(c.strip() for c in header):
        header = next_row()
    if header is None:
        text.close()
        raise _refuse(M.FILE_EMPTY)
    header_row = row_number
    if len(header) > MAX_COLUMNS:
        text.close()
        raise _refuse(M.TOO_MANY_COLUMNS, row=header_row, max=MAX_COLUMNS)

    def rows() -> Iterator[tuple[int, list]]:
        while (row := next_row()) is not None:
            if len(row) > MAX_COLUMNS:
                yield row_number, row_problem(row_number, M.TOO_MANY_COLUMNS, max=MAX_COLUMNS)
            elif any(c.strip() for c in row):
                yield row_number, row

    return RowSource(
        "csv", encoding, header_row, header, max(0, _count_lines(path) - header_row), rows(), text.close
    )


# --- XLSX -----------------------------------------------------------------------------------------


def check_xlsx_archive(path: Path) -> None:
    """Refuse zip bombs and XML with DTDs before any XML parser runs."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise _refuse(M.XLSX_BROKEN) from None
    with archive:
        entries = archive.infolist()
        if len(entries) > XLSX_MAX_ENTRIES:
            raise _refuse(M.XLSX_TOO_MANY, count=len(entries), max=XLSX_MAX_ENTRIES)
        total = sum(e.file_size for e in entries)
        if total > XLSX_MAX_UNCOMPRESSED:
            raise _refuse(
                M.XLSX_TOO_BIG, size_mb=total // (1024 * 1024), max_mb=XLSX_MAX_UNCOMPRESSED // (1024 * 1024)
            )
        for entry in entries:
            if entry.file_size > 1024 * 1024 and entry.file_size > XLSX_MAX_RATIO * max(
                entry.compress_size, 1
            ):
                raise _refuse(M.XLSX_RATIO, name=entry.filename)
            if entry.filename.endswith((".xml", ".rels", ".vml")):
                # A DTD can only come before the root element, so the first bytes tell.
                try:
                    with archive.open(entry) as member:
                        head = member.read(4096)
                except (zipfile.BadZipFile, OSError, NotImplementedError):
                    raise _refuse(M.XLSX_BROKEN) from None
                if b"<!DOCTYPE" in head.upper() or b"<!ENTITY" in head.upper():
                    raise _refuse(M.XLSX_DTD)


def _open_xlsx(path: Path) -> RowSource:
    check_xlsx_archive(path)
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=False, keep_links=False)
        sheet = workbook.worksheets[0]
    except Exception:  # openpyxl raises many types for a broken file
        raise _refuse(M.XLSX_BROKEN) from None

    def cell_value(cell):
        if getattr(cell, "data_type", None) == "f":
            return FORMULA
        return cell.value

    # A row holds at most Excel's 16,384 cells, so reading it whole is bounded; values past the
    # accepted columns name the row.
    iterator = sheet.iter_rows()

    def limit_problem(number: int, values: list) -> ImportProblem | None:
        if any(v not in (None, "") for v in values[MAX_COLUMNS:]):
            return row_problem(number, M.TOO_MANY_COLUMNS, max=MAX_COLUMNS)
        if any(isinstance(v, str) and len(v) > MAX_CELL_CHARS for v in values):
            return row_problem(number, M.CELL_TOO_LARGE, max=MAX_CELL_CHARS)
        return None

    header = None
    header_row = 0
    for cells in iterator:
        header_row += 1
        values = [cell_value(c) for c in cells]
        if any(v not in (None, "") for v in values):
            if (problem := limit_problem(header_row, values)) is not None:
                workbook.close()
                raise FileRefused(problem)
            header = ["" if v is None or v is FORMULA else str(v) for v in values[:MAX_COLUMNS]]
            break
    if header is None:
        workbook.close()
        raise _refuse(M.FILE_EMPTY)

    def rows() -> Iterator[tuple[int, list]]:
        number = header_row
        for cells in iterator:
            number += 1
            values = [cell_value(c) for c in cells]
            if any(v not in (None, "") for v in values):
                problem = limit_problem(number, values)
                yield number, problem if problem is not None else values[:MAX_COLUMNS]

    estimated = max(0, (sheet.max_row or 0) - header_row)
    return RowSource("xlsx", "", header_row, header, estimated, rows(), workbook.close)


# --- JSON Lines -----------------------------------------------------------------------------------


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_JSON_BRACKET = re.compile(r"[\[\]{}]")


def json_depth(line: str) -> int:
    """How deeply the brackets of a JSON text nest (those inside strings do not count)."""
    if line.count("[") + line.count("{") <= MAX_JSON_DEPTH:
        return min(line.count("[") + line.count("{"), MAX_JSON_DEPTH)  # cannot be deeper: no scan needed
    depth = deepest = 0
    for bracket in _JSON_BRACKET.finditer(_JSON_STRING.sub("", line)):
        depth += 1 if bracket.group() in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


class _TooLong(str):
    """A line cut at MAX_LINE_CHARS: the rest of it was skipped unread into memory."""


def _bounded_lines(text) -> Iterator[tuple[int, str]]:
    """(line number, line) like enumerate(text, 1), but a line never holds more than MAX_LINE_CHARS."""
    number = 0
    while True:
        line = text.readline(MAX_LINE_CHARS + 1)
        if not line:
            return
        number += 1
        if len(line) > MAX_LINE_CHARS and not line.endswith("\n"):
            while (rest := text.readline(MAX_LINE_CHARS)) and not rest.endswith("\n"):
                pass
            yield number, _TooLong("")
            continue
        yield number, line


def _parse_line(number: int, line: str) -> dict | ImportProblem | None:
    """The object on one line, the problem that refused it, or None when it is not a JSON object."""
    if isinstance(line, _TooLong):
        return row_problem(number, M.LINE_TOO_LONG, max=MAX_LINE_CHARS)
    if json_depth(line) > MAX_JSON_DEPTH:
        return row_problem(number, M.JSON_TOO_DEEP, max=MAX_JSON_DEPTH)
    try:
        obj = json.loads(line)
    except (ValueError, RecursionError):
        return None
    return obj if isinstance(obj, dict) else None


def _open_jsonl(path: Path) -> RowSource:
    with open(path, "rb") as fh:
        encoding = sniff_encoding(fh.read(1 << 16))
    text = open(path, encoding=encoding)  # noqa: SIM115 - closed by RowSource.close
    lines = _bounded_lines(text)
    first = None
    try:
        for number, line in lines:
            if line.strip():
                first = (number, line)
                break
    except UnicodeDecodeError:
        text.close()
        raise _refuse(M.FILE_ENCODING) from None
    if first is None:
        text.close()
        raise _refuse(M.FILE_EMPTY)
    first_obj = _parse_line(*first)
    if isinstance(first_obj, ImportProblem):
        text.close()
        raise FileRefused(first_obj)
    if not isinstance(first_obj, dict):
        text.close()
        raise _refuse(M.JSON_LINE, row=first[0])
    headers = list(first_obj.keys())
    if len(headers) > MAX_COLUMNS:
        text.close()
        raise _refuse(M.TOO_MANY_COLUMNS, row=first[0], max=MAX_COLUMNS)

    def values_of(obj: dict) -> list:
        return [obj.get(h) for h in headers]

    def rows() -> Iterator[tuple[int, list]]:
        yield first[0], values_of(first_obj)
        number = first[0]
        while True:
            try:
                number, line = next(lines)
            except StopIteration:
                return
            except UnicodeDecodeError:
                raise _refuse(M.FILE_DECODE_ROW, row=number + 1, encoding=encoding) from None
            if not isinstance(line, _TooLong) and not line.strip():
                continue
            obj = _parse_line(number, line)
            if isinstance(obj, ImportProblem):
                yield number, obj
            elif obj is None:
                # Reported as a row problem by the validator through a sentinel row.
                yield number, None
            else:
                yield number, values_of(obj)

    # The first object names the columns; the header row number is that of the first object.
    return RowSource("jsonl", encoding, 0, headers, _count_lines(path), rows(), text.close)
