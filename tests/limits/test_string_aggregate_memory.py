"""Issue 22: a 302-byte SELECT (string functions over an aggregate) made the query workers
allocate 3.2 GB, one more level 12.6 GB: there was no memory limit on a worker.

A worker's address space may now grow by the limit query-memory beyond its copy of the dataset
(300 MB here): past it, the query ends in a 400 of one line, the worker is replaced, and the
server keeps answering pages and queries."""

from __future__ import annotations

import time

from ..appserver import get
from .conftest import one_line, sparql

# Each row's string is the whole store's text; eight copies of it, for each of a thousand rows.
GREEDY = """
SELECT (STRLEN(CONCAT(?x, ?x, ?x, ?x, ?x, ?x, ?x, ?x)) AS ?n) WHERE {
  { SELECT (GROUP_CONCAT(CONCAT(STR(?a), STR(?b), STR(?c))) AS ?x)
    WHERE { ?a ?b ?c . ?d ?e ?f } }
  ?s ?p ?o
}
"""
ASK = "ASK { ?s ?p ?o }"


def test_a_query_that_wants_gigabytes_gets_a_4xx_and_the_server_goes_on(work_limited):
    workers = work_limited.children()
    assert len(workers) == 2, "two query workers before"
    status, body = sparql(work_limited, GREEDY, "application/sparql-results+json")
    assert 400 <= status < 500, (status, body[:300])
    message = one_line(body)
    assert "memory" in message
    # The server goes on: pages, and queries in the workers (the one that died is replaced).
    assert get(work_limited.base + "/")[0] == 200
    status, body = sparql(work_limited, ASK, "application/sparql-results+json")
    assert status == 200 and b'"boolean": true' in body
    deadline = time.monotonic() + 60
    while len(work_limited.children()) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(work_limited.children()) == 2, "a worker that died is replaced"
