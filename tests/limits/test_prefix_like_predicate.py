"""Issue 22: a CONSTRUCT with a prefix-like predicate IRI (`<cluster:x>`, an IRI whose scheme is
one of the namespace table's prefixes) asked for as JSON-LD gave a 500: in a context that
declares `cluster`, the IRI reads as a compact IRI, and the JSON-LD processor refused it.

The inline context of an answer leaves out a prefix that an IRI of the answer has as its
scheme: a 200 whose JSON-LD reads back as the same graph."""

from __future__ import annotations

import json

import rdflib

from .conftest import sparql

CLUSTER = "https://w3id.org/krakow-clusters/id/cluster/bim"
QUERY = (
    f'CONSTRUCT {{ <{CLUSTER}> <cluster:x> "v" . <{CLUSTER}> <sector:y> <cluster:z> }} WHERE {{}}'
)


def test_a_prefix_like_iri_as_jsonld_reads_back(work_limited):
    status, body = sparql(work_limited, QUERY, "application/ld+json")
    assert status == 200, body[:300]
    document = json.loads(body)
    graph = rdflib.Graph().parse(data=json.dumps(document), format="json-ld")
    assert (rdflib.URIRef(CLUSTER), rdflib.URIRef("cluster:x"), rdflib.Literal("v")) in graph
    assert (
        rdflib.URIRef(CLUSTER),
        rdflib.URIRef("sector:y"),
        rdflib.URIRef("cluster:z"),
    ) in graph
