"""A workbook's cells as plain text: an .xlsx or .ods file (read by python-calamine) or a folder
of .csv files, one per sheet.

What a spreadsheet program does to a typed value is undone here, so that a sheet edited in
LibreOffice or Excel reads as the same text as the plain values: a number typed as a number
(42.0) is `42`, a date cell in a date column is `YYYY-MM-DD`, leading and trailing spaces go,
empty rows are skipped, a formula counts by the value it shows (its cached value). A date in a
text column is refused (a spreadsheet turns `2016-10-21` or `1/2` into a date on its own).

A workbook is input from people outside the code: it is bounded before it is parsed (the file's
size, and the size of the XML it unpacks to, under $KRAKOW_CLUSTERS_MAX_FILE_SIZE; its cells
under $KRAKOW_CLUSTERS_MAX_WORKBOOK_CELLS), and a password-protected, corrupt or unknown file is
refused in one line (CouldNotRun, exit 2).
"""

from __future__ import annotations

import csv
import datetime
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import python_calamine

from ..errors import CouldNotRun, one_line
from ..files import check_input_file
from ..limits import MAX_FILE, MAX_WORKBOOK_CELLS
from .sheets import Sheet

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an encrypted OOXML file, or an old .xls
SUFFIXES = (".xlsx", ".ods")


def cell_name(column: int, row: int) -> str:
    """`C7` for the third column of the seventh row (both from 1)."""
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return f"{letters}{row}"


@dataclass
class Row:
    """One row of a sheet: its number in the sheet (from 1, the header is row 1) and its
    cells as text (None when empty), with where each column is."""

    sheet: str
    number: int
    cells: dict[str, str | None]
    positions: dict[str, int]
    bad: set[str] = field(default_factory=set)  # columns whose cell was refused as it is

    def where(self, column: str | None = None) -> str:
        """`clusters!C7`, or `clusters!7` for the row as a whole."""
        if column is None or column not in self.positions:
            return f"{self.sheet}!{self.number}"
        return f"{self.sheet}!{cell_name(self.positions[column], self.number)}"

    def get(self, column: str) -> str | None:
        return self.cells.get(column)


def _text(value: object, kind: str) -> tuple[str | None, str | None]:
    """(the cell as text, or a problem) for a value as a spreadsheet library gives it."""
    if value is None or value == "":
        return None, None
    if isinstance(value, bool):
        return None, f"{str(value).upper()} is a true/false value, not text"
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            value = value.date()
        else:
            return None, f'"{value.isoformat(sep=" ")}" is a date and time, not text'
    if isinstance(value, datetime.date):
        if kind == "date":
            return value.isoformat(), None
        return None, (
            f'"{value.isoformat()}" is a date, not text (the spreadsheet read what was typed as '
            "a date: type it as text, or start it with an apostrophe)"
        )
    if isinstance(value, datetime.time | datetime.timedelta):
        return None, f'"{value}" is a time, not text'
    if isinstance(value, float):
        return (str(int(value)) if value.is_integer() else repr(value)), None
    if isinstance(value, int):
        return str(value), None
    text = str(value).strip()
    return (text or None), None


def _table(spec: Sheet, grid: Sequence[Sequence[object]], problems: list[str]) -> list[Row] | None:
    """The rows of one sheet under its header (row 1); None when the header lacks a column."""
    header = [(_text(v, "text")[0] or "") for v in (grid[0] if grid else [])]
    positions: dict[str, int] = {}
    known = {c.name for c in spec.columns}
    for index, name in enumerate(header, start=1):
        if not name:
            continue
        if name not in known:
            problems.append(f"{spec.name}!{cell_name(index, 1)}: unknown column {name!r}")
        elif name in positions:
            problems.append(f"{spec.name}!{cell_name(index, 1)}: column {name!r} twice")
        else:
            positions[name] = index
    missing = [c.name for c in spec.columns if c.required and c.name not in positions]
    if missing:
        problems.append(f"{spec.name}!1: no column {', '.join(missing)} in the header")
        return None
    rows = []
    for number, values in enumerate(grid[1:], start=2):
        cells: dict[str, str | None] = {}
        bad = set()
        for name, index in positions.items():
            value = values[index - 1] if index <= len(values) else None
            text, problem = _text(value, spec.column(name).kind)
            if problem:
                problems.append(f"{spec.name}!{cell_name(index, number)}: {problem}")
                bad.add(name)
            cells[name] = text
        if any(cells.values()) or bad:
            rows.append(Row(spec.name, number, cells, positions, bad))
    return rows


