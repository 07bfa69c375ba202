"""A workbook written: an .xlsx file (openpyxl) or a folder of .csv files, one per sheet, with
the header of every sheet and a README sheet (README.csv) of what each column holds; the .xlsx
also shows each column's note as a comment on its header cell."""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font

from ..errors import CouldNotRun
from ..files import check_output_folder, write_atomic
from .sheets import Sheet

Row = Mapping[str, str | None]
README = "README"


def _sorted(sheet: Sheet, rows: Sequence[Row]) -> list[Row]:
    order = [*sheet.key, *(c.name for c in sheet.columns if c.name not in sheet.key)]
    return sorted(rows, key=lambda r: tuple(r.get(c) or "" for c in order))


def _readme(sheets: Sequence[Sheet]) -> list[list[str]]:
    lines = [["sheet", "column", "required", "what it holds"]]
    for sheet in sheets:
        lines.append([sheet.name, "", "", sheet.note])
        for column in sheet.columns:
            lines.append([sheet.name, column.name, "yes" if column.required else "", column.note])
    return lines


def _grid(sheet: Sheet, rows: Sequence[Row]) -> list[list[str]]:
    names = [c.name for c in sheet.columns]
    return [names] + [[r.get(n) or "" for n in names] for r in _sorted(sheet, rows)]


def _write_xlsx(out: Path, sheets: Sequence[Sheet], tables: Mapping[str, Sequence[Row]]) -> None:
    book = Workbook()
    readme = book.active
    readme.title = README
    for line in _readme(sheets):
        readme.append(line)
    for cell in readme[1]:
        cell.font = Font(bold=True)
    for sheet in sheets:
        page = book.create_sheet(sheet.name)
        grid = _grid(sheet, tables.get(sheet.name, []))
        for line in grid:
            # Every cell is text: a slug such as 2006 or a wording stays what it says.
            page.append(line)
        for cell, column in zip(page[1], sheet.columns, strict=True):
            cell.font = Font(bold=True)
            cell.comment = Comment(column.note, "krakow-clusters")
        for row in page.iter_rows(min_row=2):
            for cell in row:
                cell.number_format = "@"
        page.freeze_panes = "A2"
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    os.close(fd)
    try:
        book.save(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _csv_text(grid: Sequence[Sequence[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(grid)
    return buffer.getvalue()


def write_tables(out: Path, sheets: Sequence[Sheet], tables: Mapping[str, Sequence[Row]]) -> None:
    """Write the sheets with their rows to `out`: an .xlsx file, or a folder of .csv files (a
    path without a suffix)."""
    check_output_folder(out)
    if out.suffix.lower() == ".xlsx":
        _write_xlsx(out, sheets, tables)
    elif out.suffix == "" or out.is_dir():
        out.mkdir(exist_ok=True)
        write_atomic(out / f"{README}.csv", _csv_text(_readme(sheets)))
        for sheet in sheets:
            grid = _grid(sheet, tables.get(sheet.name, []))
            write_atomic(out / f"{sheet.name}.csv", _csv_text(grid))
    else:
        raise CouldNotRun(
            f"{out}: export writes an .xlsx file or a folder of .csv files (a name without a "
            "suffix); LibreOffice opens the .xlsx and saves it as .ods"
        )
