"""The response cache of the app (AppState.cached) is bounded: the keys hold visitors' parameter
values, so an unbounded cache would grow with every distinct query string."""

from __future__ import annotations

from pathlib import Path

import anyio
import pytest
from starlette.responses import Response

from krakow_clusters.project import Project
from krakow_clusters.store.embedded import EmbeddedStore
from krakow_clusters.web.state import AppState, ServeOptions

from .appserver import get
from .identity import GRAPH_BASE

ROOT = Path(__file__).resolve().parents[1]


def _state(tmp_path: Path) -> AppState:
    return AppState(
        ServeOptions(Project(ROOT), EmbeddedStore.from_files([], GRAPH_BASE), tmp_path / "dist")
    )


def test_the_cache_keeps_at_most_its_maximum_the_most_recent_stays(tmp_path):
    state = _state(tmp_path)
    state.max_cached = 5
    made = []

    async def fill() -> None:
        for i in range(12):

            async def make(i: int = i) -> Response:
                made.append(i)
                return Response(f"page {i}")

            await state.cached(("search", f"text {i}"), make)
            assert len(state.cache) <= 5

    anyio.run(fill)
    assert len(state.cache) == 5
    assert list(state.cache) == [("search", f"text {i}") for i in range(7, 12)]


def test_a_response_given_again_is_the_last_to_go(tmp_path):
    state = _state(tmp_path)
    state.max_cached = 3
    made = []

    async def ask(i: int) -> None:
        async def make() -> Response:
            made.append(i)
            return Response(f"page {i}")

        await state.cached(("page", i), make)

    async def run() -> None:
        for i in (0, 1, 2, 0, 3):  # 0 used again: 1 is the least recently used when 3 comes
            await ask(i)

    anyio.run(run)
    assert made == [0, 1, 2, 3], "0 was given from the cache"
    assert set(state.cache) == {("page", 0), ("page", 2), ("page", 3)}


def test_the_query_library_is_read_once(tmp_path, monkeypatch):
    state = _state(tmp_path)
    first = state.query_library()
    assert first, "the project has saved queries"
    reads = []
    monkeypatch.setattr("krakow_clusters.web.state.library", lambda d: reads.append(d) or [])
    assert state.query_library() is first
    assert reads == []


def test_void_is_parsed_once_and_again_when_it_changes(tmp_path):
    state = _state(tmp_path)
    void = tmp_path / "void.ttl"
    void.write_text("<urn:a> <urn:b> <urn:c> .\n", encoding="utf-8")
    graph = state.void_graph(void)
    assert len(graph) == 1
    assert state.void_graph(void) is graph
    void.write_text("<urn:a> <urn:b> <urn:c> , <urn:d> .\n", encoding="utf-8")
    assert len(state.void_graph(void)) == 2


@pytest.mark.parametrize(
    ("path", "accept"),
    [
        ("/", "text/html"),
        ("/id/cluster/bim", "text/html"),
        ("/id/cluster/bim", "text/turtle"),
        ("/queries/overview", "text/html"),
    ],
)
def test_a_page_has_an_etag_and_a_client_with_it_gets_304(app, path, accept):
    status, headers, body = get(app.base + path, accept)
    assert status == 200 and body
    etag = headers["ETag"]
    assert etag.startswith('"') and etag.endswith('"')
    status, again, body = get(app.base + path, accept, **{"If-None-Match": f'"x", {etag}'})
    assert (status, body) == (304, b"")
    assert again["ETag"] == etag and again.get("Vary") == headers.get("Vary")
    status, _headers, body = get(app.base + path, accept, **{"If-None-Match": '"other"'})
    assert status == 200 and body
