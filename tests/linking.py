"""Shared helpers of the `link` tests: the Wikidata-shaped fixture, project copies, clients."""

from __future__ import annotations

import shutil
from pathlib import Path

from krakow_clusters.project import Project
from krakow_clusters.wikidata.client import ClientSettings, WikidataClient

FIXTURES = Path(__file__).resolve().parent / "fixtures"
WIKIDATA_FIXTURE = FIXTURES / "wikidata" / "wikidata-fixture.ttl"
ID = "https://w3id.org/krakow-clusters/id/"
WD = "http://www.wikidata.org/entity/"


def copy_project(project: Project, target: Path) -> Project:
    """A copy of the checkout's ontology/, data/, queries/ and settings.toml to alter freely."""
    for part in ("ontology", "data", "queries"):
        shutil.copytree(project.root / part, target / part)
    shutil.copy(project.root / "settings.toml", target / "settings.toml")
    return Project(target)


def client(endpoint: str, cache: Path | None = None, **extra) -> WikidataClient:
    """A client with test-sized timeouts and no pause between requests."""
    settings = {"read_timeout": 10, "deadline": 20, "pause": 0, "cache_dir": cache, **extra}
    return WikidataClient(ClientSettings(endpoint=endpoint, **settings))
