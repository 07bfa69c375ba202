"""`build` gives the same bytes twice, and never leaves a half-written or stale-mixed release."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from krakow_clusters.cli import cli
from krakow_clusters.errors import CouldNotRun
from krakow_clusters.project import Project
from krakow_clusters.release import dumps, ontology
from krakow_clusters.release.build import build

from .conftest import ROOT


def snapshot(folder: Path) -> dict[str, bytes]:
    files = {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    assert files, f"{folder} holds no file"
    return files


@pytest.fixture
def checkout(tmp_path: Path) -> Project:
    """A copy of the project's sources, free to break."""
    root = tmp_path / "checkout"
    for name in ("ontology", "data", "queries"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copy(ROOT / "settings.toml", root / "settings.toml")
    return Project(root)


def test_two_builds_are_byte_identical(project: Project, tmp_path: Path):
    # Two processes with different hash seeds, so no set or dict order can leak into the output.
    for folder, seed in (("one", "1"), ("two", "4242")):
        env = {**os.environ, "PYTHONHASHSEED": seed, "KRAKOW_CLUSTERS_HOME": str(project.root)}
        out = tmp_path / folder / "dist"
        command = [sys.executable, "-m", "krakow_clusters.cli", "build", "--out", str(out)]
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
    a, b = snapshot(tmp_path / "one" / "dist"), snapshot(tmp_path / "two" / "dist")
    assert sorted(a) == sorted(b)
    assert len(a) >= 14
    site = [name for name in a if name.startswith("site/id/cluster/")]
    assert len(site) == 8, "the static site is part of what is compared"
    for name in a:
        assert a[name] == b[name], f"{name} differs between two builds"


def test_rebuild_in_place_replaces_the_release(project: Project, tmp_path: Path):
    out = tmp_path / "dist"
    build(project, out)
    (out / "stale-file.txt").write_text("from an older release")
    build(project, out)
    assert not (out / "stale-file.txt").exists()
    assert (out / "void.ttl").is_file()
    assert out.is_symlink(), "dist is a link to the current release, swapped in one rename"
    beside = sorted(p.name for p in tmp_path.iterdir())
    assert beside == sorted(["dist", os.readlink(out)]), "only the current release is kept"


def test_what_a_killed_build_left_behind_is_removed_by_the_next(project: Project, tmp_path: Path):
    out = tmp_path / "dist"
    build(project, out)
    (tmp_path / ".dist-killed123").mkdir()  # a staging folder of a build killed midway
    (tmp_path / ".dist-link-.dist-killed123").symlink_to(".dist-killed123")
    build(project, out)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["dist", os.readlink(out)])


def test_a_release_folder_from_an_older_build_becomes_a_link(project: Project, tmp_path: Path):
    out = tmp_path / "dist"
    out.mkdir()
    (out / "void.ttl").write_text("# an older release, a real folder\n")
    build(project, out)
    assert out.is_symlink()
    assert "DCAT-AP" in (out / "void.ttl").read_text(encoding="utf-8")


def test_a_build_that_fails_midway_leaves_the_previous_release(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    out = tmp_path / "dist"
    build(project, out)
    before = snapshot(out)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full (simulated)")

    # The RDF/XML writer runs after the dumps are written and before void.ttl.
    monkeypatch.setattr(ontology, "serialize_rdfxml", broken)
    with pytest.raises(RuntimeError, match="simulated"):
        build(project, out)
    assert snapshot(out) == before
    beside = sorted(p.name for p in tmp_path.iterdir())
    assert beside == sorted(["dist", os.readlink(out)]), "the staging folder is removed"


def test_cli_builds_and_lists_the_files(checkout: Project, tmp_path: Path):
    out = tmp_path / "dist"
    result = CliRunner().invoke(
        cli, ["build", "--out", str(out)], env={"KRAKOW_CLUSTERS_HOME": str(checkout.root)}
    )
    assert result.exit_code == 0, result.output
    assert "void.ttl" in result.output
    assert result.output.rstrip().endswith(f"in {out}.")


def test_cli_base_iri_moves_downloads_not_identifiers(checkout: Project, tmp_path: Path):
    out = tmp_path / "dist"
    base = "http://127.0.0.1:8000/"
    result = CliRunner().invoke(
        cli,
        ["build", "--out", str(out), "--base-iri", base],
        env={"KRAKOW_CLUSTERS_HOME": str(checkout.root)},
    )
    assert result.exit_code == 0, result.output
    void = (out / "void.ttl").read_text(encoding="utf-8")
    assert f"<{base}sparql>" in void
    assert f"<{base}krakow-clusters.ttl>" in void
    dump = (out / "krakow-clusters.jsonld").read_text(encoding="utf-8")
    assert f'"@context": "{base}context.jsonld"' in dump
    assert '"id": "cluster:bim"' in dump


def test_syntax_error_exits_2_and_leaves_dist(checkout: Project, tmp_path: Path):
    out = tmp_path / "dist"
    env = {"KRAKOW_CLUSTERS_HOME": str(checkout.root)}
    assert CliRunner().invoke(cli, ["build", "--out", str(out)], env=env).exit_code == 0
    before = snapshot(out)
    data = checkout.data_dir / "clusters.ttl"
    data.write_text(data.read_text(encoding="utf-8") + "\ncluster:broken a \n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", "--out", str(out)], env=env)
    assert result.exit_code == 2, result.output
    assert "error:" in result.output and "clusters.ttl" in result.output
    assert "Traceback" not in result.output
    assert snapshot(out) == before


