"""The curators' workbook (issue 24): a two-cluster workbook written through openpyxl, odfpy and
the csv module imports to the expected Turtle; export then import of the real data leaves data/
byte-identical; a sheet as LibreOffice saves it (typed numbers and dates, a formula, spaces,
empty rows) imports as the plain values; the count wordings' rule table."""

from __future__ import annotations

import datetime
import difflib
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.compare import isomorphic

from krakow_clusters.cli import cli
from krakow_clusters.project import Project
from krakow_clusters.workbook import write_workbook
from krakow_clusters.workbook.counts import RULES, read_count
from krakow_clusters.workbook.sheets import sheets as sheets_of

from .conftest import ROOT
from .workbooks import TWO_CLUSTERS, Formula, sheets, write

GOLDEN = ROOT / "tests" / "golden" / "workbook"
FIXTURES = ROOT / "tests" / "fixtures" / "workbook"
LANGUAGES = ("en", "pl")


def run(*args: str):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def data_bytes(root: Path) -> dict[str, bytes]:
    files = sorted(p for p in (root / "data").rglob("*") if p.is_file())
    return {str(p.relative_to(root)): p.read_bytes() for p in files}


@pytest.fixture
def empty_project(checkout: Path) -> Path:
    """The checkout with a data/ that holds only the description of the editorial graphs."""
    shutil.rmtree(checkout / "data")
    (checkout / "data").mkdir()
    shutil.copy(FIXTURES / "graphs.ttl", checkout / "data" / "graphs.ttl")
    return checkout


# --- the rule table of count wordings --------------------------------------------------------

WORDINGS = [
    ("more than 70 private and public entities", "en", "more-than", 70, "minValue", 71),
    ("More than 130 partners", "en", "more-than", 130, "minValue", 131),
    ("over 20 companies", "en", "more-than", 20, "minValue", 21),
    ("almost 50 members in total", "en", "almost", 50, "maxValue", 49),
    ("nearly 10 firms", "en", "almost", 10, "maxValue", 9),
    ("42 institutions", "en", "stated", 42, None, None),
    ("exactly 12 members", "en", "exactly", 12, None, None),
    ("ponad 70 podmiotów", "pl", "more-than", 70, "minValue", 71),
    ("prawie 50 członków", "pl", "almost", 50, "maxValue", 49),
    ("42 instytucje", "pl", "stated", 42, None, None),
    ("about 40 firms", "en", "about", 40, None, None),
    ("approximately 12 members", "en", "about", 12, None, None),
    ("około 40 firm", "pl", "about", 40, None, None),
    ("przeszło 40 firm", "pl", "more-than", 40, "minValue", 41),
]


@pytest.mark.parametrize(("wording", "lang", "qualifier", "number", "bound", "value"), WORDINGS)
def test_a_known_wording_gives_its_qualifier_and_bound(
    wording, lang, qualifier, number, bound, value
):
    count = read_count(wording, lang, LANGUAGES)
    assert (count.qualifier, count.number, count.bound_property, count.bound) == (
        qualifier,
        number,
        bound,
        value,
    )


def test_the_wordings_cover_every_qualifier_in_both_languages():
    assert len(WORDINGS) >= 10
    assert {w[2] for w in WORDINGS} == {"more-than", "almost", "stated", "exactly", "about"}
    assert {w[1] for w in WORDINGS} == set(LANGUAGES)


@pytest.mark.parametrize(
    ("wording", "lang", "reason"),
    [
        ("more then 70", "en", "is not a known count wording"),
        ("many members", "en", "is not a known count wording"),
        ("około czterdziestu firm", "pl", "is not a known count wording"),
        ("70+ members", "en", "is not a known count wording"),
        ("ponad 70 podmiotów", "de", "not a language of the project"),
    ],
)
def test_an_unknown_wording_is_refused_not_guessed(wording, lang, reason):
    with pytest.raises(ValueError, match=reason):
        read_count(wording, lang, LANGUAGES)


