"""The checks of provenance (queries/checks/): every statement in a described graph, every graph
with its origin, no editorial statement in a source's graph. Fixtures: tests/fixtures/graphs/."""

from __future__ import annotations

import pytest

from krakow_clusters.validate import expected_triples

from .conftest import FIXTURES
from .test_shapes import expectations

GRAPHS = FIXTURES / "graphs"
INVALID = sorted(p for p in GRAPHS.glob("*.trig") if p.name != "described.trig")


def validate_with_graphs(project, path):
    """The fixture with the ontology, the schemes and data/graphs.ttl (which describes the graphs
    of the ontology's files), not with the rest of data/."""
    from krakow_clusters.validate import validate_files

    files = [*project.ontology_files(), project.data_dir / "graphs.ttl", path]
    return validate_files(project.settings, files, project.shapes_file, project.check_queries())


def test_fixtures_were_found():
    assert (GRAPHS / "described.trig").is_file()
    assert len(INVALID) == 3


def test_a_dataset_with_every_statement_in_a_described_graph_conforms(project):
    report = validate_with_graphs(project, GRAPHS / "described.trig")
    assert report.conforms, [f.message for f in report.findings]


@pytest.mark.parametrize("fixture", INVALID, ids=[p.stem for p in INVALID])
def test_a_defect_of_provenance_is_reported(project, fixture):
    expected = expectations(fixture)
    assert expected, f"{fixture.name} states no '# expect:' line"
    report = validate_with_graphs(project, fixture)
    assert report.exit_code == 1
    assert expected_triples(report.findings) == expected


def test_the_real_data_files_every_statement_in_a_described_graph(project, dataset):
    described = {
        str(row[0])
        for row in dataset.query(
            "PREFIX kc: <https://w3id.org/krakow-clusters/ontology#> "
            "SELECT ?g { ?g a ?k FILTER (?k IN (kc:SourceGraph, kc:EditorialGraph)) }"
        ).rows
    }
    assert set(dataset.graph_names()) == described
    assert len(described) == 12