def test_non_conforming_data_exits_1_and_leaves_dist(checkout: Project, tmp_path: Path):
    out = tmp_path / "dist"
    env = {"KRAKOW_CLUSTERS_HOME": str(checkout.root)}
    assert CliRunner().invoke(cli, ["build", "--out", str(out)], env=env).exit_code == 0
    before = snapshot(out)
    draft = checkout.data_dir / "draft.ttl"
    draft.write_text(
        "<https://w3id.org/krakow-clusters/id/cluster/nameless>"
        " a <https://w3id.org/krakow-clusters/ontology#ClusterInitiative> .\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["build", "--out", str(out)], env=env)
    assert result.exit_code == 1, result.output
    assert "Does not conform" in result.output
    assert "nameless" in result.output
    assert snapshot(out) == before


def test_non_conforming_data_builds_nothing_where_there_was_nothing(
    checkout: Project, tmp_path: Path
):
    (checkout.data_dir / "draft.ttl").write_text(
        "<https://w3id.org/krakow-clusters/id/cluster/nameless>"
        " a <https://w3id.org/krakow-clusters/ontology#ClusterInitiative> .\n",
        encoding="utf-8",
    )
    result = build(checkout, tmp_path / "dist")
    assert not result.built and not result.report.conforms
    assert not (tmp_path / "dist").exists()
    assert not any(p.name.startswith(".dist") for p in tmp_path.iterdir())


def test_refuses_to_replace_a_folder_that_is_not_a_release(checkout: Project, tmp_path: Path):
    env = {"KRAKOW_CLUSTERS_HOME": str(checkout.root)}
    precious = tmp_path / "notes"
    precious.mkdir()
    (precious / "todo.txt").write_text("keep me")
    for target in (precious, checkout.root, checkout.root / "data"):
        result = CliRunner().invoke(cli, ["build", "--out", str(target)], env=env)
        assert result.exit_code == 2, (target, result.output)
        assert "refusing" in result.output or "not an earlier release" in result.output
    assert (precious / "todo.txt").read_text() == "keep me"
    assert (checkout.data_dir / "clusters.ttl").is_file()


def test_rejects_a_base_iri_that_is_not_http(checkout: Project, tmp_path: Path):
    env = {"KRAKOW_CLUSTERS_HOME": str(checkout.root)}
    for base in ("ftp://example.org/", "https://exa mple.org/", "krakow-clusters"):
        args = ["build", "--out", str(tmp_path / "dist"), "--base-iri", base]
        result = CliRunner().invoke(cli, args, env=env)
        assert result.exit_code == 2, (base, result.output)
        assert "--base-iri" in result.output
    assert not (tmp_path / "dist").exists()


# --- validation beside the writers, in a thread (large graphs: release.build.PARALLEL_FROM) -------

NAMELESS = (
    "<https://w3id.org/krakow-clusters/id/cluster/nameless>"
    " a <https://w3id.org/krakow-clusters/ontology#ClusterInitiative> .\n"
)


def test_validating_beside_the_writers_builds_the_same_release(project: Project, tmp_path: Path):
    build(project, tmp_path / "one" / "dist", parallel=False)
    result = build(project, tmp_path / "two" / "dist", parallel=True)
    assert result.built and result.report.conforms
    assert snapshot(tmp_path / "one" / "dist") == snapshot(tmp_path / "two" / "dist")


def test_validating_beside_the_writers_reports_as_first(checkout: Project, tmp_path: Path):
    out = tmp_path / "release" / "dist"
    build(checkout, out, parallel=True)
    before = snapshot(out)
    (checkout.data_dir / "draft.ttl").write_text(NAMELESS, encoding="utf-8")
    one = build(checkout, out, parallel=False)
    two = build(checkout, out, parallel=True)
    assert not two.built and not two.report.conforms
    assert two.report.findings == one.report.findings
    assert len(two.report.graph) == len(one.report.graph)
    assert dict(two.report.graph.namespaces()) == dict(one.report.graph.namespaces())
    assert snapshot(out) == before
    assert sorted(p.name for p in out.parent.iterdir()) == sorted(["dist", os.readlink(out)])


def test_non_conforming_data_that_breaks_a_writer_gets_its_report(
    checkout: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    (checkout.data_dir / "draft.ttl").write_text(NAMELESS, encoding="utf-8")

    def broken(*args, **kwargs):
        raise ValueError("a writer meets data it cannot write")

    monkeypatch.setattr(dumps, "serialize_turtle", broken)
    result = build(checkout, tmp_path / "dist", parallel=True)
    assert not result.built and not result.report.conforms
    assert not (tmp_path / "dist").exists()


def test_an_error_in_the_validation_thread_is_an_error_here(checkout: Project, tmp_path: Path):
    broken = "@prefix sh: <http://www.w3.org/ns/shacl#> .\n<a> sh:x "
    checkout.shapes_file.write_text(broken, encoding="utf-8")
    for parallel in (False, True):
        with pytest.raises(CouldNotRun, match=r"shapes\.ttl"):
            build(checkout, tmp_path / "dist", parallel=parallel)
    assert not (tmp_path / "dist").exists()
