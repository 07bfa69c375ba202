"""Shared fixtures: the project checkout, the loaded dataset, real local servers."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pytest

from krakow_clusters.project import Project
from krakow_clusters.store.embedded import EmbeddedStore

from .identity import GRAPH_BASE
from .servers import OxigraphServer, VirtuosoServer

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def project() -> Project:
    return Project(ROOT)


def validate_with_ontology(project: Project, path: Path, engine: str = "auto"):
    """Validate one frozen graph together with the ontology and schemes (not with data/), so that
    curating the real data does not change what fixtures and generated graphs report."""
    from krakow_clusters.validate import validate_files

    files = [*project.ontology_files(), path]
    return validate_files(
        project.settings, files, project.shapes_file, project.check_queries(), engine=engine
    )


@pytest.fixture(scope="session")
def dataset(project: Project) -> EmbeddedStore:
    """The real dataset (ontology, schemes, data, links) in the embedded store."""
    return EmbeddedStore.from_files(project.dataset_files(), GRAPH_BASE)


@pytest.fixture
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., OxigraphServer]]:
    """Start real Oxigraph servers: `oxigraph(files)`; all are stopped by pid at teardown."""
    started: list[OxigraphServer] = []

    def start(files: Iterable[Path] = (), read_only: bool = False) -> OxigraphServer:
        server = OxigraphServer(tmp_path_factory.mktemp("oxigraph"), files, read_only).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[], VirtuosoServer]]:
    """Start real Virtuoso servers: `virtuoso()`; all are stopped by pid at teardown."""
    started: list[VirtuosoServer] = []

    def start() -> VirtuosoServer:
        server = VirtuosoServer(tmp_path_factory.mktemp("virtuoso"))
        started.append(server)
        return server.start()

    yield start
    for server in started:
        server.stop()


# `krakow-clusters serve` fixtures (real uvicorn servers in subprocesses), shared by test_server*.
from .appserver import app, dist_dir, strict_app  # noqa: E402, F401

# The headless browser (chromium through Selenium), shared by the browser tests.
from .browser import browser  # noqa: E402, F401

# `serve` over the real data with a real release, and that release on a static file server: the
# page tests' servers (tests/sitepages.py).
from .sitepages import real_app, real_release, static_site  # noqa: E402, F401


@pytest.fixture
def checkout(tmp_path, monkeypatch) -> Path:
    """A copy of the project's sources that a test may break; the CLI is pointed at it."""
    for folder in ("ontology", "data", "queries"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    shutil.copy(ROOT / "settings.toml", tmp_path / "settings.toml")
    monkeypatch.setenv("KRAKOW_CLUSTERS_HOME", str(tmp_path))
    return tmp_path


def edit(path: Path, old: str, new: str) -> None:
    """Replace the first `old` in a file of a checkout, which must hold it."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
