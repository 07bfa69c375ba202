"""Broken workbooks: each gives its sheet/row/column lines (exit 1) or one line (exit 2, a file
that cannot be read), never a traceback, and leaves data/ as it was."""

from __future__ import annotations

import datetime
from pathlib import Path

import msoffcrypto.format.ooxml
import pytest
from click.testing import CliRunner

from krakow_clusters.cli import cli

from .workbooks import ARTICLE, sheets, write


def edited(*changes: tuple[str, int, int, object]):
    """TWO_CLUSTERS with cells changed: (sheet, row, column, value), rows and columns from 1."""
    book = sheets()
    for sheet, row, column, value in changes:
        line = book[sheet][row - 1]
        line.extend([""] * (column - len(line)))
        line[column - 1] = value
    return book


def appended(sheet: str, *rows: list[object]):
    book = sheets()
    book[sheet].extend(rows)
    return book


# (name, workbook, the lines it must give, exactly and in this order)
ROW_CASES = [
    (
        "unknown sector",
        edited(("classifications", 2, 2, "biotechnology | nanotech")),
        ['classifications!B2: "nanotech" is not a known sector (ontology/schemes/)'],
    ),
    (
        "unknown count wording",
        edited(("counts", 2, 4, "more then 70")),
        ['counts!D2: "more then 70" is not a known count wording'],
    ),
    (
        "a number in words",
        edited(("counts", 3, 4, "około czterdziestu instytucji"), ("counts", 3, 5, "pl")),
        ['counts!D3: "około czterdziestu instytucji" is not a known count wording'],
    ),
    (
        "duplicate slug",
        appended("clusters", ["lifescience-krakow", ARTICLE, "LifeScience Kraków"]),
        [f"clusters!A4: duplicate row (cluster lifescience-krakow, origin {ARTICLE}): as row 2"],
    ),
    (
        "role without a source",
        edited(("roles", 2, 4, "interpretation")),
        [
            'roles!D2: "interpretation" cannot be the origin of roles: name a source of the '
            "sources sheet"
        ],
    ),
    (
        "row whose origin is missing",
        edited(("clusters", 3, 2, "")),
        ["clusters!B3: no origin: name a source of the sources sheet or interpretation"],
    ),
    (
        "origin that is no source",
        edited(("counts", 3, 6, "src:another-article")),
        ['counts!F3: "src:another-article" is not a source of the sources sheet'],
    ),
    (
        "date in a text column",
        edited(("counts", 3, 4, datetime.date(2016, 10, 21))),
        [
            'counts!D3: "2016-10-21" is a date, not text (the spreadsheet read what was typed '
            "as a date: type it as text, or start it with an apostrophe)"
        ],
    ),
    (
        "a sheet missing",
        sheets(roles=None),
        ["roles: the sheet is missing"],
    ),
    (
        "unknown cluster and organisation",
        appended("roles", ["lifescience", "partner", "municipality-of-krakow", ARTICLE]),
        [
            'roles!A4: "lifescience" is no cluster of the clusters sheet',
            'roles!C4: "municipality-of-krakow" is no organisation of the organisations sheet',
        ],
    ),
    (
        "unknown place and a bad year",
        edited(("clusters", 3, 7, "krakow-metropolis"), ("clusters", 3, 11, "MMVI")),
        [
            'clusters!G3: "krakow-metropolis" is no place of the places sheet',
            'clusters!K3: "MMVI" is not a year (such as 2006)',
        ],
    ),
    (
        "a column nobody knows and one missing",
        edited(("statuses", 1, 1, "klaster")),
        ["statuses!A1: unknown column 'klaster'", "statuses!1: no column cluster in the header"],
    ),
    (
        "a text in a language the project does not have",
        edited(("texts", 2, 3, "de")),
        ['texts!C2: "de" is not a language of the project (en, pl)'],
    ),
]


def data_bytes(root: Path) -> dict[str, bytes]:
    files = sorted(p for p in (root / "data").rglob("*") if p.is_file())
    assert files, "the checkout has no data"
    return {str(p.relative_to(root)): p.read_bytes() for p in files}


def run(*args: object):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def test_the_corpus_was_found():
    assert len(ROW_CASES) >= 12


@pytest.mark.parametrize("kind", ["xlsx", "ods"])
@pytest.mark.parametrize(("name", "book", "lines"), ROW_CASES, ids=[c[0] for c in ROW_CASES])
def test_a_broken_row_names_its_cell(checkout, tmp_path, kind, name, book, lines):
    before = data_bytes(checkout)
    result = run("import", write(kind, tmp_path, book))
    assert result.exit_code == 1, result.output
    assert result.stdout.splitlines() == lines
    assert "data/ is unchanged" in result.stderr
    assert data_bytes(checkout) == before


