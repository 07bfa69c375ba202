"""Issue 22: a valid RDF 1.2 `TRIPLE(…)` query killed a query worker (its answer holds a triple
term, which no SPARQL 1.1 result can carry, and converting it raised in the worker).

Now a 400 of one line; the worker lives on and answers the next query."""

from __future__ import annotations

import pytest

from .conftest import one_line, sparql

QUERIES = [
    "SELECT (TRIPLE(?s, ?p, ?o) AS ?t) WHERE { ?s ?p ?o } LIMIT 1",
    "CONSTRUCT { ?s <http://example.org/about> ?t } WHERE { ?s ?p ?o "
    "BIND(TRIPLE(?s, ?p, ?o) AS ?t) } LIMIT 1",
]


@pytest.mark.parametrize("query", QUERIES)
def test_a_triple_term_gets_a_400_and_the_worker_lives(work_limited, query):
    workers = work_limited.children()
    status, body = sparql(work_limited, query, "application/sparql-results+json, text/turtle")
    assert status == 400, (status, body[:300])
    assert "triple term" in one_line(body)
    status, _ = sparql(work_limited, "ASK {}", "application/sparql-results+json")
    assert status == 200
    assert work_limited.children() == workers, "no worker died"
