"""`krakow-clusters validate`: exit codes, the report a curator reads, the acceptance cases."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner

from krakow_clusters.cli import cli

from .conftest import ROOT, edit

BIM = "https://w3id.org/krakow-clusters/id/cluster/bim"
LIFESCIENCE = "https://w3id.org/krakow-clusters/id/cluster/lifescience-krakow"
CLEAN_ENERGY = "https://w3id.org/krakow-clusters/id/cluster/malopolsko-podkarpacki-clean-energy"


def run(*args: str):
    return CliRunner().invoke(cli, ["validate", *args], catch_exceptions=False)


def violation_lines(output: str, label: str, iri: str) -> list[str]:
    """The violation lines that name the resource by label and IRI, as the report promises."""
    return [
        line
        for line in output.splitlines()
        if line.startswith("violation") and label in line and f"<{iri}" in line
    ]


def test_real_data_conforms():
    result = run()
    assert result.exit_code == 0, result.output
    # Every cluster and organisation has a Polish name (the article's or the curators').
    assert result.output.rstrip().endswith("Conforms: 0 violations, 0 warnings.")


def test_removing_an_english_label_fails_naming_the_cluster(checkout):
    edit(checkout / "data" / "clusters.ttl", 'rdfs:label "South Poland Cleantech Cluster"@en ;', "")
    result = run()
    assert result.exit_code == 1
    # With no English name left, the cluster is named by its other name, and its IRI.
    iri = "https://w3id.org/krakow-clusters/id/cluster/south-poland-cleantech"
    lines = violation_lines(result.output, "Klaster Cleantech Polski Południowej", iri)
    assert len(lines) == 1
    assert "rdfs:label: The English name is missing" in lines[0]
    assert "[sh:QualifiedMinCountConstraintComponent]" in lines[0]


@pytest.mark.parametrize(
    ("value", "rule"),
    [("-1", "sh:MinInclusiveConstraintComponent"), ('"many"', "sh:DatatypeConstraintComponent")],
)
def test_a_bad_member_count_fails_naming_the_cluster(checkout, value, rule):
    edit(checkout / "data" / "clusters.ttl", "schema:value 42 ;", f"schema:value {value} ;")
    result = run()
    assert result.exit_code == 1
    lines = violation_lines(
        result.output, "Małopolsko-Podkarpackie Clean Energy Cluster", CLEAN_ENERGY
    )
    assert any(f"<{CLEAN_ENERGY}#members> schema:value:" in line and rule in line for line in lines)


def test_a_malformed_wikidata_link_fails_naming_the_cluster(checkout):
    extra = checkout / "extra.ttl"
    extra.write_text(
        f"<{LIFESCIENCE}> <http://www.w3.org/2002/07/owl#sameAs> "
        "<http://www.wikidata.org/entity/X12> .\n"
    )
    result = run(str(extra))
    assert result.exit_code == 1
    lines = violation_lines(result.output, "LifeScience Kraków Cluster", LIFESCIENCE)
    assert any(
        "owl:sameAs" in line
        and "Wikidata item IRI" in line
        and "sh:PatternConstraintComponent" in line
        for line in lines
    )


def test_a_syntax_error_names_file_line_and_column(checkout):
    data = checkout / "data" / "clusters.ttl"
    edit(data, 'kc:statedAs "42 institutions"@en', 'kc:statedAs "42 institutions@en')
    result = CliRunner().invoke(cli, ["validate"])
    assert result.exit_code == 2
    line_number = next(
        n
        for n, line in enumerate(data.read_text().splitlines(), 1)
        if '"42 institutions@en' in line
    )
    assert f"{data}:{line_number}:" in result.output
    assert "syntax error" in result.output
    assert "Traceback" not in result.output


def test_a_missing_file_cannot_run():
    result = CliRunner().invoke(cli, ["validate", "no-such-file.ttl"])
    assert result.exit_code == 2
    assert "no-such-file.ttl: no such file" in result.output


def test_an_unknown_file_type_cannot_run(tmp_path):
    odd = tmp_path / "notes.txt"
    odd.write_text("hello")
    result = CliRunner().invoke(cli, ["validate", str(odd)])
    assert result.exit_code == 2
    assert "unknown RDF file type" in result.output


def test_json_report(checkout):
    edit(checkout / "data" / "clusters.ttl", "schema:value 42 ;", "schema:value -1 ;")
    result = run("--format", "json")
    assert result.exit_code == 1
    payload = json.loads(result.output)
    assert payload["conforms"] is False
    assert payload["violations"] == 1
    [violation] = [r for r in payload["results"] if r["severity"] == "Violation"]
    assert violation["resource"] == CLEAN_ENERGY
    assert violation["focus"] == CLEAN_ENERGY + "#members"
    assert violation["path"] == "schema:value"
    assert violation["rule"] == "sh:MinInclusiveConstraintComponent"
    assert violation["value"] == "-1"


def test_turtle_report_is_the_standard_shacl_report(checkout):
    edit(checkout / "data" / "clusters.ttl", "schema:value 42 ;", "schema:value -1 ;")
    result = run("--format", "turtle")
    assert result.exit_code == 1
    graph = rdflib.Graph().parse(data=result.output, format="turtle")
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    [report] = graph.subjects(rdflib.RDF.type, sh.ValidationReport)
    assert graph.value(report, sh.conforms).toPython() is False
    violations = [
        r
        for r in graph.objects(report, sh.result)
        if graph.value(r, sh.resultSeverity) == sh.Violation
    ]
    assert [str(graph.value(v, sh.focusNode)) for v in violations] == [CLEAN_ENERGY + "#members"]


def test_console_script_runs_from_a_subprocess():
    """The installed entry point, as a user runs it: exit code 0 and the summary line."""
    script = Path(sys.executable).with_name("krakow-clusters")
    completed = subprocess.run(
        [str(script), "validate"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert completed.returncode == 0, completed.stderr
    assert "Conforms: 0 violations" in completed.stdout
