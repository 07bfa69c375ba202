"""`serve --sparql-endpoint` on a store loaded by `publish` (an Oxigraph server, Virtuoso) answers
like the default."""

from __future__ import annotations

import json
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner
from rdflib.compare import isomorphic

from krakow_clusters.cli import cli
from krakow_clusters.httpclient import redact_url
from krakow_clusters.project import Project
from krakow_clusters.sparql.library import library
from krakow_clusters.store.embedded import EmbeddedStore

from .appserver import AppServer, get, start_server
from .identity import GRAPH_BASE, ID_BASE, NS
from .servers import OxigraphServer, VirtuosoServer

ROOT = Path(__file__).resolve().parents[1]


def project_files() -> list[Path]:
    return Project(ROOT).dataset_files()


PAGES = [
    "/id/cluster/bim",
    "/id/cluster/lifescience-krakow",
    "/id/sector/construction",
    "/id/organization/municipality-of-krakow",
    "/ontology",
]
URL_SECRET = "url-secret-never-shown"
CLUSTERS = """
PREFIX kc: <https://w3id.org/krakow-clusters/ontology#>
SELECT ?cluster ?label WHERE { ?cluster a kc:ClusterInitiative ; rdfs:label ?label }
"""


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def remote_app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[AppServer]:
    kind = request.param
    location = tmp_path_factory.mktemp(kind)
    store = OxigraphServer(location) if kind == "oxigraph" else VirtuosoServer(location)
    env = {}
    if kind == "virtuoso":
        # Virtuoso takes writes only from a user with the SPARQL_UPDATE role; reads are public.
        env = {"KRAKOW_CLUSTERS_USER": store.USER, "KRAKOW_CLUSTERS_PASSWORD": store.password}
    try:
        store.start()
        # The graphs by origin, as the embedded store holds them, so that the queries that ask
        # where a statement comes from (GRAPH) answer the same.
        published = CliRunner().invoke(
            cli, ["publish", "--endpoint", store.store_url, "--by-origin"], env=env
        )
        assert published.exit_code == 0, published.output
        if kind == "oxigraph":
            parameters = []  # started with --union-default-graph
        else:
            # Virtuoso's default graph holds its own system graphs: the dataset's default graph
            # is the merge of its graphs, and they are its named graphs, by the SPARQL protocol.
            graphs = EmbeddedStore.from_files(project_files(), GRAPH_BASE).graph_names()
            parameters = [("default-graph-uri", g) for g in graphs]
            parameters += [("named-graph-uri", g) for g in graphs]
        # Credentials written in the URL (Oxigraph ignores them) must be shown on no page.
        endpoint = store.query_url.replace("http://", f"http://reader:{URL_SECRET}@")
        if parameters:
            endpoint += "?" + urllib.parse.urlencode(parameters)
        yield from start_server(
            tmp_path_factory.mktemp("serve-remote"), "--sparql-endpoint", endpoint
        )
    finally:
        store.stop()


@pytest.fixture(scope="module")
def remote_by_origin_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    """A store loaded with `publish --by-origin`, whose default graph is the union of the graphs
    (as the embedded store's is), so that pages can say where each statement comes from."""
    store = OxigraphServer(tmp_path_factory.mktemp("oxigraph")).start()
    try:
        published = CliRunner().invoke(
            cli, ["publish", "--endpoint", store.store_url, "--by-origin"]
        )
        assert published.exit_code == 0, published.output
        yield from start_server(
            tmp_path_factory.mktemp("serve-remote"), "--sparql-endpoint", store.query_url
        )
    finally:
        store.stop()


def turtle(server: AppServer, path: str) -> rdflib.Graph:
    status, _headers, body = get(server.base + path, "text/turtle")
    assert status == 200, (path, body[:300])
    return rdflib.Graph().parse(data=body, format="turtle")


@pytest.mark.parametrize("path", ["/", "/sparql", *PAGES])
def test_no_page_shows_the_credentials_of_the_endpoint_url(remote_app, path):
    status, _headers, data = get(remote_app.base + path, "text/html")
    body = data.decode("utf-8")
    assert status == 200
    assert URL_SECRET not in body and "reader:" not in body
    assert "127.0.0.1" in body, "the page names the endpoint, without its credentials"


@pytest.mark.parametrize("path", PAGES)
def test_same_description_as_the_embedded_store(app, remote_app, path):
    embedded = turtle(app, path)
    remote = turtle(remote_app, path)
    assert len(embedded) > 5
    assert isomorphic(embedded, remote)


def test_same_html_page(app, remote_by_origin_app):
    _status, _headers, local = get(app.base + "/id/cluster/bim", "text/html")
    status, _headers, remote = get(remote_by_origin_app.base + "/id/cluster/bim", "text/html")
    assert status == 200
    assert '<span class="origin"' in local.decode()
    # Identical apart from the footer line that names the remote store.
    assert local.decode().split("<footer>")[0] == remote.decode().split("<footer>")[0]