def _check_cells(name: str, height: int, width: int) -> None:
    if height * width > MAX_WORKBOOK_CELLS.value():
        raise MAX_WORKBOOK_CELLS.exceeded(f"sheet {name}", f"{height:,} rows × {width:,} columns")


def _open_spreadsheet(path: Path) -> python_calamine.CalamineWorkbook:
    check_input_file(path)
    with path.open("rb") as handle:
        start = handle.read(8)
    if start == _OLE_MAGIC:
        raise CouldNotRun(
            f"{path}: password-protected (or an old .xls): save it without a password as .xlsx"
        )
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise CouldNotRun(f"{path}: not a readable {path.suffix} file ({one_line(exc)})") from None
    if unpacked > MAX_FILE.value():
        raise MAX_FILE.exceeded(str(path), f"unpacks to {unpacked:,} bytes")
    try:
        return python_calamine.CalamineWorkbook.from_path(str(path))
    except python_calamine.PasswordError:
        raise CouldNotRun(f"{path}: password-protected: save it without a password") from None
    except Exception as exc:  # calamine's errors for a damaged file have no common base
        raise CouldNotRun(f"{path}: not a readable {path.suffix} file ({one_line(exc)})") from None


def _spreadsheet_grids(path: Path, specs: Sequence[Sheet]) -> dict[str, list[list[object]]]:
    book = _open_spreadsheet(path)
    grids = {}
    for spec in specs:
        if spec.name not in book.sheet_names:
            continue
        try:
            sheet = book.get_sheet_by_name(spec.name)
            _check_cells(spec.name, sheet.total_height, sheet.total_width)
            grids[spec.name] = sheet.to_python(skip_empty_area=False)
        except CouldNotRun:
            raise
        except Exception as exc:
            raise CouldNotRun(f"{path}: sheet {spec.name}: {one_line(exc)}") from None
    return grids


def _csv_grids(folder: Path, specs: Sequence[Sheet]) -> dict[str, list[list[object]]]:
    grids = {}
    limit = MAX_WORKBOOK_CELLS.value()
    for spec in specs:
        path = folder / f"{spec.name}.csv"
        if not path.exists():
            continue
        check_input_file(path)
        grid: list[list[object]] = []
        cells = 0
        try:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                for values in csv.reader(handle):
                    cells += max(len(values), 1)
                    if cells > limit:
                        raise MAX_WORKBOOK_CELLS.exceeded(
                            f"sheet {spec.name}", f"{cells:,} cells and more"
                        )
                    grid.append(list(values))
        except (UnicodeDecodeError, csv.Error) as exc:
            raise CouldNotRun(f"{path}: not a UTF-8 CSV file ({one_line(exc)})") from None
        grids[spec.name] = grid
    return grids


def read_workbook(path: Path, specs: Sequence[Sheet]) -> tuple[dict[str, list[Row]], list[str]]:
    """The rows of every sheet of `specs`, and the problems found (one line each). CouldNotRun
    when the file cannot be read at all."""
    path = Path(path)
    if path.is_dir():
        grids = _csv_grids(path, specs)
    elif path.suffix.lower() in SUFFIXES:
        grids = _spreadsheet_grids(path, specs)
    elif not path.exists():
        raise CouldNotRun(f"{path}: no such file or folder")
    else:
        raise CouldNotRun(
            f"{path}: not a workbook (give an .xlsx or .ods file, or a folder of .csv files)"
        )
    problems: list[str] = []
    tables: dict[str, list[Row]] = {}
    for spec in specs:
        if spec.name not in grids:
            problems.append(f"{spec.name}: the sheet is missing")
            continue
        rows = _table(spec, grids[spec.name], problems)
        if rows is not None:
            tables[spec.name] = rows
    return tables, problems
