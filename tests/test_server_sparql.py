"""The /sparql endpoint over real HTTP, driven by SPARQLWrapper (a real client)."""

from __future__ import annotations

import csv
import io
import json
import urllib.parse
import urllib.request

import pytest
import rdflib
from SPARQLWrapper import (
    CSV,
    JSON,
    JSONLD,
    POST,
    POSTDIRECTLY,
    RDFXML,
    TSV,
    TURTLE,
    URLENCODED,
    XML,
    SPARQLWrapper,
)
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from krakow_clusters.rdf.sparqltext import is_update

from .appserver import get, post

CLUSTERS = """
PREFIX kc: <https://w3id.org/krakow-clusters/ontology#>
SELECT ?cluster WHERE { ?cluster a kc:ClusterInitiative } ORDER BY ?cluster
"""
GRAPH = """
PREFIX kc: <https://w3id.org/krakow-clusters/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
CONSTRUCT { ?c rdfs:label ?l } WHERE { ?c a kc:ClusterInitiative ; rdfs:label ?l }
"""
# A cross join counted: Oxigraph must build all 997^3 combinations before it can answer.
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def client(app, method=None, request_method=None) -> SPARQLWrapper:
    sparql = SPARQLWrapper(app.base + "/sparql")
    if method:
        sparql.setMethod(method)
    if request_method:
        sparql.setRequestMethod(request_method)
    return sparql


def cluster_iris_from(kind: str, body) -> list[str]:
    if kind == JSON:
        return [b["cluster"]["value"] for b in body["results"]["bindings"]]
    if kind == XML:
        return [e.firstChild.data for e in body.getElementsByTagName("uri")]
    text = body.decode() if isinstance(body, bytes) else body
    if kind == CSV:
        return [row[0] for row in list(csv.reader(io.StringIO(text)))[1:]]
    lines = text.strip().splitlines()
    assert lines[0] == "?cluster"
    return [line.strip("<>") for line in lines[1:]]


@pytest.mark.parametrize("fmt", [JSON, XML, CSV, TSV])
@pytest.mark.parametrize(
    ("method", "request_method"), [(None, None), (POST, URLENCODED), (POST, POSTDIRECTLY)]
)
def test_select_in_every_results_format(app, fmt, method, request_method):
    sparql = client(app, method, request_method)
    sparql.setQuery(CLUSTERS)
    sparql.setReturnFormat(fmt)
    body = sparql.query().convert()
    iris = cluster_iris_from(fmt, body)
    assert len(iris) == 8
    assert all(i.startswith("https://w3id.org/krakow-clusters/id/cluster/") for i in iris)


def test_graph_names_where_a_statement_comes_from(app):
    """The named graphs are there for GRAPH, and the default graph is still their union."""
    sparql = client(app)
    sparql.setQuery(
        """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?g WHERE { GRAPH ?g {
          <https://w3id.org/krakow-clusters/id/cluster/bim> rdfs:label ?label } }"""
    )
    sparql.setReturnFormat(JSON)
    rows = sparql.query().convert()["results"]["bindings"]
    assert [r["g"]["value"] for r in rows] == ["https://w3id.org/krakow-clusters/graph/article"]
    sparql.setQuery("""SELECT (COUNT(DISTINCT ?g) AS ?graphs) WHERE { GRAPH ?g { ?s ?p ?o } }""")
    graphs = sparql.query().convert()["results"]["bindings"][0]["graphs"]["value"]
    assert int(graphs) >= 10


@pytest.mark.parametrize("fmt", [JSON, XML])
def test_ask(app, fmt):
    sparql = client(app)
    sparql.setQuery("ASK { ?s a <https://w3id.org/krakow-clusters/ontology#ClusterInitiative> }")
    sparql.setReturnFormat(fmt)
    body = sparql.query().convert()
    if fmt == JSON:
        assert body["boolean"] is True
    else:
        assert body.getElementsByTagName("boolean")[0].firstChild.data == "true"


@pytest.mark.parametrize("fmt", [TURTLE, JSONLD, RDFXML])
def test_construct_in_graph_formats(app, fmt):
    sparql = client(app)
    sparql.setQuery(GRAPH)
    sparql.setReturnFormat(fmt)
    result = sparql.query()
    graph = result.convert()
    if not isinstance(graph, rdflib.Graph):
        parsed = rdflib.Graph()
        parsed.parse(data=graph, format={TURTLE: "turtle", JSONLD: "json-ld"}[fmt])
        graph = parsed
    assert len(set(graph.subjects())) == 8


def test_construct_as_ntriples(app):
    query = urllib.parse.urlencode({"query": GRAPH})
    status, headers, body = get(app.base + "/sparql?" + query, "application/n-triples")
    assert status == 200
    assert headers["Content-Type"].startswith("application/n-triples")
    graph = rdflib.Graph().parse(data=body, format="nt")
    assert len(set(graph.subjects())) == 8