def test_same_html_page_with_origins_from_each_store(app, remote_app):
    """Oxigraph and Virtuoso, loaded by origin: the same page, where each statement comes from
    included."""
    _status, _headers, local = get(app.base + "/id/cluster/bim", "text/html")
    status, _headers, remote = get(remote_app.base + "/id/cluster/bim", "text/html")
    assert status == 200
    assert '<span class="origin"' in remote.decode()
    assert local.decode().split("<footer>")[0] == remote.decode().split("<footer>")[0]


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/?sector=construction&sort=members",
        "/pl/?helix=academia",
        "/?sector=construction&member-type=enterprise&region=poland",
        "/facet/member-type/enterprise",
    ],
)
def test_same_index_with_its_facets_and_pictures(app, remote_app, path):
    """The facets are counted in SPARQL: the remote store gives the same page, counts, filters and
    pictures included."""
    _status, _headers, local = get(app.base + path, "text/html")
    status, _headers, remote = get(remote_app.base + path, "text/html")
    assert status == 200, remote[:300]
    assert '<nav class="facets"' in remote.decode() and "<svg" in remote.decode()
    assert local.decode().split("<footer>")[0] == remote.decode().split("<footer>")[0]


def test_an_unknown_facet_value_is_a_400_from_the_remote_store(remote_app):
    status, _headers, body = get(remote_app.base + "/?sector=no-such-sector", "*/*")
    assert status == 400 and body.count(b"\n") == 1
    # a browser gets a page with the facet's values (tests/test_refusals.py)
    status, _headers, body = get(remote_app.base + "/?sector=no-such-sector", "text/html")
    assert status == 400 and b'href="/facet/sector/clean-energy"' in body


def test_same_saved_query_answer(app, remote_app):
    def rows(server):
        status, _headers, body = get(server.base + "/queries/overview.json")
        assert status == 200
        bindings = json.loads(body)["results"]["bindings"]
        for binding in bindings:
            # GROUP_CONCAT's order is left to the engine by SPARQL.
            binding["sectors"]["value"] = sorted(binding["sectors"]["value"].split("; "))
        return sorted(json.dumps(b, sort_keys=True) for b in bindings)

    assert len(rows(app)) == 8
    assert rows(app) == rows(remote_app)


def test_same_sparql_answer(app, remote_app):
    query = urllib.parse.urlencode(
        {"query": "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n" + CLUSTERS}
    )

    def rows(server):
        status, _headers, body = get(server.base + "/sparql?" + query, "text/csv")
        assert status == 200
        return sorted(body.decode().strip().splitlines()[1:])

    assert len(rows(app)) > 8
    assert rows(app) == rows(remote_app)


def test_unknown_iri_is_404_from_the_remote_store(remote_app):
    status, _headers, body = get(remote_app.base + "/id/cluster/no-such-cluster", "text/turtle")
    assert status == 404
    assert len(rdflib.Graph().parse(data=body, format="turtle")) == 0


def test_updates_are_refused_before_reaching_the_store(remote_app):
    form = urllib.parse.urlencode({"update": "CLEAR ALL"})
    status, _headers, _body = get(remote_app.base + "/sparql?" + form)
    assert status == 403
    assert get(remote_app.base + "/id/cluster/bim", "text/turtle")[0] == 200


def test_unreachable_endpoint_fails_at_start(tmp_path):
    from .servers import free_port

    server = AppServer(
        tmp_path / "serve.log", "--sparql-endpoint", f"http://127.0.0.1:{free_port()}/query"
    )
    with pytest.raises(RuntimeError):
        server.start(timeout=10)
    log = (tmp_path / "serve.log").read_text()
    assert "error: endpoint http://127.0.0.1:" in log and "is unreachable" in log
    assert "Traceback" not in log


def test_no_service_request_through_the_remote_store(remote_app, request):
    # The Oxigraph server behind it federates (asked directly, it calls the listener): serve
    # refuses the clause before the store sees it, so the listener hears nothing through serve.
    from .httpservers import EMPTY_RESULT, answer, scripted_server

    with scripted_server(answer(200, EMPTY_RESULT)) as (url, script):
        query = f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"
        status, _headers, body = get(
            remote_app.base + "/sparql?" + urllib.parse.urlencode({"query": query}),
            "application/sparql-results+json",
        )
        assert status == 400 and "federation is off" in body.decode()
        status, _headers, body = get(
            remote_app.base + f"/queries/wikidata-places.json?endpoint={url}"
        )
        assert status == 400 and "federation is off" in body.decode()
        assert script.seen == []
        if request.node.callspec.params["remote_app"] != "oxigraph":
            return  # Virtuoso federates only with grants this store was not given
        # The store's own URL, without the credentials the fixture writes in it for serve.
        store = redact_url(remote_app.args[remote_app.args.index("--sparql-endpoint") + 1])
        separator = "&" if "?" in store else "?"
        status, _headers, _body = get(
            store + separator + urllib.parse.urlencode({"query": query}),
            "application/sparql-results+json",
        )
        assert len(script.seen) >= 1, "the store itself does federate: the refusal is serve's"


