"""`krakow-clusters publish` against a real Oxigraph server and a real Virtuoso, and its failures
as one line."""

from __future__ import annotations

import http.server
import json
import threading
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from krakow_clusters.cli import cli
from krakow_clusters.errors import CouldNotRun
from krakow_clusters.project import find_project
from krakow_clusters.publish import derive_query_endpoint
from krakow_clusters.rdf.sparqltext import inject_values
from krakow_clusters.store import gsp
from krakow_clusters.store.remote import RemoteStore

from .httpservers import answer, scripted_server, short_body
from .servers import free_port

# The graph publish fills by default: the project's settings say where.
DEFAULT_GRAPH = find_project().settings.dataset_graph

SECRET = "pa55-do-not-print"


def count_in(server, graph: str) -> int:
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    url = server.query_url + "?" + urllib.parse.urlencode({"query": query})
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return int(json.load(response)["results"]["bindings"][0]["n"]["value"])


def run(*args: str, env: dict | None = None):
    return CliRunner().invoke(cli, ["publish", *args], env=env, catch_exceptions=False)


def test_publish_loads_and_a_second_publish_replaces(oxigraph, dataset):
    server = oxigraph()
    first = run("--endpoint", server.store_url)
    assert first.exit_code == 0, first.output
    assert f"published {len(dataset)} triples" in first.output
    assert count_in(server, DEFAULT_GRAPH) == len(dataset)
    second = run("--endpoint", server.store_url)
    assert second.exit_code == 0, second.output
    assert count_in(server, DEFAULT_GRAPH) == len(dataset), "PUT replaces, never duplicates"


def test_publish_by_origin_puts_each_graph_under_its_own_iri(oxigraph, dataset):
    server = oxigraph()
    for _ in range(2):  # the second PUT of each graph replaces it
        result = run("--endpoint", server.store_url, "--by-origin")
        assert result.exit_code == 0, result.output
    names = dataset.graph_names()
    assert len(names) >= 10
    assert f"in {len(names)} graphs by origin" in result.output
    article = "https://w3id.org/krakow-clusters/graph/clusters"
    in_article = dataset.query(f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{article}> {{ ?s ?p ?o }} }}")
    assert count_in(server, article) == int(in_article.rows[0][0]) > 100
    assert count_in(server, DEFAULT_GRAPH) == 0
    both = run("--endpoint", server.store_url, "--by-origin", "--graph", DEFAULT_GRAPH)
    assert both.exit_code == 2 and both.output.startswith("error: ")


def test_publish_to_a_chosen_graph_with_explicit_query_endpoint(oxigraph, dataset):
    server = oxigraph()
    graph = "https://example.org/graphs/clusters"
    result = run(
        "--endpoint", server.store_url, "--graph", graph, "--query-endpoint", server.query_url
    )
    assert result.exit_code == 0, result.output
    assert count_in(server, graph) == len(dataset)
    assert count_in(server, DEFAULT_GRAPH) == 0


def test_unreachable_store_is_one_line_exit_2():
    port = free_port()
    result = CliRunner().invoke(
        cli, ["publish", "--endpoint", f"http://127.0.0.1:{port}/store"], catch_exceptions=False
    )
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: cannot reach the store at http://127.0.0.1:")


class _Refusing(http.server.BaseHTTPRequestHandler):
    status = 500

    def do_PUT(self):
        length = int(self.headers.get("Content-Length", 0))
        self.rfile.read(length)
        self.send_response(self.server.status)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(b"store says no\n")

    def log_message(self, *args):
        pass