def test_results_carry_cors_headers(app):
    query = urllib.parse.urlencode({"query": CLUSTERS})
    status, headers, _body = get(
        app.base + "/sparql?" + query, "application/sparql-results+json", Origin="https://x.org"
    )
    assert status == 200
    assert headers["Access-Control-Allow-Origin"] == "*"
    # A browser's preflight for a POST with a JSON Accept from another origin.
    request = urllib.request.Request(
        app.base + "/sparql",
        method="OPTIONS",
        headers={
            "Origin": "https://x.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
        assert "POST" in response.headers["Access-Control-Allow-Methods"]


def test_updates_are_refused(app):
    update = "INSERT DATA { <urn:a> <urn:b> <urn:c> }"
    sparql = client(app, POST)
    sparql.setQuery(update)
    with pytest.raises((SPARQLWrapperException, Exception)) as caught:
        sparql.query()
    assert "403" in str(caught.value)
    form = urllib.parse.urlencode({"update": update}).encode()
    assert post(app.base + "/sparql", form, "application/x-www-form-urlencoded")[0] == 403
    direct = update.encode()
    assert post(app.base + "/sparql", direct, "application/sparql-update")[0] == 403
    form = urllib.parse.urlencode({"query": "PREFIX a: <urn:a#>\n" + update}).encode()
    assert post(app.base + "/sparql", form, "application/x-www-form-urlencoded")[0] == 403
    assert get(app.base + "/sparql?" + urllib.parse.urlencode({"update": update}))[0] == 403
    hidden = "# a comment\nPREFIX a: <urn:a#> # INSERT?\n" + update
    assert get(app.base + "/sparql?" + urllib.parse.urlencode({"query": hidden}))[0] == 403
    # Nothing was added.
    count = urllib.parse.urlencode({"query": "ASK { <urn:a> ?p ?o }"})
    _status, _headers, body = get(app.base + "/sparql?" + count, "application/sparql-results+json")
    assert json.loads(body)["boolean"] is False


@pytest.mark.parametrize(
    ("text", "update"),
    [
        ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", True),
        ("PREFIX a: <urn:a#>\nINSERT DATA { <urn:a> <urn:b> <urn:c> }", True),
        (
            "# a comment\nPREFIX a: <urn:a#> # INSERT?\nINSERT DATA { <urn:a> <urn:b> <urn:c> }",
            True,
        ),
        ("BASE <urn:x#y> with <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", True),
        ("  clear all", True),
        ("SELECT * WHERE { ?s ?p ?o }", False),
        ("PREFIX a: <urn:a#> SELECT * WHERE { ?s a:insert ?o }", False),
        ("# INSERT DATA { <urn:a> <urn:b> <urn:c> }\nASK {}", False),
        ("PREFIX a: <urn:a#INSERT> ASK {}", False),
        ("INSERTS", False),
    ],
)
def test_is_update_looks_past_the_prologue_and_comments(text: str, update: bool):
    assert is_update(text) is update


def test_bad_query_is_400(app):
    query = urllib.parse.urlencode({"query": "SELECT WHERE"})
    status, _headers, body = get(app.base + "/sparql?" + query)
    assert status == 400
    assert "syntax" in body.decode().lower()


def test_query_page_lists_library_examples(app):
    status, _headers, body = get(app.base + "/sparql", "text/html")
    assert status == 200
    page = body.decode()
    assert "<textarea" in page
    assert 'href="/sparql?example=overview"' in page


def test_result_limit_gives_a_clear_error(strict_app):
    query = urllib.parse.urlencode({"query": "SELECT * WHERE { ?s ?p ?o }"})
    status, _headers, body = get(strict_app.base + "/sparql?" + query)
    assert status == 400
    assert "more than 100 rows" in body.decode()
    query = urllib.parse.urlencode({"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 100"})
    assert get(strict_app.base + "/sparql?" + query)[0] == 200


def test_slow_query_is_stopped_and_its_worker_killed(strict_app):
    before = strict_app.children()
    assert len(before) == 1, "one query worker process"
    status, _headers, body = get(
        strict_app.base + "/sparql?" + urllib.parse.urlencode({"query": SLOW})
    )
    assert status == 503
    assert "timeout" in body.decode()
    # The stuck worker is gone and a fresh one answers the next query.
    query = urllib.parse.urlencode({"query": CLUSTERS})
    for _attempt in range(60):  # the fresh worker may still be loading: 503 until then
        status, _headers, body = get(strict_app.base + "/sparql?" + query, "text/csv")
        if status == 200:
            break
    assert status == 200
    assert len(body.decode().strip().splitlines()) == 9
    after = strict_app.children()
    assert before.isdisjoint(after), "the worker that ran the slow query was killed"
    assert len(after) == 1