def test_a_language_without_rules_is_refused():
    with pytest.raises(ValueError, match="no count wordings are known in 'de'"):
        read_count("über 70 Mitglieder", "de", ("en", "de"))


# --- two clusters in, Turtle out ---------------------------------------------------------------


def _goldens() -> list[Path]:
    found = sorted(GOLDEN.glob("*.ttl"))
    assert len(found) >= 5, "no goldens of the two-cluster import"
    return found


@pytest.mark.parametrize("kind", ["xlsx", "ods", "csv"])
def test_a_two_cluster_workbook_imports_to_the_expected_turtle(empty_project, tmp_path, kind):
    workbook = write(kind, tmp_path, TWO_CLUSTERS)
    result = run("import", workbook)
    assert result.exit_code == 0, result.output
    assert "Conforms: 0 violations" in result.output
    written = sorted((empty_project / "data").glob("*.ttl"))
    assert [p.name for p in written] == [p.name for p in _goldens()]
    for golden in _goldens():
        made = empty_project / "data" / golden.name
        assert isomorphic(Graph().parse(made), Graph().parse(golden)), golden.name
        assert made.read_bytes() == golden.read_bytes(), golden.name


def test_a_sheet_as_libreoffice_saves_it_imports_as_the_plain_values(empty_project, tmp_path):
    """Numbers typed as numbers, a date cell, a formula with its cached value, spaces around a
    text and empty rows, in an .ods: the same files as the plain workbook."""
    book = sheets()
    clusters = book["clusters"]
    clusters[2][10] = 2006  # founded, typed as a number
    clusters[1][2] = "  LifeScience Kraków Cluster  "
    clusters.insert(2, [])  # an empty row between two clusters
    clusters.append(["", "", "   "])  # a row of nothing but spaces
    book["statuses"][1][2] = datetime.date(2016, 10, 21)
    book["counts"][2][3] = Formula('CONCAT("42";" institutions")', "42 institutions")
    result = run("import", write("ods", tmp_path, book))
    assert result.exit_code == 0, result.output
    for golden in _goldens():
        assert (empty_project / "data" / golden.name).read_bytes() == golden.read_bytes()


def test_import_of_the_same_workbook_twice_changes_nothing(empty_project, tmp_path):
    workbook = write("xlsx", tmp_path, TWO_CLUSTERS)
    assert run("import", workbook).exit_code == 0
    before = data_bytes(empty_project)
    again = run("import", workbook)
    assert again.exit_code == 0
    assert "state the same facts" in again.output and "wrote" not in again.output
    assert data_bytes(empty_project) == before


# --- the real data, there and back -----------------------------------------------------------


@pytest.mark.parametrize("name", ["clusters.xlsx", "clusters"])
def test_export_then_import_leaves_the_real_data_byte_identical(checkout, tmp_path, name):
    before = data_bytes(checkout)
    out = tmp_path / name
    exported = run("export-workbook", out)
    assert exported.exit_code == 0, exported.output
    assert "8 organisations" in exported.output and "11 clusters" in exported.output
    result = run("import", out)
    assert result.exit_code == 0, result.output
    assert f"data and {out} state the same facts." in result.output
    assert data_bytes(checkout) == before


def test_an_edit_of_the_exported_workbook_changes_only_its_statements(checkout, tmp_path):
    out = tmp_path / "clusters"
    assert run("export-workbook", out).exit_code == 0
    counts = out / "counts.csv"
    text = counts.read_text(encoding="utf-8")
    counts.write_text(text.replace("42 institutions", "more than 42 institutions"), "utf-8")
    before = data_bytes(checkout)
    result = run("import", out)
    assert result.exit_code == 0, result.output
    assert "changed  #members kc:qualifier: cq:stated → cq:more-than" in result.output
    assert "wrote data/clusters.ttl" in result.output
    after = data_bytes(checkout)
    assert {k for k in before if before[k] != after[k]} == {"data/clusters.ttl"}
    old, new = (side["data/clusters.ttl"].decode().splitlines() for side in (before, after))
    changed = [line for line in difflib.unified_diff(old, new, lineterm="", n=0)]
    assert [line for line in changed if line[:1] in "+-" and line[:3] not in ("+++", "---")] == [
        "-    schema:value 42 ;",
        "-    kc:qualifier cq:stated ;",
        '-    kc:statedAs "42 institutions"@en .',
        "+    schema:minValue 43 ;",
        "+    kc:qualifier cq:more-than ;",
        '+    kc:statedAs "more than 42 institutions"@en ;',
        "+    kc:statedNumber 42 .",
    ]