def test_every_problem_is_reported_at_once(checkout, tmp_path):
    changes = [("classifications", 2, 2, "nanotech"), ("counts", 2, 4, "more then 70")]
    changes += [("roles", 2, 4, "")]
    result = run("import", write("csv", tmp_path, edited(*changes)))
    assert result.exit_code == 1
    assert len(result.stdout.splitlines()) == 3
    assert "3 problem(s)" in result.stderr


def test_a_finding_of_validation_names_the_cell_its_statement_came_from(checkout, tmp_path):
    """Rows that pass their own checks but break a shape: the cluster lacks an English
    description (the summary left out). Nothing is written."""
    book = sheets()
    book["texts"] = [r for r in book["texts"] if "clean-energy" not in str(r[0])]
    before = data_bytes(checkout)
    result = run("import", write("xlsx", tmp_path, book))
    assert result.exit_code == 1
    lines = [line for line in result.stdout.splitlines() if "violation:" in line]
    assert any(
        line.startswith("clusters!3: violation: Małopolsko-Podkarpackie Clean Energy Cluster")
        and "English description is missing" in line
        for line in lines
    ), result.stdout
    assert "Not imported: data/ is unchanged." in result.stderr
    assert data_bytes(checkout) == before


# --- files that cannot be read: one line, exit 2 --------------------------------------------------


def _corrupt(tmp_path: Path) -> Path:
    path = tmp_path / "broken.xlsx"
    good = write("xlsx", tmp_path, sheets()).read_bytes()
    path.write_bytes(good[: len(good) // 2])
    return path


def _password(tmp_path: Path) -> Path:
    plain = write("xlsx", tmp_path, sheets(), name="plain")
    path = tmp_path / "locked.xlsx"
    with plain.open("rb") as source, path.open("wb") as out:
        msoffcrypto.format.ooxml.OOXMLFile(source).encrypt("secret", out)
    return path


def _not_a_workbook(tmp_path: Path) -> Path:
    path = tmp_path / "clusters.ods"
    path.write_text("cluster,origin\n", encoding="utf-8")
    return path


def _other_suffix(tmp_path: Path) -> Path:
    path = tmp_path / "clusters.numbers"
    path.write_bytes(b"\0" * 10)
    return path


FILE_CASES = [
    ("corrupt", _corrupt, "not a readable .xlsx file"),
    ("password-protected", _password, "password-protected"),
    ("not a workbook at all", _not_a_workbook, "not a readable .ods file"),
    ("another format", _other_suffix, "not a workbook (give an .xlsx or .ods file"),
]


@pytest.mark.parametrize(("name", "make", "says"), FILE_CASES, ids=[c[0] for c in FILE_CASES])
def test_a_file_that_cannot_be_read_is_one_line(checkout, tmp_path, name, make, says):
    before = data_bytes(checkout)
    result = run("import", make(tmp_path))
    assert result.exit_code == 2, result.output
    assert result.output.count("\n") == 1 and result.output.startswith("error: ")
    assert says in result.output
    assert data_bytes(checkout) == before


@pytest.mark.parametrize("kind", ["xlsx", "ods", "csv"])
def test_a_sheet_over_the_cell_limit_is_refused_before_it_is_read(
    checkout, tmp_path, monkeypatch, kind
):
    """A large sheet made cheaply: 2,000 rows under a limit of 1,000 cells."""
    book = sheets()
    book["texts"] += [
        ["cluster:lifescience-krakow", "alt_name", "en", f"x{i}", "translation"]
        for i in range(2000)
    ]
    workbook = write(kind, tmp_path, book)
    monkeypatch.setenv("KRAKOW_CLUSTERS_MAX_WORKBOOK_CELLS", "1000")
    before = data_bytes(checkout)
    result = run("import", workbook)
    assert result.exit_code == 2, result.output
    assert "sheet texts:" in result.output and "KRAKOW_CLUSTERS_MAX_WORKBOOK_CELLS" in result.output
    assert result.output.count("\n") == 1
    assert data_bytes(checkout) == before


def test_a_workbook_that_unpacks_past_the_file_limit_is_refused(checkout, tmp_path, monkeypatch):
    workbook = write("xlsx", tmp_path, sheets())
    size = workbook.stat().st_size
    monkeypatch.setenv("KRAKOW_CLUSTERS_MAX_FILE_SIZE", str(size + 100))
    result = run("import", workbook)
    assert result.exit_code == 2
    assert "unpacks to" in result.output and "KRAKOW_CLUSTERS_MAX_FILE_SIZE" in result.output
