"""The SHACL shapes and SPARQL checks against frozen valid and invalid fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from krakow_clusters.validate import expected_triples

from .conftest import FIXTURES, validate_with_ontology
from .identity import GRAPH_BASE

SHAPES = FIXTURES / "shapes"
VALID = sorted((SHAPES / "valid").glob("*.ttl"))
INVALID = sorted((SHAPES / "invalid").glob("*.ttl"))


def test_fixtures_were_found():
    assert len(VALID) >= 2
    assert len(INVALID) >= 10


def expectations(path: Path) -> set[tuple[str, str | None, str]]:
    expected = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# expect:"):
            focus, path_text, rule = line.removeprefix("# expect:").split()
            expected.add((focus, None if path_text == "-" else path_text, rule))
    return expected


def run(project, fixture: Path):
    return validate_with_ontology(project, fixture)


@pytest.mark.parametrize("fixture", VALID, ids=[p.stem for p in VALID])
def test_valid_fixture_conforms(project, fixture):
    report = run(project, fixture)
    assert report.conforms, [f.message for f in report.findings]
    assert report.exit_code == 0


@pytest.mark.parametrize("name", ["complete-cluster", "about-count"])
def test_complete_fixture_has_no_warning(project, name):
    report = run(project, SHAPES / "valid" / f"{name}.ttl")
    assert report.findings == []


def test_missing_polish_names_are_warnings(project):
    report = run(project, SHAPES / "valid" / "without-polish-names.ttl")
    warned = {(str(f.focus), f.path) for f in report.findings if f.severity == "Warning"}
    assert warned == {
        ("https://w3id.org/krakow-clusters/id/cluster/test", "rdfs:label"),
        ("https://w3id.org/krakow-clusters/id/organization/test-foundation", "rdfs:label"),
    }


@pytest.mark.parametrize("fixture", INVALID, ids=[p.stem for p in INVALID])
def test_invalid_fixture_reports_exactly_its_violations(project, fixture):
    expected = expectations(fixture)
    assert expected, f"{fixture.name} states no '# expect:' line"
    report = run(project, fixture)
    assert not report.conforms
    assert report.exit_code == 1
    assert expected_triples(report.findings) == expected


@pytest.mark.parametrize("fixture", INVALID, ids=[p.stem for p in INVALID])
def test_every_violation_has_a_message_for_a_curator(project, fixture):
    for finding in run(project, fixture).findings:
        assert finding.message and not finding.message.startswith("sh:"), finding
        assert finding.resource_label and "(no name)" not in finding.resource_label


def test_every_constraint_in_the_shapes_has_a_message(project):
    """Each property shape and SPARQL constraint carries an sh:message for curators."""
    import rdflib
    from rdflib.namespace import SH

    shapes = rdflib.Graph().parse(project.shapes_file)
    constrained = set(shapes.subjects(SH.path, None)) | set(shapes.objects(None, SH.sparql))
    # Property shapes used only inside sh:qualifiedValueShape / sh:or have no path and no message.
    assert constrained
    missing = [s for s in constrained if shapes.value(s, SH.message) is None]
    assert missing == []


def test_a_second_source_can_date_a_status_differently(project):
    """Provenance: a conflicting claim stands beside the first, each with its own source."""
    from krakow_clusters.store.embedded import EmbeddedStore

    fixture = SHAPES / "valid" / "second-source-claim.ttl"
    assert run(project, fixture).findings == []
    store = EmbeddedStore.from_files([fixture], GRAPH_BASE)
    rows = store.query(
        "SELECT ?date ?source WHERE { "
        "<https://w3id.org/krakow-clusters/id/cluster/test> "
        "<https://w3id.org/krakow-clusters/ontology#status> ?s . "
        "?s <https://schema.org/startDate> ?date ; <http://purl.org/dc/terms/source> ?source }"
    ).rows
    assert {(str(d), str(s)) for d, s in rows} == {
        ("2016-10-21", "http://example.org/source"),
        ("2015-01-01", "http://example.org/second-source"),
    }