def test_export_refuses_a_format_it_does_not_write(checkout, tmp_path):
    result = run("export-workbook", tmp_path / "clusters.ods")
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "an .xlsx file or a folder" in result.output


# --- the template ------------------------------------------------------------------------------


def test_the_template_in_docs_is_what_export_of_an_empty_project_writes(tmp_path):
    template = ROOT / "docs" / "workbook-template"
    committed = sorted(template.glob("*.csv"))
    assert len(committed) >= 9, "docs/workbook-template/ holds no sheets"
    write_workbook(tmp_path / "template", Project(ROOT).settings)
    made = sorted((tmp_path / "template").glob("*.csv"))
    assert [p.name for p in made] == [p.name for p in committed]
    for mine, theirs in zip(made, committed, strict=True):
        assert mine.read_bytes() == theirs.read_bytes(), theirs.name


def test_an_xlsx_template_has_every_sheet_with_its_notes(tmp_path):
    import openpyxl

    write_workbook(tmp_path / "template.xlsx", Project(ROOT).settings)
    book = openpyxl.load_workbook(tmp_path / "template.xlsx")
    assert book.sheetnames[0] == "README"
    assert {"clusters", "counts", "roles", "texts", "sources"} <= set(book.sheetnames)
    header = next(book["counts"].iter_rows(max_row=1))
    assert [c.value for c in header][:4] == ["cluster", "count", "part", "wording"]
    assert "wording" in header[3].comment.text
    assert book["counts"].max_row == 1  # a template has no rows


# --- docs/workbook.md tells the truth -------------------------------------------------------------

DOC = (ROOT / "docs" / "workbook.md").read_text(encoding="utf-8")


def test_the_docs_name_every_sheet_and_column():
    settings = Project(ROOT).settings
    found = sheets_of(settings.languages)
    assert len(found) >= 9
    for sheet in found:
        section = DOC.split(f"### `{sheet.name}`", 1)
        assert len(section) == 2, f"docs/workbook.md has no section for {sheet.name}"
        for column in sheet.columns:
            assert f"| `{column.name}` |" in section[1].split("\n### ", 1)[0], column.name


def test_the_docs_table_of_wordings_is_the_rule_table():
    for language, rules in RULES.items():
        for words, qualifier in rules:
            if words:
                row = next(line for line in DOC.splitlines() if f"`{words}`" in line)
                assert row.startswith(f"| {language} |") and f"`cq:{qualifier}`" in row, words


def test_the_docs_round_trip_example_is_what_import_prints(checkout, monkeypatch):
    """The steps of docs/workbook.md's "Round trip, by example", run in a copy."""
    block = DOC.split("<!-- output in a copy of the project: krakow-clusters import workbook -->")
    assert len(block) == 2, "the example is gone from docs/workbook.md"
    shown = block[1].split("```text\n", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(checkout)
    assert run("export-workbook", "workbook").exit_code == 0
    counts = checkout / "workbook" / "counts.csv"
    text = counts.read_text(encoding="utf-8")
    assert ",42 institutions," in text
    counts.write_text(text.replace(",42 institutions,", ",more than 42 institutions,"), "utf-8")
    result = run("import", "workbook")
    assert result.exit_code == 0
    assert "$ krakow-clusters import workbook\n" + result.output == shown