SAVED = [q.name for q in library(ROOT / "queries", NS) if q.name != "wikidata-places"]


def test_saved_queries_compared_are_the_library_but_the_federated_one():
    # wikidata-places asks a third endpoint (SERVICE): not run by the server tests (no internet).
    assert len(SAVED) >= 15


@pytest.mark.parametrize("name", SAVED)
def test_every_saved_query_answers_as_on_the_embedded_store(app, remote_app, name):
    status, headers, local = get(app.base + f"/queries/{name}", "application/sparql-results+json")
    if headers.get("content-type", "").startswith("application/sparql-results+json"):
        status_remote, _headers, remote = get(
            remote_app.base + f"/queries/{name}", "application/sparql-results+json"
        )
        assert status == status_remote == 200
        bindings = json.loads(local)["results"]["bindings"]
        assert bindings == json.loads(remote)["results"]["bindings"]
    else:
        local_graph, remote_graph = (
            turtle(app, f"/queries/{name}"),
            turtle(remote_app, f"/queries/{name}"),
        )
        assert len(local_graph) > 5
        assert isomorphic(local_graph, remote_graph)


def test_a_stopped_store_gives_502_in_one_line_on_every_route(tmp_path):
    """The store goes down while serve runs: every route that asks it answers 502 (the remote
    store failed) with one line, not the guard's 500."""
    files = project_files()
    store = OxigraphServer(tmp_path / "oxigraph", files).start()
    try:
        # Nothing cached: what is asked of is the store going down, not the pages kept.
        servers = start_server(
            tmp_path, "--sparql-endpoint", store.query_url, "--cache-seconds", "0"
        )
        server = next(servers)
        try:
            status, _headers, _body = get(server.base + "/id/cluster/bim", "text/turtle")
            assert status == 200, "the store answers while it runs"
            store.stop()
            queries = urllib.parse.quote(json.dumps({"q0": {"query": "BIM cluster"}}))
            for path in (
                f"/reconcile?queries={queries}",
                "/reconcile/preview?id=cluster/bim",
                "/id/cluster/bim",
            ):
                status, headers, body = get(server.base + path, "text/turtle")
                text = body.decode("utf-8")
                assert status == 502, (path, status, text)
                assert headers["Content-Type"].startswith("text/plain")
                assert text.count("\n") == 1 and text.endswith("\n"), (path, text)
                assert "CouldNotRun" not in text, (path, text)
        finally:
            servers.close()
    finally:
        store.stop()


def test_a_change_in_the_store_shows_on_the_page_within_the_cache_seconds(tmp_path):
    """serve --cache-seconds: a page made from the store is given again (the same bytes, 304 to a
    client that has them) until it is older than the bound, then made anew from the store."""
    store = OxigraphServer(tmp_path / "oxigraph", project_files()).start()
    try:
        servers = start_server(
            tmp_path, "--sparql-endpoint", store.query_url, "--cache-seconds", "2"
        )
        server = next(servers)
        try:
            page = server.base + "/id/cluster/bim"
            status, headers, before = get(page, "text/html")
            assert status == 200 and b"Building Information Modelling" not in before
            etag = headers["ETag"]
            changed = time.monotonic()
            update = (
                f"INSERT DATA {{ GRAPH <{GRAPH_BASE}clusters> {{ <{ID_BASE}cluster/bim> "
                '<http://www.w3.org/2004/02/skos/core#altLabel> "Building Information '
                'Modelling"@en } }'
            )
            request = urllib.request.Request(
                store.update_url,
                data=update.encode(),
                headers={"Content-Type": "application/sparql-update"},
            )
            with urllib.request.urlopen(request, timeout=10) as answer:
                assert answer.status in (200, 204)
            status, headers, again = get(page, "text/html")
            if time.monotonic() - changed < 1.5:  # surely within the bound: the kept page
                assert (status, again, headers["ETag"]) == (200, before, etag)
                status, _h, body = get(page, "text/html", **{"If-None-Match": etag})
                assert (status, body) == (304, b"")
            deadline = changed + 2 + 10
            while time.monotonic() < deadline:
                status, headers, after = get(page, "text/html")
                if b"Building Information Modelling" in after:
                    break
                time.sleep(0.25)
            else:
                pytest.fail("the change never showed")
            assert time.monotonic() - changed >= 2 - 0.01, "not before the kept page aged"
            assert headers["ETag"] != etag
        finally:
            servers.close()
    finally:
        store.stop()
