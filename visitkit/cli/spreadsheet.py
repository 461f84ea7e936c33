"""Spreadsheets of profiles (CSV and XLSX): reading and writing rows, cells as profile values and back.

One row per organisation; each column header is a dotted profile path (``brand.primary``,
``policies.fee_differences.es``, ``contact.social.Facebook``), plus ``id``. Lists are one cell, items
separated by ``;`` (localizable items: one column per locale, the same number of items in each).

A spreadsheet is untrusted in both directions. On export a text cell that a spreadsheet program would
run as a formula, or that starts with a character that can begin one (``=``, ``+``, ``-``, ``@``, tab,
carriage return), gets an apostrophe in front (``'=SUM(A1)``) — and so does a text that starts with an
apostrophe itself; on import one leading apostrophe is removed. So every exported value comes back
exactly, and a value that really starts with an apostrophe must be typed with two. An XLSX cell that
holds a formula is refused on import (its value would be whatever the program last computed).
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from visitkit.cli import fields

MAX_SPREADSHEET_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_ROWS = 100_000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")  # the apostrophe too, so that un-neutralising is exact
LIST_SEPARATOR = ";"
FORMATS = (".csv", ".xlsx")


class SheetError(ValueError):
    """The file cannot be read as a spreadsheet of profiles: one line."""


class FormulaCell(str):
    """The text of an XLSX formula cell (refused on import, reported with its column)."""


# ------------------------------------------------------------ cells


def neutralise(text: str) -> str:
    """A cell a spreadsheet program shows as text and never runs (see the module's documentation)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def unneutralise(text: str) -> str:
    return text[1:] if text.startswith("'") else text


# ------------------------------------------------------------ files


def read(path: Path) -> list[tuple[int, dict[str, str]]]:
    """(row number as a spreadsheet program shows it, header → cell text) for every row with a value.

    Cells are text, un-neutralised; empty cells are left out. Raises ``SheetError``.
    """
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise SheetError(f"{path}: expected a .csv or .xlsx file, got {path.suffix or 'no extension'}")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SheetError(f"{path}: cannot be read ({exc.strerror})") from None
    if size > MAX_SPREADSHEET_BYTES:
        raise SheetError(f"{path}: expected a file of at most {MAX_SPREADSHEET_BYTES} bytes, got {size} bytes")
    try:
        return _rows(path, _read_csv(path) if suffix == ".csv" else _read_xlsx(path))
    except csv.Error as exc:  # e.g. a cell longer than the csv module's field limit (128 KB)
        raise SheetError(f"{path}: expected CSV, got a file that cannot be read ({exc})") from None


def _rows(path: Path, rows: Iterator[list[Any]]) -> list[tuple[int, dict[str, str]]]:
    try:
        header = next(rows)
    except StopIteration:
        raise SheetError(
            f"{path}: expected a header row of profile paths (id, name, vertical, …), got an empty file"
        ) from None
    names = [(_text(cell) or "").strip() for cell in header]
    seen: set[str] = set()
    for name in names:
        if name and name in seen:
            raise SheetError(f"{path}:1: column {name!r} appears twice")
        seen.add(name)
    found: list[tuple[int, dict[str, str]]] = []
    for number, row in enumerate(rows, start=2):
        if number > MAX_ROWS + 1:
            raise SheetError(f"{path}: expected at most {MAX_ROWS} rows, got more")
        cells: dict[str, str] = {}
        for name, cell in zip(names, row, strict=False):
            text = _text(cell)
            if name and text is not None and text.strip():
                cells[name] = text if isinstance(text, FormulaCell) else unneutralise(text)
        extra = [cell for cell in row[len(names) :] if _text(cell)]
        if extra:
            raise SheetError(f"{path}:{number}: a value beyond the last column ({_text(extra[0])!r})")
        if cells:
            found.append((number, cells))
    return found


def _read_csv(path: Path):
    try:
        text = path.read_bytes().decode("utf-8-sig")  # with or without the BOM Excel writes
    except UnicodeDecodeError as exc:
        raise SheetError(f"{path}: expected UTF-8 text, got the byte 0x{exc.object[exc.start]:02X}") from None
    yield from csv.reader(io.StringIO(text, newline=""))


def _read_xlsx(path: Path):
    import zipfile

    import openpyxl

    try:
        with zipfile.ZipFile(path) as package:  # a small file that unpacks to gigabytes is refused unread
            unpacked = sum(info.file_size for info in package.infolist())
        book = None if unpacked > MAX_UNPACKED_BYTES else openpyxl.load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise SheetError(f"{path}: expected an XLSX workbook, got a file that cannot be opened ({exc})") from None
    if book is None:
        raise SheetError(f"{path}: expected a workbook of at most {MAX_UNPACKED_BYTES} bytes unpacked, got {unpacked}")
    try:
        sheet = book.worksheets[0]
        for row in sheet.iter_rows():
            yield [FormulaCell(cell.value) if cell.data_type == "f" else cell.value for cell in row]
    except Exception as exc:  # openpyxl and lxml raise many kinds for a broken workbook
        raise SheetError(f"{path}: expected an XLSX workbook, got one that cannot be read ({exc})") from None
    finally:
        book.close()


def _text(value: Any) -> str | None:
    """A cell's value as the text a profile gets (numbers typed into a spreadsheet become their digits)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return str(value)


def write(path: Path, header: list[str], rows: list[list[str]]) -> bytes:
    """The bytes of a spreadsheet of ``rows`` (cells neutralised here), in the format ``path`` names."""
    cells = [header] + [[neutralise(cell) for cell in row] for row in rows]
    if path.suffix.lower() == ".csv":
        out = io.StringIO(newline="")
        csv.writer(out, lineterminator="\r\n").writerows(cells)
        return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM: Excel reads the file as UTF-8
    return _xlsx(cells)


def _xlsx(cells: list[list[str]]) -> bytes:
    """An XLSX workbook of text cells, byte-reproducible: fixed document dates, entries re-zipped without times."""
    import zipfile

    import openpyxl
    from openpyxl.cell.cell import TYPE_STRING

    from visitkit.zipfiles import MS_DOS, reproducible_zip

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "profiles"
    for r, row in enumerate(cells, start=1):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c)
            cell.value = value
            cell.data_type = TYPE_STRING  # text, never a formula (neutralised cells start with "'")
    sheet.freeze_panes = "A2"
    raw = io.BytesIO()
    book.save(raw)
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as package:
        entries = [(info.filename, package.read(info)) for info in package.infolist()]
    fixed = []
    for name, data in entries:
        if name == "docProps/core.xml":  # openpyxl stamps the clock here
            data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>2026-01-01T00:00:00Z", data)
        fixed.append((name, data))
    return reproducible_zip(fixed, system=MS_DOS)


# ------------------------------------------------------------ rows ↔ profile data


def flatten(data: dict[str, Any]) -> dict[str, str]:
    """A profile's data (as read from its YAML) as cells: dotted path → text. Raises ``ValueError``."""
    cells: dict[str, str] = {}
    every = fields.by_path()

    def walk(value: Any, path: tuple[str, ...]) -> None:
        dotted = ".".join(path)
        if isinstance(value, dict):
            for key, inner in value.items():
                if not isinstance(key, str) or "." in key or not key:
                    raise ValueError(f"{dotted}: a key {key!r} cannot be a column name")
                walk(inner, (*path, key))
        elif isinstance(value, list):
            field = every.get(path)
            if field is None or not field.is_list:
                raise ValueError(f"{dotted}: a list where the schema has none")
            if all(isinstance(item, dict) for item in value) and value:
                for code in dict.fromkeys(code for item in value for code in item):
                    cells[f"{dotted}.{code}"] = _joined([item.get(code, "") for item in value], dotted)
            else:
                cells[dotted] = _joined(value, dotted)
        elif value is None:
            return
        elif isinstance(value, bool):
            cells[dotted] = "true" if value else "false"
        else:
            cells[dotted] = str(value)

    walk(data, ())
    return cells


def _joined(items: list[Any], dotted: str) -> str:
    texts = [str(item) for item in items]
    if any(LIST_SEPARATOR in text or not text.strip() for text in texts):
        raise ValueError(f"{dotted}: a list item that is empty or holds {LIST_SEPARATOR!r} cannot be a cell")
    return f"{LIST_SEPARATOR} ".join(texts)


def unflatten(cells: dict[str, str]) -> tuple[dict[str, Any], list[str]]:
    """Profile data from a row's cells (besides ``id``), and the problems (``<column>: …``) found on the way."""
    every = fields.by_path()
    data: dict[str, Any] = {}
    problems: list[str] = []
    for column, text in cells.items():
        if column == "id":
            continue
        if isinstance(text, FormulaCell):
            problems.append(f"{column}: expected a value, got a formula ({text[:60]!r})")
            continue
        path = tuple(part.strip() for part in column.split("."))
        if not all(path):
            problems.append(f"{column}: expected a column name like brand.primary (a profile path), got {column!r}")
            continue
        node = data
        for part in path[:-1]:
            if not isinstance(node.get(part, {}), dict):
                break
            node = node.setdefault(part, {})
        else:
            if path[-1] in node:
                problems.append(f"{column}: the same field as another column")
                continue
            node[path[-1]] = text
            continue
        problems.append(f"{column}: a column inside another column's value ({'.'.join(path[:-1])})")
    for path, field in every.items():
        parent = _get(data, path[:-1])
        if not isinstance(parent, dict) or path[-1] not in parent:
            continue
        value = parent[path[-1]]
        if field.is_list:
            parent[path[-1]], problem = _list(value, field.dotted)
            if problem:
                problems.append(problem)
        elif field.is_bool and isinstance(value, str) and value.strip().lower() in ("true", "false"):
            parent[path[-1]] = value.strip().lower() == "true"
    return data, problems


def _get(data: dict[str, Any], path: tuple[str, ...]) -> Any:
    node: Any = data
    for part in path:
        node = node.get(part) if isinstance(node, dict) else None
    return node


def _split(text: str) -> list[str]:
    return [item.strip() for item in text.split(LIST_SEPARATOR) if item.strip()]


def _list(value: Any, dotted: str) -> tuple[Any, str | None]:
    """A list cell (``a; b``), or one list cell per locale zipped into localized items."""
    if isinstance(value, str):
        return _split(value), None
    if isinstance(value, dict) and all(isinstance(v, str) for v in value.values()):
        per_locale = {code: _split(text) for code, text in value.items()}
        counts = {len(items) for items in per_locale.values()}
        if len(counts) > 1:
            got = ", ".join(f"{len(items)} ({code})" for code, items in per_locale.items())
            return value, f"{dotted}: expected the same number of items in each locale's column, got {got}"
        return [dict(zip(per_locale, items, strict=True)) for items in zip(*per_locale.values(), strict=True)], None
    return value, None
