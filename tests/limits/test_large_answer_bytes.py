"""Issue 22: a 225-byte query returned a 127 MB answer: the result limit counted rows, not bytes,
and the worker's answer was read whole.

The worker writes the answer and refuses it past the limit max-answer (1 MB here), in every
format, with a 400 of one line that says to add LIMIT; an answer under the limit still comes."""

from __future__ import annotations

import pytest

from krakow_clusters.formats import media as F

from .conftest import one_line, sparql

# Rows under the result limit (10,000), each row long: over a megabyte once written.
WIDE = """
SELECT ?s ?p ?o ?t WHERE { ?s ?p ?o . ?t ?q ?r } LIMIT 9000
"""
GRAPH = """
CONSTRUCT { ?s <http://example.org/p> ?x } WHERE {
  ?s ?p ?o . ?t ?q ?r BIND(CONCAT(STR(?p), STR(?o), STR(?t), STR(?q)) AS ?x)
} LIMIT 9000
"""


@pytest.mark.parametrize(
    "query, media",
    [
        (WIDE, F.SPARQL_JSON),
        (WIDE, F.SPARQL_XML),
        (WIDE, F.CSV),
        (WIDE, F.TSV),
        (WIDE, F.HTML),
        (GRAPH, F.TURTLE),
        (GRAPH, F.NTRIPLES),
        (GRAPH, F.JSONLD),
        (GRAPH, F.RDFXML),
    ],
)
def test_an_answer_over_the_byte_limit_gets_a_400(work_limited, query, media):
    status, body = sparql(work_limited, query, media)
    if media == F.HTML:
        # A page shows the first rows only: those that fit in the limit page-cells and the bytes.
        assert status == 200
        assert b"The answer has 9000 rows" in body
        assert len(body) < 3_000_000
        return
    assert status == 400, (status, body[:300])
    message = one_line(body)
    assert "larger than 1 MB" in message and "LIMIT" in message


def test_an_answer_under_the_limit_comes_whole(work_limited):
    status, body = sparql(work_limited, "SELECT ?s WHERE { ?s ?p ?o } LIMIT 100", F.CSV)
    assert status == 200
    assert len(body.decode().splitlines()) == 101
