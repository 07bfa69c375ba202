"""The query library on the frozen fixture (goldens), on a real Oxigraph server and a real
Virtuoso (same answers), and on the real data (smoke, and the same answers on Virtuoso)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib.compare import isomorphic

from krakow_clusters.errors import CouldNotRun
from krakow_clusters.sparql.library import PARAM_TYPES, library
from krakow_clusters.sparql.run import run
from krakow_clusters.store.embedded import EmbeddedStore
from krakow_clusters.store.remote import RemoteStore

from .identity import GRAPH_BASE, NS
from .query_support import (
    FIXTURE_FILES,
    GOLDEN_DIR,
    WIKIDATA_FIXTURE,
    golden_path,
    read_golden,
    run_comparable,
)
from .servers import OxigraphServer, VirtuosoServer

ROOT = Path(__file__).resolve().parents[1]
QUERIES = library(ROOT / "queries", NS)
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


# Virtuoso 7.2 cannot run this one: SERVICE with a variable endpoint is refused by its SPARQL
# compiler ("SP031 … Unsupported combination of subqueries and service invocations"); see
# docs/publish.md.
NOT_ON_VIRTUOSO = {"wikidata-places"}
ON_VIRTUOSO = [name for name in NAMES if name not in NOT_ON_VIRTUOSO]


@pytest.fixture(scope="module")
def virtuoso_stores(
    tmp_path_factory: pytest.TempPathFactory, project
) -> Iterator[dict[str, RemoteStore]]:
    """One real Virtuoso, loaded like `publish --by-origin` does (Graph Store Protocol, the
    least-privileged user, a graph per origin) with the fixture or the real dataset: the two use
    the same graph names, so asking for the other one reloads the store (twice in a run: the tests
    of each come together). Each store's queries get the dataset's graphs with `default-graph-uri`
    and `named-graph-uri`, so that GRAPH answers as on the embedded store."""
    server = VirtuosoServer(tmp_path_factory.mktemp("virtuoso"))
    files = {"fixture": FIXTURE_FILES, "real": project.dataset_files()}
    loaded: dict[str, list[str]] = {}

    class Datasets(dict):
        def __missing__(self, name: str) -> RemoteStore:
            previous = [g for graphs in loaded.values() for g in graphs]
            loaded.clear()
            self.clear()
            graphs = loaded[name] = server.load_by_origin(files[name], replacing=previous)
            assert graphs, f"the {name} dataset has no named graphs"
            store = self[name] = RemoteStore(server.endpoint_for_dataset(graphs), timeout=30)
            return store

    try:
        server.start()
        yield Datasets()
    finally:
        server.stop()


@pytest.fixture(scope="module")
def fixture_store() -> EmbeddedStore:
    return EmbeddedStore.from_files(FIXTURE_FILES, GRAPH_BASE)


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
    # The injection tests go through real queries; each kind needs one. A `string` is bound as
    # a `name` is (a literal), only not folded: the search query's `name` stands for both.
    used = {p.type for q in QUERIES for p in q.params}
    assert used == set(PARAM_TYPES) - {"string"}


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


def test_the_queries_compared_on_virtuoso_are_all_but_the_one_it_cannot_run():
    assert len(ON_VIRTUOSO) == len(NAMES) - 1 >= 15
    assert set(NAMES) >= NOT_ON_VIRTUOSO


@pytest.mark.parametrize("name", ON_VIRTUOSO)
def test_virtuoso_gives_the_same_answer(name, fixture_store, servers, virtuoso_stores):
    query = QUERIES[NAMES.index(name)]
    wikidata = servers["wikidata"].query_url
    embedded = run_comparable(fixture_store, query, wikidata)
    remote = run_comparable(virtuoso_stores["fixture"], query, wikidata)
    if isinstance(embedded, dict):
        assert embedded["rows"], "compare on a query with an answer"
        assert remote == embedded
    else:
        assert len(embedded) > 20
        assert isomorphic(remote, embedded)


@pytest.mark.parametrize("name", ON_VIRTUOSO)
def test_virtuoso_gives_the_same_answer_on_the_real_data(name, dataset, virtuoso_stores):
    query = QUERIES[NAMES.index(name)]
    embedded = run_comparable(dataset, query, "urn:test:unused")
    remote = run_comparable(virtuoso_stores["real"], query, "urn:test:unused")
    if isinstance(embedded, dict):
        # An empty answer compares nothing: only the queries known to find nothing on the real
        # data may give one (their rows are compared on the fixture, where they find some).
        assert embedded["rows"] or name in EMPTY_ON_THE_REAL_DATA, f"{name}: no rows to compare"
        assert remote == embedded
    else:
        assert isomorphic(remote, embedded)


# No organisation holds two roles in one cluster in the real data.
EMPTY_ON_THE_REAL_DATA = {"multiple-roles"}


def test_the_federated_query_fails_on_virtuoso_in_one_line(servers, virtuoso_stores):
    (name,) = NOT_ON_VIRTUOSO
    query = QUERIES[NAMES.index(name)]
    with pytest.raises(CouldNotRun) as caught:
        run(virtuoso_stores["fixture"], query, {"endpoint": servers["wikidata"].query_url})
    message = str(caught.value)
    assert "answered HTTP 400" in message and "\n" not in message


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
    # "more than 70": no column says 70 members; the number is read with its qualifier.
    assert life["members"] is None and int(life["members_at_least"]) == 71
    assert int(life["stated_number"]) == 70 and str(life["qualifier"]) == "more than"
    assert int(by_name["South Poland Cleantech Cluster"]["members"]) == 80
    assert str(life["stated_as"]) == "more than 70 private and public entities"
    assert str(by_name["Cluster of Information Technologies in Construction"]["qualifier"])
    assert by_name["Intelligent Lighting Cluster"]["members"] is None


def _has_answer(golden) -> bool:
    return len(golden) > 0 if not isinstance(golden, dict) else bool(golden.get("rows"))


def test_dataset_statistics_are_the_figures_of_the_void_description(dataset):
    """`dataset-statistics` counts on the store what `build` writes into void.ttl: the total
    triples and distinct subjects, each class partition's entities, each property partition's
    triples (release/void.py computes them in Python from the triples themselves)."""
    from krakow_clusters.release.void import void_statistics

    void = void_statistics(dataset)
    rows = run(dataset, QUERIES[NAMES.index("dataset-statistics")]).dicts()
    by_kind: dict[str, dict] = {"class": {}, "property": {}}
    totals = [r for r in rows if str(r["kind"]) == "total"]
    assert len(totals) == 1 and str(rows[0]["kind"]) == "total", "the total comes first, once"
    for r in rows:
        if str(r["kind"]) != "total":
            value = r["instances"] if str(r["kind"]) == "class" else r["triples"]
            by_kind[str(r["kind"])][str(r["term"])] = int(value)
    assert int(totals[0]["triples"]) == void["triples"] > 1000
    assert int(totals[0]["instances"]) == void["distinctSubjects"]
    assert by_kind["class"] == void["classes_partition"]
    assert by_kind["property"] == void["properties_partition"]
    assert len(by_kind["class"]) == void["classes"] > 10
