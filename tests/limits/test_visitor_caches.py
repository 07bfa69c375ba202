"""Issue 22: memory that never came back: module-level dictionaries of the JSON-LD writer and the
CURIE function's 65,536-entry cache kept what visitors' answers held (+466 MB in six requests).

No cache or table keyed by what a visitor sends grows without bound: the CURIE cache keeps a few
thousand short IRIs, the JSON-LD writer keeps nothing between documents, the page cache is
bounded in bytes as well as in responses, and the reconciler is one per app."""

from __future__ import annotations

import gc
from pathlib import Path

import anyio
import rdflib
from starlette.responses import Response

from krakow_clusters.formats import jsonld_writer
from krakow_clusters.formats import media as F
from krakow_clusters.formats.rdf import serialize_graph
from krakow_clusters.project import Project
from krakow_clusters.rdf.namespaces import Namespaces
from krakow_clusters.store.embedded import EmbeddedStore
from krakow_clusters.web.guard import Limits
from krakow_clusters.web.state import AppState, ServeOptions

from ..identity import GRAPH_BASE, NAMESPACES

ROOT = Path(__file__).resolve().parents[2]


def module_sizes(module) -> dict[str, int]:
    """The sizes of a module's dictionaries, lists and sets."""
    return {
        name: len(value)
        for name, value in vars(module).items()
        if isinstance(value, dict | list | set)
    }


def test_the_curie_cache_is_bounded_and_keeps_no_long_iri():
    table = Namespaces("https://example.org/visitors/")  # its own cache, not the project's
    base = table.table["cluster"]
    for i in range(20_000):
        table.curie(f"{base}c{i}")
    info = table._cached.cache_info()
    assert info.maxsize is not None and info.currsize <= info.maxsize <= 10_000
    table._cached.cache_clear()
    assert table.curie(base + "x" * 100_000) == "cluster:" + "x" * 100_000
    assert table._cached.cache_info().currsize == 0, "a long IRI is not kept"


def test_the_jsonld_writer_keeps_nothing_of_an_answer():
    before = module_sizes(jsonld_writer)
    triples = [
        (
            rdflib.URIRef(f"http://example.org/s{i}"),
            rdflib.URIRef("http://example.org/p"),
            rdflib.Literal("x", lang=f"x-l{i}")
            if i % 2
            else rdflib.Literal("y", datatype=rdflib.URIRef(f"http://example.org/d{i}")),
        )
        for i in range(2_000)
    ]
    serialize_graph(triples, F.JSONLD, NAMESPACES, canonical=False)
    gc.collect()
    assert module_sizes(jsonld_writer) == before


def test_the_page_cache_is_bounded_in_bytes(tmp_path):
    settings = ServeOptions(
        Project(ROOT),
        EmbeddedStore.from_files([], GRAPH_BASE),
        tmp_path / "dist",
        limits=Limits(cache_bytes=1_000_000),
    )
    state = AppState(settings)

    async def fill() -> None:
        for i in range(100):

            async def make(i: int = i) -> Response:
                return Response(b"x" * 100_000 + str(i).encode())

            await state.cached(("page", i), make)
            assert state.cache_size <= settings.limits.cache_bytes

    anyio.run(fill)
    assert 0 < len(state.cache) < 100
    assert state.cache_size == sum(
        len(r.body) + sum(len(k) + len(v) for k, v in r.raw_headers) + len(repr(k))
        for k, (_made, r) in state.cache.items()
    )
    # A response larger than an eighth of the budget is not kept at all.

    async def huge() -> None:
        async def make() -> Response:
            return Response(b"x" * 200_000)

        await state.cached(("huge",), make)

    anyio.run(huge)
    assert ("huge",) not in state.cache
