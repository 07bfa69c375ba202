"""Workbooks for the tests of `import`, written through the real spreadsheet libraries: .xlsx by
openpyxl, .ods by odfpy (as LibreOffice writes it: typed cells, a formula with its cached value),
a folder of .csv files by the csv module.

TWO_CLUSTERS is a small workbook of two clusters, in the article's words: what
tests/golden/workbook/ holds the Turtle of.
"""

from __future__ import annotations

import copy
import csv
import datetime
from dataclasses import dataclass
from pathlib import Path

import openpyxl
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableRow
from odf.text import P

ARTICLE = "src:innovative-clusters-in-the-krakow-metropolitan-area"


@dataclass(frozen=True)
class Formula:
    """A formula cell with the value a spreadsheet program computed and stored beside it."""

    formula: str
    cached: object


Sheets = dict[str, list[list[object]]]  # sheet -> header row, then rows

TWO_CLUSTERS: Sheets = {
    "sources": [
        ["source", "graph", "title", "language", "graph_name_en", "graph_name_pl"],
        [
            ARTICLE,
            "clusters",
            "Innovative Clusters in the Kraków Metropolitan Area",
            "en",
            "What the article states",
            "Co podaje artykuł",
        ],
    ],
    "places": [
        ["place", "origin", "name_en", "alt_names_en", "name_pl", "alt_names_pl", "within", "note"],
        ["krakow", ARTICLE, "Kraków", "", "", "", "", ""],
        ["krakow-metropolitan-area", ARTICLE, "Kraków Metropolitan Area", "Kraków Metropolis"],
        ["krakow", "interpretation", "", "", "", "", "krakow-metropolitan-area", ""],
    ],
    "clusters": [
        [
            "cluster",
            "origin",
            "name_en",
            "alt_names_en",
            "name_pl",
            "alt_names_pl",
            "location",
            "member_regions",
            "main_member_regions",
            "legal_form",
            "founded",
            "note",
        ],
        [
            "lifescience-krakow",
            ARTICLE,
            "LifeScience Kraków Cluster",
            "LifeScience Kraków",
            "",
            "",
            "krakow-metropolitan-area",
        ],
        [
            "malopolsko-podkarpacki-clean-energy",
            ARTICLE,
            "Małopolsko-Podkarpackie Clean Energy Cluster",
            "Clean Energy Cluster",
            "Małopolsko-Podkarpacki Klaster Czystej Energii",
            "Klaster Czystej Energii",
            "krakow-metropolitan-area",
            "",
            "",
            "",
            "2006",
            "",
        ],
    ],
    "organisations": [
        [
            "organisation",
            "origin",
            "name_en",
            "alt_names_en",
            "name_pl",
            "alt_names_pl",
            "location",
            "legal_form",
            "note",
        ],
        [
            "agh-university",
            ARTICLE,
            "AGH University of Science and Technology",
            "",
            "",
            "",
            "krakow",
        ],
        ["lifescience-krakow-cluster-foundation", ARTICLE, "LifeScience Kraków Cluster Foundation"],
        [
            "lifescience-krakow-cluster-foundation",
            "interpretation",
            "",
            "",
            "",
            "",
            "",
            "foundation",
            "The legal form is read from the name.",
        ],
    ],
    "roles": [
        ["cluster", "role", "organisation", "origin"],
        ["lifescience-krakow", "coordinator", "lifescience-krakow-cluster-foundation", ARTICLE],
        ["malopolsko-podkarpacki-clean-energy", "host-institution", "agh-university", ARTICLE],
    ],
    "counts": [
        ["cluster", "count", "part", "wording", "language", "origin"],
        [
            "lifescience-krakow",
            "members",
            "",
            "more than 70 private and public entities",
            "",
            ARTICLE,
        ],
        ["malopolsko-podkarpacki-clean-energy", "members", "", "42 institutions", "en", ARTICLE],
    ],
    "statuses": [
        ["cluster", "status", "since", "origin"],
        ["lifescience-krakow", "national-key-cluster", "2016-10-21", ARTICLE],
    ],
    "classifications": [
        ["resource", "sectors", "member_types", "origin"],
        ["lifescience-krakow", "biotechnology | life-sciences", "enterprise", "classification"],
        [
            "malopolsko-podkarpacki-clean-energy",
            "clean-energy",
            "enterprise | higher-education-institution",
            "classification",
        ],
    ],
    "texts": [
        ["resource", "field", "language", "text", "origin"],
        ["cluster:lifescience-krakow", "name", "pl", "Klaster LifeScience Kraków", "translation"],
        [
            "cluster:lifescience-krakow",
            "description",
            "en",
            "A cluster of more than 70 private and public entities.",
            "summary",
        ],
        [
            "cluster:malopolsko-podkarpacki-clean-energy",
            "description",
            "en",
            "Established in 2006 at the AGH University of Science and Technology in Kraków.",
            "summary",
        ],
        ["place:krakow", "name", "pl", "Kraków", "translation"],
        [
            "place:krakow-metropolitan-area",
            "name",
            "pl",
            "Krakowski Obszar Metropolitalny",
            "translation",
        ],
        [
            "orgn:lifescience-krakow-cluster-foundation",
            "name",
            "pl",
            "Fundacja Klastra LifeScience Kraków",
            "translation",
        ],
        [
            "orgn:agh-university",
            "name",
            "pl",
            "Akademia Górniczo-Hutnicza w Krakowie",
            "translation",
        ],
    ],
}


def sheets(**changes: list[list[object]]) -> Sheets:
    """TWO_CLUSTERS with some sheets replaced (None: left out)."""
    result = copy.deepcopy(TWO_CLUSTERS)
    for name, rows in changes.items():
        if rows is None:
            result.pop(name)
        else:
            result[name] = rows
    return result


def write_xlsx(path: Path, book: Sheets) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in book.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append([c.formula if isinstance(c, Formula) else c for c in row])
    workbook.save(path)
    return path


def _ods_cell(value: object) -> TableCell:
    if isinstance(value, Formula):
        cell = _ods_cell(value.cached)
        cell.setAttribute("formula", f"of:{value.formula}")
        return cell
    if value is None or value == "":
        return TableCell()
    if isinstance(value, datetime.date):
        cell = TableCell(valuetype="date", datevalue=value.isoformat())
    elif isinstance(value, int | float) and not isinstance(value, bool):
        cell = TableCell(valuetype="float", value=value)
    else:
        cell = TableCell(valuetype="string")
    cell.addElement(P(text=str(value)))
    return cell


def write_ods(path: Path, book: Sheets) -> Path:
    document = OpenDocumentSpreadsheet()
    for name, rows in book.items():
        table = Table(name=name)
        for row in rows:
            line = TableRow()
            for value in row:
                line.addElement(_ods_cell(value))
            table.addElement(line)
        document.spreadsheet.addElement(table)
    document.save(str(path))
    return path


def write_csv(folder: Path, book: Sheets) -> Path:
    folder.mkdir()
    for name, rows in book.items():
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows([["" if c is None else c for c in r] for r in rows])
    return folder


WRITERS = {"xlsx": write_xlsx, "ods": write_ods, "csv": write_csv}


def write(kind: str, folder: Path, book: Sheets, name: str = "workbook") -> Path:
    """The workbook `book` written as `kind` (xlsx, ods, csv) in `folder`."""
    return WRITERS[kind](folder / (name if kind == "csv" else f"{name}.{kind}"), book)
