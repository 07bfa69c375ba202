"""`krakow-clusters diff OLD NEW`: facts compared between two real releases; exits like diff."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from krakow_clusters.cli import cli
from krakow_clusters.project import Project
from krakow_clusters.release.build import build

CLEANTECH = "https://w3id.org/krakow-clusters/id/cluster/south-poland-cleantech"
COUNT_80 = f'<{CLEANTECH}#members> <https://schema.org/value> "80"^^<http://www.w3.org/2001/XMLSchema#integer>'


@pytest.fixture(scope="module")
def release(project: Project, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("diff") / "dist"
    assert build(project, out, site=False).built
    return out.resolve()


def copy_of(release: Path, tmp_path: Path, name: str = "copy") -> Path:
    target = tmp_path / name
    shutil.copytree(release, target)
    return target


def run(*args: str):
    return CliRunner().invoke(cli, ["diff", *map(str, args)])


def test_a_release_states_the_same_facts_as_itself(release: Path, tmp_path: Path):
    result = run(release, copy_of(release, tmp_path))
    assert result.exit_code == 0, result.output
    assert "state the same facts" in result.output


def test_one_changed_count_is_named_with_its_source(release: Path, tmp_path: Path):
    changed = copy_of(release, tmp_path)
    dump = changed / "krakow-clusters.nq"
    text = dump.read_text(encoding="utf-8")
    assert text.count(COUNT_80) == 1
    dump.write_text(text.replace(COUNT_80, COUNT_80.replace('"80"', '"85"')), encoding="utf-8")
    result = run(release, changed)
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert lines[0] == "South Poland Cleantech Cluster (cluster:south-poland-cleantech)"
    assert lines[1].split()[:5] == ["changed", "#members", "schema:value:", "80", "→"]
    assert "85  [graph:clusters; source https://kma4business" in lines[1]
    assert lines[-1] == "1 change(s) in 1 resource(s): 1 fact(s) added, 1 removed."

    as_json = json.loads(run(release, changed, "--format", "json").output)
    assert as_json["same"] is False
    [resource] = as_json["resources"]
    assert resource["resource"] == CLEANTECH
    [change] = resource["changes"]
    assert change["kind"] == "changed"
    assert change["subject"] == CLEANTECH + "#members"
    assert change["old"] == ['"80"^^<http://www.w3.org/2001/XMLSchema#integer>']
    assert change["new"] == ['"85"^^<http://www.w3.org/2001/XMLSchema#integer>']
    assert change["graphs"] == ["https://w3id.org/krakow-clusters/graph/clusters"]


def test_added_and_removed_facts(release: Path, tmp_path: Path):
    changed = copy_of(release, tmp_path)
    dump = changed / "krakow-clusters.nq"
    lines = dump.read_text(encoding="utf-8").splitlines(keepends=True)
    label = next(
        line
        for line in lines
        if line.startswith(f"<{CLEANTECH}> <http://www.w3.org/2000/01/rdf-schema#label>")
        and '"South Poland Cleantech Cluster"@en' in line
    )
    lines.remove(label)
    lines.append(
        f'<{CLEANTECH}> <http://www.w3.org/2004/02/skos/core#altLabel> "SPCC"@en '
        "<https://w3id.org/krakow-clusters/graph/clusters> .\n"
    )
    dump.write_text("".join(lines), encoding="utf-8")
    result = run(release, changed)
    assert result.exit_code == 1
    assert '  added    skos:altLabel: "SPCC"@en  [graph:clusters' in result.output
    assert (
        '  removed  rdfs:label: "South Poland Cleantech Cluster"@en  [graph:clusters'
        in result.output
    )


def test_a_statement_moved_to_another_graph_is_reported_as_a_move(release: Path, tmp_path: Path):
    """An interpretation promoted to what the article states is the same fact, vouched for by
    another graph: not "same facts", but one move, with both graphs and the new one's source."""
    region = (
        f"<{CLEANTECH}> <https://w3id.org/krakow-clusters/ontology#memberRegion> "
        "<https://w3id.org/krakow-clusters/id/place/slaskie> "
    )
    interpretations = region + "<https://w3id.org/krakow-clusters/graph/interpretations> .\n"
    changed = copy_of(release, tmp_path)
    dump = changed / "krakow-clusters.nq"
    text = dump.read_text(encoding="utf-8")
    assert text.count(interpretations) == 1
    moved = region + "<https://w3id.org/krakow-clusters/graph/clusters> .\n"
    dump.write_text(text.replace(interpretations, moved), encoding="utf-8")
    result = run(release, changed)
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert lines[0] == "South Poland Cleantech Cluster (cluster:south-poland-cleantech)"
    assert lines[1] == (
        "  moved    kc:memberRegion: place:slaskie  [from graph:interpretations to "
        "graph:clusters; source https://kma4business.metropoliakrakowska.pl/aktualnosci/"
        "innovative-clusters-in-the-krakow-metropolitan-area]"
    )
    assert lines[-1] == (
        "1 change(s) in 1 resource(s): 0 fact(s) added, 0 removed, 1 moved between graphs."
    )
    [resource] = json.loads(run(release, changed, "--format", "json").output)["resources"]
    [change] = resource["changes"]
    assert change["kind"] == "moved" and change["old"] == change["new"]
    assert change["moved_from"] == ["https://w3id.org/krakow-clusters/graph/interpretations"]
    assert change["graphs"] == ["https://w3id.org/krakow-clusters/graph/clusters"]


def test_order_and_blank_node_labels_are_no_difference(tmp_path: Path):
    graph = "<https://w3id.org/krakow-clusters/graph/clusters>"
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    (one / "krakow-clusters.nq").write_text(
        f"<http://example.org/a> <http://example.org/p> _:x {graph} .\n"
        f'_:x <http://example.org/q> "1" {graph} .\n',
        encoding="utf-8",
    )
    (two / "krakow-clusters.nq").write_text(
        f'_:other <http://example.org/q> "1" {graph} .\n'
        f"<http://example.org/a> <http://example.org/p> _:other {graph} .\n",
        encoding="utf-8",
    )
    assert run(one, two).exit_code == 0
    (two / "krakow-clusters.nq").write_text(
        f'_:other <http://example.org/q> "2" {graph} .\n'
        f"<http://example.org/a> <http://example.org/p> _:other {graph} .\n",
        encoding="utf-8",
    )
    assert run(one, two).exit_code == 1


def test_an_older_release_without_quads_is_read_from_its_ntriples(release: Path, tmp_path: Path):
    older = copy_of(release, tmp_path)
    (older / "krakow-clusters.nq").unlink()
    result = run(older, release)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("problem", ["missing", "not-a-release", "broken"])
def test_what_cannot_be_compared_exits_2(release: Path, tmp_path: Path, problem: str):
    other = tmp_path / "other"
    if problem == "not-a-release":
        other.mkdir()
    elif problem == "broken":
        other.mkdir()
        (other / "krakow-clusters.nq").write_text(
            "<http://example.org/a> <b> .\n", encoding="utf-8"
        )
    result = run(release, other)
    assert result.exit_code == 2
    assert result.output.startswith("error: ") and "Traceback" not in result.output