@pytest.fixture
def refusing_store() -> Iterator:
    """A real HTTP server on loopback that answers every PUT with a chosen status."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Refusing)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (401, "refused access (HTTP 401)"),
        (403, "refused access (HTTP 403)"),
        (500, "failed (HTTP 500): store says no"),
        (503, "failed (HTTP 503): store says no"),
    ],
)
def test_refusals_are_one_line_exit_2_without_credentials(refusing_store, status, expected):
    refusing_store.status = status
    url = f"http://127.0.0.1:{refusing_store.server_address[1]}/store"
    env = {"KRAKOW_CLUSTERS_USER": "publisher", "KRAKOW_CLUSTERS_PASSWORD": SECRET}
    result = run("--endpoint", url, env=env)
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert expected in lines[0]
    assert SECRET not in result.output


def test_a_graph_that_is_not_an_absolute_iri_is_refused_before_any_request():
    result = run("--endpoint", "http://127.0.0.1:9/store", "--graph", "graphs/a b")
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert lines == ["error: parameter graph: 'graphs/a b' is not an absolute IRI (one that starts "
                     "with its scheme, such as https://…)"]  # fmt: skip


def test_query_endpoint_is_derived_for_oxigraph_and_virtuoso_only():
    assert derive_query_endpoint("http://h:7878/store") == "http://h:7878/query"
    assert derive_query_endpoint("http://h:8890/sparql-graph-crud-auth") == "http://h:8890/sparql"
    assert derive_query_endpoint("http://h:8890/sparql-graph-crud/") == "http://h:8890/sparql"
    result = run("--endpoint", "http://127.0.0.1:9/graphs")
    assert result.exit_code == 2
    assert "--query-endpoint" in result.output


def test_bindings_become_a_values_block_in_the_where_group():
    query = (
        'PREFIX x: <urn:x#>\nCONSTRUCT { ?s x:p "}" } WHERE { ?s ?p ?o # {\n '
        "{ SELECT ?s WHERE { ?s ?p ?o } } }"
    )
    bound = inject_values(query, {"o": Literal('say "hi"'), "p": URIRef("urn:p")})
    assert " ".join(bound.split()).startswith(
        'PREFIX x: <urn:x#> CONSTRUCT { ?s x:p "}" } WHERE '
        '{ VALUES (?o ?p) { ("say \\"hi\\"" <urn:p>) } ?s'
    )
    with pytest.raises(Exception, match="is not an absolute IRI"):
        inject_values("SELECT * WHERE { ?s ?p ?o }", {"s": URIRef("urn:a> } DROP ALL")})


# --- Virtuoso -----------------------------------------------------------------------------------


def virtuoso_env(server, password: str | None = None) -> dict[str, str]:
    return {
        "KRAKOW_CLUSTERS_USER": server.USER,
        "KRAKOW_CLUSTERS_PASSWORD": password or server.password,
    }


def test_publish_to_virtuoso_with_only_the_sparql_update_role(virtuoso, dataset):
    # The `publisher` user holds SPARQL_UPDATE and nothing else; Virtuoso asks for Digest auth.
    server = virtuoso()
    for _time in range(2):
        result = run("--endpoint", server.store_url, env=virtuoso_env(server))
        assert result.exit_code == 0, result.output
        assert result.output.strip() == (
            f"published {len(dataset)} triples to <{DEFAULT_GRAPH}> at {server.store_url}"
        )
        assert count_in(server, DEFAULT_GRAPH) == len(dataset), "PUT replaces, never duplicates"
    assert server.password not in result.output


def test_publish_to_virtuoso_refused_without_the_right_password(virtuoso):
    server = virtuoso()
    unset = {"KRAKOW_CLUSTERS_USER": None, "KRAKOW_CLUSTERS_PASSWORD": None}
    for env in (virtuoso_env(server, "wrong-" + SECRET), unset):
        result = run("--endpoint", server.store_url, env=env)
        assert result.exit_code == 2
        lines = result.output.strip().splitlines()
        assert len(lines) == 1, result.output
        assert "refused access (HTTP 401)" in lines[0]
        assert SECRET not in result.output
    assert count_in(server, DEFAULT_GRAPH) == 0


def test_virtuoso_anonymous_graph_store_endpoint_is_read_only(virtuoso):
    # The endpoint without -auth writes as the anonymous SPARQL user, which may not: publishing
    # needs the user with SPARQL_UPDATE (docs/publish.md).
    server = virtuoso()
    result = run("--endpoint", server.base + "/sparql-graph-crud")
    assert result.exit_code == 2
    assert "(HTTP 403)" in result.output
    assert count_in(server, DEFAULT_GRAPH) == 0


# --- a large graph in parts ---------------------------------------------------------------------


def graph_with_blank_nodes(n: int) -> bytes:
    """N-Triples: `n` triples about IRIs, and among them three that share two blank nodes."""
    lines = [f'<https://example.org/s{i}> <https://example.org/p> "{i}" .\n' for i in range(n)]
    lines[n // 2 : n // 2] = [
        "<https://example.org/a> <https://example.org/q> _:b1 .\n",
        "_:b1 <https://example.org/r> _:b2 .\n",
        '_:b2 <https://example.org/r> "x" .\n',
    ]
    return "".join(lines).encode()


def test_graph_parts_keep_every_line_once_and_blank_nodes_together():
    data = graph_with_blank_nodes(250)
    parts = gsp.graph_parts(data, 100)
    assert [p.count(b"\n") for p in parts] == [100, 100, 53]
    assert sorted(b"".join(parts).splitlines()) == sorted(data.splitlines())
    assert all(b"_:" not in p for p in parts[1:]), "blank nodes travel in the first part"
    assert parts[0].count(b"_:") == 4
    assert gsp.graph_parts(data, 1000) == [data], "a small graph is one request"


def remote_graph(server, graph: str) -> Graph:
    answer = RemoteStore(server.query_url, timeout=30).query(
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    )
    return answer.graph()


@pytest.mark.parametrize("engine", ["oxigraph", "virtuoso"])
def test_a_graph_larger_than_a_part_is_put_then_posted_whole(engine, oxigraph, virtuoso):
    # Virtuoso 7.2 stalls on one PUT of a million triples and loads them in parts (BENCHMARKS.md):
    # the same in small, on both stores, twice (the first part's PUT replaces the graph).
    server = oxigraph() if engine == "oxigraph" else virtuoso()
    user = getattr(server, "USER", None)
    password = getattr(server, "password", None)
    data = graph_with_blank_nodes(250)
    graph = "https://example.org/graphs/parts"
    expected = Graph().parse(data=data.decode(), format="nt")
    for _ in range(2):
        gsp.put_graph(server.store_url, graph, data, user=user, password=password, part_triples=100)
        got = remote_graph(server, graph)
        assert len(got) == 253 and isomorphic(got, expected)


def graphs_in(server) -> set[str]:
    answer = RemoteStore(server.query_url, timeout=30).query(
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    )
    return {str(row[0]) for row in answer.rows}


@pytest.mark.parametrize("engine", ["oxigraph", "virtuoso"])
def test_a_refused_third_part_leaves_the_published_graph_as_it_was(engine, oxigraph, virtuoso):
    # Parts go to a staging graph and replace the graph in one update at the end: the store
    # refusing the third part (a line that is not N-Triples) changes nothing that is published.
    server = oxigraph() if engine == "oxigraph" else virtuoso()
    user = getattr(server, "USER", None)
    password = getattr(server, "password", None)
    graph = "https://example.org/graphs/kept"
    old = graph_with_blank_nodes(250)
    gsp.put_graph(server.store_url, graph, old, user=user, password=password, part_triples=100)
    before = graphs_in(server)
    lines = graph_with_blank_nodes(260).splitlines(keepends=True)
    lines[240] = b'<https://example.org/broken> <https://example.org/p> "no end .\n'
    new = b"".join(lines)
    assert len(gsp.graph_parts(new, 100)) == 3 and b"broken" in gsp.graph_parts(new, 100)[2]
    with pytest.raises(CouldNotRun) as refused:
        gsp.put_graph(server.store_url, graph, new, user=user, password=password, part_triples=100)
    message = str(refused.value)
    assert "part 3 of 3" in message and "the published graphs are unchanged" in message, message
    assert "\n" not in message and (password is None or password not in message)
    expected = Graph().parse(data=old.decode(), format="nt")
    assert isomorphic(remote_graph(server, graph), expected), "the old graph is intact"
    assert graphs_in(server) == before, "no staging graph is left behind"


def test_publish_by_origin_replaces_every_graph_or_none(oxigraph, dataset, monkeypatch):
    # Several graphs are staged, then moved in one update: the update endpoint refusing the move
    # leaves every graph of the first publish as it was.
    server = oxigraph()
    first = run("--endpoint", server.store_url, "--by-origin")
    assert first.exit_code == 0, first.output
    counts = {g: count_in(server, g) for g in graphs_in(server)}
    assert len(counts) > 3
    nowhere = f"http://127.0.0.1:{free_port()}/update"
    second = run("--endpoint", server.store_url, "--by-origin", "--update-endpoint", nowhere)
    assert second.exit_code == 2, second.output
    assert len(second.output.strip().splitlines()) == 1, second.output
    assert "cannot reach" in second.output
    assert {g: count_in(server, g) for g in graphs_in(server)} == counts


def test_publish_to_virtuoso_in_parts(virtuoso, dataset, monkeypatch):
    monkeypatch.setattr(gsp, "PART_TRIPLES", 50)
    server = virtuoso()
    result = run("--endpoint", server.store_url, "--by-origin", env=virtuoso_env(server))
    assert result.exit_code == 0, result.output
    assert "graphs by origin" in result.output
    article = "https://w3id.org/krakow-clusters/graph/clusters"
    in_article = dataset.query(f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{article}> {{ ?s ?p ?o }} }}")
    assert count_in(server, article) == int(in_article.rows[0][0]) > 150, "four parts or more"


def test_a_count_answer_cut_short_by_the_store_is_one_line_exit_2():
    """The store takes the graph, then answers the count with a Content-Length larger than the
    body it sends (http.client.IncompleteRead inside SPARQLWrapper): one line, exit 2."""
    count = {
        "head": {"vars": ["n"]},
        "results": {"bindings": [{"n": {"type": "literal", "value": "1"}}]},
    }
    with scripted_server(answer(204, b""), short_body(count)) as (url, script):
        result = run("--endpoint", url, "--query-endpoint", url)
        assert [s.path for s in script.seen][:2] == [
            "/sparql?graph=" + urllib.parse.quote(DEFAULT_GRAPH, safe=""),
            "/sparql",
        ]
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith(f"error: endpoint {url} ")
    assert "cut its answer short (94 bytes of 194 announced)" in lines[0]
