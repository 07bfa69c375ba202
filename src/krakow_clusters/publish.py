"""Publish the dataset to an external SPARQL store with the Graph Store HTTP Protocol.

The whole dataset (ontology, schemes, data, links) goes into one named graph with a PUT, which
replaces the graph: publishing twice leaves one copy. With `by_origin`, each named graph of the
dataset (the graphs by origin: graph:clusters, graph:translations …) is PUT under its own IRI
instead, so that the store can answer GRAPH as /sparql does. Several graphs, or one too large for
one request, are loaded into staging graphs first and moved into place by one SPARQL Update at the
end, so that a refusal on the way leaves what is published as it was (`store.gsp.replace_graphs`).
The triples of each graph sent are then counted through the store's SPARQL query endpoint and must
equal the number sent.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from rdflib import URIRef

from .errors import CouldNotRun
from .httpclient import redact_url, split_credentials
from .project import Project
from .rdf.sparqltext import is_absolute_iri
from .store import credentials, open_embedded, open_store
from .store.gsp import beside_store, replace_graphs

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?graph { ?s ?p ?o } }"


def derive_query_endpoint(store_url: str) -> str:
    """The SPARQL query endpoint beside a known Graph Store Protocol endpoint (`beside_store`):
    Oxigraph's /store answers queries at /query, Virtuoso's /sparql-graph-crud(-auth) at /sparql."""
    query = beside_store(store_url, "query")
    if query is None:
        raise CouldNotRun(
            f"cannot guess the SPARQL query endpoint of {redact_url(store_url)}: "
            "give it with --query-endpoint"
        )
    return query


def read_count(rows: list[tuple], where: str) -> int:
    """The number in a COUNT query's answer: one row, one non-negative whole number; CouldNotRun
    saying what came instead (the answer was already refused if it was cut off or not JSON)."""
    value = rows[0][0] if len(rows) == 1 and rows[0] else None
    text = str(value) if value is not None else ""
    if value is None or not re.fullmatch(r"[0-9]{1,18}", text):
        shown = "no row" if not rows else ("no value" if value is None else repr(text[:40]))
        raise CouldNotRun(f"the query endpoint {where} did not answer a count: {shown}")
    return int(text)


def publish_dataset(
    project: Project,
    endpoint: str,
    graph_iri: str | None = None,
    query_endpoint: str | None = None,
    timeout: float = 60.0,
    by_origin: bool = False,
    update_endpoint: str | None = None,
) -> str:
    """PUT the dataset into `graph_iri` at `endpoint` (with `by_origin`, each of its named graphs
    under its own IRI, all replaced at once: `replace_graphs`), check the counts; return a
    one-line report."""
    if by_origin and graph_iri:
        raise CouldNotRun("--graph and --by-origin exclude each other: choose one graph or all")
    graph_iri = graph_iri or project.settings.dataset_graph
    if not is_absolute_iri(graph_iri):
        raise CouldNotRun(
            f"parameter graph: {graph_iri!r} is not an absolute IRI "
            "(one that starts with its scheme, such as https://…)"
        )
    # Credentials written in a URL are used for that URL (and the query endpoint derived from
    # it) and shown nowhere; without them, the environment's.
    endpoint, user, password = credentials(endpoint, "--endpoint")
    if urlsplit(endpoint).scheme not in ("http", "https"):
        raise CouldNotRun(f"{endpoint!r} is not an http(s) URL")
    if query_endpoint:
        query_url, query_user, query_password = split_credentials(
            query_endpoint, "--query-endpoint"
        )
        if not query_user:
            query_user, query_password = user, password
    else:
        query_url, query_user, query_password = derive_query_endpoint(endpoint), user, password

    store = open_embedded(project.settings, project.dataset_files())
    graphs = store.graph_names() if by_origin else [graph_iri]
    data = {name: store.dump("nt", name if by_origin else None) for name in graphs}
    sent = {name: triples.count(b"\n") for name, triples in data.items()}
    if update_endpoint:
        update_endpoint = split_credentials(update_endpoint, "--update-endpoint")[0]
    replace_graphs(
        endpoint,
        data,
        user=user,
        password=password,
        timeout=timeout,
        update_url=update_endpoint,
    )
    del data

    remote = open_store(
        project, query_url, timeout=timeout, user=query_user, password=query_password
    )
    for name, expected in sent.items():
        answer = remote.query(COUNT, {"graph": URIRef(name)})
        found = read_count(answer.rows, redact_url(query_url))
        if found != expected:
            raise CouldNotRun(
                f"published {expected} triples to <{name}> but the store counts {found}"
            )
    if by_origin:
        return (
            f"published {sum(sent.values())} triples in {len(sent)} graphs by origin "
            f"at {redact_url(endpoint)}"
        )
    return f"published {sent[graph_iri]} triples to <{graph_iri}> at {redact_url(endpoint)}"
