"""A real client: OpenRefine reconciles a column against `krakow-clusters serve`'s /reconcile."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from .appserver import AppServer, get
from .openrefine import OpenRefine, needs_openrefine

NAMES = """name
Lifescience Krakow
Klaster Czystej Energii
krakowski klaster filmowy
Intelligent Lightning Cluster
Warsaw Fintech Hub
"""


@pytest.fixture(scope="module")
def refine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OpenRefine]:
    server = OpenRefine(tmp_path_factory.mktemp("openrefine")).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    tmp: Path = tmp_path_factory.mktemp("serve-reconcile")
    server = AppServer(tmp / "serve.log", "--dist", str(tmp / "no-dist")).start()
    try:
        yield server
    finally:
        server.stop()


@needs_openrefine
@pytest.mark.timeout(300)
def test_openrefine_reconciles_a_column_against_the_service(refine, served):
    service = served.base + "/reconcile"
    status, _headers, body = get(service)
    assert status == 200
    manifest = json.loads(body)

    project = refine.create_project("names", NAMES)
    answer = refine.reconcile(project, "name", service, manifest, "cluster")
    assert answer.get("code") in ("ok", "pending"), answer
    refine.wait_idle(project)

    result = refine.rows(project)
    recons = result["pool"]["recons"]
    cells = {row["cells"][0]["v"]: recons.get(row["cells"][0].get("r")) for row in result["rows"]}
    assert len(cells) == 5
    for recon in cells.values():
        assert recon is not None and recon["service"] == service
        assert recon["identifierSpace"] == "https://w3id.org/krakow-clusters/id/"

    def matched(name: str) -> str | None:
        recon = cells[name]
        return recon["m"]["id"] if recon.get("j") == "matched" else None

    # Exact names, once folded, are matched automatically...
    assert matched("Lifescience Krakow") == "cluster/lifescience-krakow"
    assert matched("Klaster Czystej Energii") == "cluster/malopolsko-podkarpacki-clean-energy"
    assert matched("krakowski klaster filmowy") == "cluster/cracov-movies"
    # ...a typo is a candidate for a person to confirm, and an unrelated name gets nothing.
    lightning = cells["Intelligent Lightning Cluster"]
    assert lightning["j"] == "none"
    assert lightning["c"][0]["id"] == "cluster/intelligent-lighting"
    assert 0 < lightning["c"][0]["score"] < 100
    assert cells["Warsaw Fintech Hub"]["j"] == "none"
    assert not cells["Warsaw Fintech Hub"].get("c")
