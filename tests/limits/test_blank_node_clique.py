"""Issue 22: a CONSTRUCT whose template is a clique of nine blank nodes, asked for as Turtle, froze
the whole server for 40 s (its blank nodes were canonicalised by RDFC-1.0 on the event loop, at a
cost about twelvefold per extra node); a chain of 400 nested blank nodes froze it for 5 s.

A visitor's graph is now written by the query worker, under the query's limits, with bounded
blank-node labels (formats.rdf.stable_blank_labels) instead of RDFC-1.0: the answer comes whole,
and other visitors are answered meanwhile."""

from __future__ import annotations

import itertools
import threading

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from krakow_clusters.formats import media as F
from krakow_clusters.formats.rdf import serialize_graph, stable_blank_labels

from ..appserver import get
from ..identity import NAMESPACES
from .conftest import sparql

P = "http://example.org/p"
CLIQUE = (
    "CONSTRUCT { "
    + " ".join(f"_:n{i} <{P}> _:n{j} ." for i in range(9) for j in range(9) if i != j)
    + " } WHERE {}"
)
CHAIN = "CONSTRUCT { " + " ".join(f"_:n{i} <{P}> _:n{i + 1} ." for i in range(400)) + " } WHERE {}"


def expected_clique() -> rdflib.Graph:
    graph = rdflib.Graph()
    nodes = [rdflib.BNode() for _ in range(9)]
    for i, a in enumerate(nodes):
        for j, b in enumerate(nodes):
            if i != j:
                graph.add((a, rdflib.URIRef(P), b))
    return graph


@pytest.mark.parametrize(
    "name, query, media",
    [
        ("clique as Turtle", CLIQUE, F.TURTLE),
        ("clique as N-Triples", CLIQUE, F.NTRIPLES),
        ("clique as JSON-LD", CLIQUE, F.JSONLD),
        ("clique as RDF/XML", CLIQUE, F.RDFXML),
        ("clique on the page", CLIQUE, F.HTML),
        ("chain of 400 as Turtle", CHAIN, F.TURTLE),
    ],
)
def test_a_blank_node_clique_is_answered_and_other_visitors_meanwhile(
    work_limited, name, query, media
):
    outcome: list[tuple[int, bytes]] = []
    hostile = threading.Thread(target=lambda: outcome.append(sparql(work_limited, query, media)))
    hostile.start()
    # Another visitor, while the hostile request runs (or has just run): answered.
    others = [get(work_limited.base + path)[0] for path in ("/", "/queries/", "/sparql")]
    hostile.join(60)
    assert not hostile.is_alive(), "the hostile request got no answer"
    assert others == [200, 200, 200]
    status, body = outcome[0]
    # A bounded answer: the whole graph, or a refusal of one line, never a 5xx.
    assert status == 200 or 400 <= status < 500, (status, body[:300])
    if status == 200 and media == F.TURTLE and query is CLIQUE:
        graph = rdflib.Graph().parse(data=body.decode(), format="turtle")
        assert isomorphic(graph, expected_clique())
    if status == 200 and media == F.TURTLE and query is CHAIN:
        assert len(rdflib.Graph().parse(data=body.decode(), format="turtle")) == 400


def test_the_bounded_labels_are_stable_and_tell_nodes_apart():
    def triples(seed: str) -> list[ox.Triple]:
        # The same graph with other labels, in another order: a chain hanging off an IRI.
        nodes = [ox.BlankNode(f"{seed}{i}") for i in range(5)]
        start = ox.NamedNode("http://example.org/start")
        found = [ox.Triple(start, ox.NamedNode(P), nodes[0])]
        found += [ox.Triple(a, ox.NamedNode(P), b) for a, b in itertools.pairwise(nodes)]
        return found if seed == "x" else found[::-1]

    one = serialize_graph(triples("x"), F.NTRIPLES, NAMESPACES, canonical=False)
    other = serialize_graph(triples("y"), F.NTRIPLES, NAMESPACES, canonical=False)
    assert one == other
    labels = {t.object for t in stable_blank_labels(triples("x"))}
    assert len(labels) == 5, "each node keeps a label of its own"


def test_the_release_keeps_rdf_canonicalization():
    # The release's writers (canonical=True, the default) still label by RDFC-1.0: two graphs
    # that differ only in their blank-node labels give the same bytes.
    a = [(rdflib.BNode("a"), rdflib.URIRef(P), rdflib.Literal("x"))]
    b = [(rdflib.BNode("zz"), rdflib.URIRef(P), rdflib.Literal("x"))]
    assert serialize_graph(a, F.TURTLE, NAMESPACES) == serialize_graph(b, F.TURTLE, NAMESPACES)
    assert b"_:c14n0" in serialize_graph(a, F.NTRIPLES, NAMESPACES)
