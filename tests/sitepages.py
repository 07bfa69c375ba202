"""The kinds of page people read, and the servers the page tests open them on.

`real_app` is `serve` over the real data with a real release (built here) as its --dist, so that
every page kind exists, the dataset page included (the default `app` fixture serves a small
hand-made dist/). `static_site` serves that same release's folder with Python's static file
server, as any static host would.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from krakow_clusters.project import Project
from krakow_clusters.release.build import build

from .appserver import AppServer, start_server

LANGUAGES = ("en", "pl")

# Page kind -> its path on serve (without a language prefix). One page of each kind the issue
# names; the ones after "dataset" exist only on serve.
KINDS = {
    "home": "/",
    "index": "/id/",
    "cluster": "/id/cluster/lifescience-krakow",
    "organisation": "/id/organization/agh-university",
    "sector": "/id/sector/clean-energy",
    "concept": "/id/member-type/enterprise",
    "search": "/search?q=krakow",
    "dataset": "/dataset",
    "ontology": "/ontology",
    "sparql": "/sparql",
    "queries": "/queries/",
    "saved-query": "/queries/clusters-in-sector",
    "wide-answer": "/queries/overview",
    "not-found": "/id/cluster/no-such-cluster",
    "bad-filter": "/?sector=clean-enrgy",
}

# The same kinds in the static site: the file under site/ (English; Polish under site/pl/).
STATIC_KINDS = {
    "home": "index.html",
    "index": "id/index.html",
    "cluster": "id/cluster/lifescience-krakow.html",
    "organisation": "id/organization/agh-university.html",
    "sector": "id/sector/clean-energy.html",
    "concept": "id/member-type/enterprise.html",
    "search": "search.html?q=krakow",
    "dataset": "dataset.html",
    "ontology": "../ontology/index.{lang}.html",  # beside the site, in the release
}


def serve_path(kind: str, lang: str) -> str:
    """The path of a page kind on serve in `lang`, chosen by its prefix (`/pl/id/…`)."""
    return f"/{lang}{KINDS[kind]}"


def static_path(kind: str, lang: str) -> str:
    """The path of a page kind on the static host (the release folder at its root)."""
    if STATIC_KINDS[kind].startswith("../"):
        return "/" + STATIC_KINDS[kind][3:].format(lang=lang)
    return "/site/" + ("" if lang == "en" else f"{lang}/") + STATIC_KINDS[kind]


@pytest.fixture(scope="session")
def real_release(project: Project, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A release of the real data, static site included, built like `krakow-clusters build`."""
    out = tmp_path_factory.mktemp("real-release") / "dist"
    assert build(project, out).built
    return out


@pytest.fixture(scope="session")
def real_app(tmp_path_factory: pytest.TempPathFactory, real_release: Path) -> Iterator[AppServer]:
    """`serve` over the real data, with the real release as its dist/."""
    yield from start_server(tmp_path_factory.mktemp("serve-real"), "--dist", str(real_release))


@pytest.fixture(scope="session")
def static_site(real_release: Path) -> Iterator[str]:
    """The base URL of the release folder on a static file server (127.0.0.1, a free port)."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(real_release.resolve()))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
