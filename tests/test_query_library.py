"""The query library on the frozen fixture (goldens), on a real Oxigraph server (same answers),
and on the real data (smoke)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib.compare import isomorphic

from krakow_clusters.sparql.library import PARAM_TYPES, library
from krakow_clusters.sparql.run import run
from krakow_clusters.store.embedded import EmbeddedStore
from krakow_clusters.store.remote import RemoteStore

from .query_support import (
    FIXTURE_FILES,
    GOLDEN_DIR,
    WIKIDATA_FIXTURE,
    golden_path,
    read_golden,
    run_comparable,
)
from .servers import OxigraphServer

ROOT = Path(__file__).resolve().parents[1]
QUERIES = library(ROOT / "queries")
NAMES = [q.name for q in QUERIES]


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, OxigraphServer]]:
    """Two real Oxigraph servers: the fixture dataset, and the Wikidata-shaped fixture."""
    started: dict[str, OxigraphServer] = {}
    try:
        for name, files in (("data", FIXTURE_FILES), ("wikidata", [WIKIDATA_FIXTURE])):
            server = OxigraphServer(tmp_path_factory.mktemp(f"oxigraph-{name}"), files, True)
            started[name] = server.start()
        yield started
    finally:
        for server in started.values():
            server.stop()


@pytest.fixture(scope="module")
def fixture_store() -> EmbeddedStore:
    return EmbeddedStore.from_files(FIXTURE_FILES)


def test_the_library_is_complete():
    assert len(QUERIES) >= 15, f"found only {len(QUERIES)} queries in queries/"
    assert "overview" in NAMES
    for query in QUERIES:
        assert query.summary, f"{query.name}: no '#+ summary:' line"
        assert query.description, f"{query.name}: no '#+ description:' line"
    missing = [q.name for q in QUERIES if not golden_path(q).is_file()]
    assert not missing, f"no golden result for {missing}: run scripts/regen_goldens.py and review"
    orphans = {p.stem for p in GOLDEN_DIR.iterdir()} - set(NAMES)
    assert not orphans, f"goldens without a query: {sorted(orphans)}"


def test_every_parameter_kind_is_used():
    # The injection tests go through real queries; each kind needs one.
    used = {p.type for q in QUERIES for p in q.params}
    assert used == set(PARAM_TYPES)


@pytest.mark.parametrize("name", NAMES)
def test_golden(name, fixture_store, servers):
    query = QUERIES[NAMES.index(name)]
    got = run_comparable(fixture_store, query, servers["wikidata"].query_url)
    expected = read_golden(query)
    if query.name == "cluster-description":
        assert isomorphic(got, expected), "the CONSTRUCT graph differs from its golden"
        assert len(got) > 20
    else:
        assert got == expected


@pytest.mark.parametrize("name", NAMES)
def test_remote_endpoint_gives_the_same_answer(name, fixture_store, servers):
    query = QUERIES[NAMES.index(name)]
    wikidata = servers["wikidata"].query_url
    embedded = run_comparable(fixture_store, query, wikidata)
    remote = run_comparable(RemoteStore(servers["data"].query_url, timeout=20), query, wikidata)
    if isinstance(embedded, dict):
        assert remote == embedded
    else:
        assert isomorphic(remote, embedded)


def test_goldens_are_not_empty():
    # A golden with no row checks little; every query has an answer on the fixture.
    empty = [q.name for q in QUERIES if not _has_answer(read_golden(q))]
    assert not empty, f"goldens with no rows: {empty}"


# --- the real data -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_every_query_runs_on_the_real_data(name, dataset, servers):
    query = QUERIES[NAMES.index(name)]
    params = {p.name: servers["wikidata"].query_url for p in query.params if p.name == "endpoint"}
    result = run(dataset, query, params)
    assert result.kind in ("select", "graph")
    if result.kind == "graph":
        assert result.triples
    else:
        assert all(len(row) == len(result.variables) for row in result.rows)


def test_overview_on_the_real_data_has_the_eight_clusters(dataset):
    result = run(dataset, QUERIES[NAMES.index("overview")])
    rows = result.dicts()
    assert len(rows) == 8
    # `build` publishes this query as overview.csv; these columns are read by its users.
    assert {"cluster", "members", "qualifier", "stated_as"} <= set(result.variables)
    by_name = {str(r["cluster_label"]): r for r in rows}
    life = by_name["LifeScience Kraków Cluster"]
    assert int(life["members"]) == 70 and str(life["qualifier"]) == "more than"
    assert str(life["stated_as"]) == "more than 70 private and public entities"
    assert str(by_name["Cluster of Information Technologies in Construction"]["qualifier"])
    assert by_name["Intelligent Lighting Cluster"]["members"] is None


def _has_answer(golden) -> bool:
    return len(golden) > 0 if not isinstance(golden, dict) else bool(golden.get("rows"))
