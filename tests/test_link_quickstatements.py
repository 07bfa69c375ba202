"""`link quickstatements`: QuickStatements v1 for the clusters Wikidata lacks, against a golden."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from krakow_clusters.cli import cli
from krakow_clusters.wikidata.quickstatements import QS_LINE, quickstatements
from krakow_clusters.wikidata.resources import load_resources

from .linking import copy_project

GOLDEN = Path(__file__).resolve().parent / "golden" / "link" / "quickstatements.qs"
DAY = date(2026, 11, 24)
SOURCE = (
    '"https://kma4business.metropoliakrakowska.pl/aktualnosci/'
    'innovative-clusters-in-the-krakow-metropolitan-area"'
)


def blocks(lines: list[str]) -> set[frozenset[str]]:
    """The items to create, each as the set of its lines: order-free, but kept per item."""
    found: list[list[str]] = []
    for line in lines:
        if line == "CREATE":
            found.append([])
        else:
            assert found, f"a statement before any CREATE: {line!r}"
            found[-1].append(line)
    return {frozenset(block) for block in found}


def test_output_matches_the_golden_file(project):
    result = quickstatements(project, DAY)
    golden = GOLDEN.read_text(encoding="utf-8").splitlines()
    assert golden, "the golden file is empty"
    assert blocks(result.lines) == blocks(golden)


def test_one_item_for_every_cluster_without_a_link(project):
    _graph, resources = load_resources(project)
    unlinked = [r for r in resources.values() if r.kind == "cluster" and not r.links]
    assert len(unlinked) == 8
    result = quickstatements(project, DAY)
    assert result.lines.count("CREATE") == len(unlinked)
    labels = {line.split("\t")[2] for line in result.lines if "\tLen\t" in line}
    assert labels == {f'"{r.pref["en"]}"' for r in unlinked}


def test_every_line_is_valid_v1_syntax(project):
    lines = quickstatements(project, DAY).lines
    assert lines
    for line in lines:
        assert QS_LINE.match(line), line
        if line.startswith("LAST\tP"):
            assert line.endswith(f"\tS854\t{SOURCE}\tS813\t+2026-11-24T00:00:00Z/11"), line


@pytest.mark.parametrize(
    "line",
    [
        'LAST Len "spaces, not tabs"',
        "LAST\tP17\tQ36\tS854\thttps://unquoted.example",
        "LAST\tP571\t2006\tS813\t+2026-11-24",
        'LAST\tLen\t"an "inner" quote"',
        "CREATE\t",
    ],
)
def test_the_syntax_check_rejects_bad_lines(line):
    assert not QS_LINE.match(line)


def test_statements_follow_the_evidence(project):
    lines = quickstatements(project, DAY).lines
    text = "\n".join(lines)
    assert "\tP31\t" not in text, "no evidence-backed QID for 'business cluster'"
    assert "\tP585\t" not in text, "no date is known for the member counts"
    counts = sorted(line.split("\t")[2] for line in lines if "\tP2124\t" in line)
    assert counts == ["42", "80"], "only the exact counts: 42 and 80"
    assert [line.split("\t")[2] for line in lines if "\tP571\t" in line] == [
        "+2006-00-00T00:00:00Z/9"
    ]
    assert {line.split("\t")[2] for line in lines if "\tP131\t" in line} == {"Q54159"}
    assert {line.split("\t")[2] for line in lines if "\tP17\t" in line} == {"Q36"}


def test_a_linked_cluster_gets_no_item(project, tmp_path):
    copy = copy_project(project, tmp_path / "project")
    links = copy.data_dir / "links" / "wikidata.ttl"
    cluster = "https://w3id.org/krakow-clusters/id/cluster/bim"
    links.write_text(links.read_text() + f"\n<{cluster}> owl:sameAs wd:Q99000001 .\n")
    lines = quickstatements(copy, DAY).lines
    assert lines.count("CREATE") == 7
    assert '"Cluster of Information Technologies in Construction"' not in "\n".join(lines)


def test_cli_prints_statements_and_notes(project):
    result = CliRunner().invoke(cli, ["link", "quickstatements", "--retrieved", "2026-11-24"])
    assert result.exit_code == 0
    assert blocks(result.stdout.splitlines()) == blocks(GOLDEN.read_text().splitlines())
    assert "note: P31 (instance of) is left out" in result.stderr
    again = CliRunner().invoke(cli, ["link", "quickstatements", "--retrieved", "2026-11-24"])
    assert again.stdout == result.stdout, "the output is deterministic"


def test_cli_rejects_a_bad_date(project):
    result = CliRunner().invoke(cli, ["link", "quickstatements", "--retrieved", "24.11.2026"])
    assert result.exit_code == 2
    assert "not a date (YYYY-MM-DD)" in result.output
