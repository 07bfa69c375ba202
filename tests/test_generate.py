"""The synthetic graph generator (benchmarks/generate.py) at the 10k size, inside `make test`."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from benchmarks.generate import DEFECTS, generate, write

from krakow_clusters.validate import expected_triples

from .conftest import validate_with_ontology

SIZE = 10_000


@pytest.fixture(scope="module")
def graphs(tmp_path_factory) -> dict[str, tuple[Path, set]]:
    folder = tmp_path_factory.mktemp("generated")
    valid = write(SIZE, folder / "10k.ttl")
    broken = write(SIZE, folder / "10k-broken.ttl", broken=True)
    return {
        "valid": (folder / "10k.ttl", valid.injected),
        "broken": (folder / "10k-broken.ttl", broken.injected),
    }


def test_generation_is_deterministic():
    assert generate(2_000, seed=3).text == generate(2_000, seed=3).text
    assert generate(2_000, seed=3).text != generate(2_000, seed=4).text


def test_size_is_close_to_the_target(graphs):
    path, _ = graphs["valid"]
    triples = len(list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)))
    assert 0.85 * SIZE <= triples <= 1.15 * SIZE


def test_valid_graph_conforms_without_warnings(project, graphs):
    path, injected = graphs["valid"]
    assert injected == set()
    report = validate_with_ontology(project, path)
    assert report.findings == []


@pytest.mark.parametrize("engine", ["pyshacl", "turbo"])
def test_broken_graph_reports_exactly_the_injected_violations(project, graphs, engine):
    path, injected = graphs["broken"]
    rules = {rule for _, _, rule in injected}
    assert len(injected) >= 2 * len(DEFECTS)
    assert len(rules) >= len(DEFECTS), "every kind of defect is injected"
    expected_file = path.with_suffix(".expected.tsv").read_text(encoding="utf-8").splitlines()
    assert {tuple(line.split("\t")) for line in expected_file[1:]} == injected
    report = validate_with_ontology(project, path, engine)
    assert report.engine == engine
    assert expected_triples(report.findings) == injected
