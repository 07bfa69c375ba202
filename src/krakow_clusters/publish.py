"""Publish the dataset to an external SPARQL store with the Graph Store HTTP Protocol.

The whole dataset (ontology, schemes, data, links) goes into one named graph with a PUT, which
replaces the graph: publishing twice leaves one copy. With `by_origin`, each named graph of the
dataset (the graphs by origin: graph:article, graph:translations …) is PUT under its own IRI
instead, so that the store can answer GRAPH as /sparql does. The triples of each graph sent are
then counted through the store's SPARQL query endpoint and must equal the number sent.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit

from rdflib import URIRef

from .errors import CouldNotRun
from .project import BASE_IRI, Project
from .sparql.text import is_absolute_iri
from .store.embedded import EmbeddedStore
from .store.gsp import display_url, put_graph
from .store.remote import RemoteStore

DEFAULT_GRAPH = BASE_IRI + "dataset"
USER_VARIABLE = "KRAKOW_CLUSTERS_USER"
PASSWORD_VARIABLE = "KRAKOW_CLUSTERS_PASSWORD"

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?graph { ?s ?p ?o } }"


def derive_query_endpoint(store_url: str) -> str:
    """Oxigraph serves the Graph Store Protocol at /store and SPARQL queries at /query."""
    parts = urlsplit(store_url)
    if not parts.path.rstrip("/").endswith("/store"):
        raise CouldNotRun(
            f"cannot guess the SPARQL query endpoint of {display_url(store_url)}: "
            "give it with --query-endpoint"
        )
    path = parts.path.rstrip("/")[: -len("/store")] + "/query"
    return urlunsplit(parts._replace(path=path, query="", fragment=""))


def publish_dataset(
    project: Project,
    endpoint: str,
    graph_iri: str | None = None,
    query_endpoint: str | None = None,
    timeout: float = 60.0,
    by_origin: bool = False,
) -> str:
    """PUT the dataset into `graph_iri` at `endpoint` (with `by_origin`, each of its named graphs
    under its own IRI), check the counts; return a one-line report."""
    if by_origin and graph_iri:
        raise CouldNotRun("--graph and --by-origin exclude each other: choose one graph or all")
    graph_iri = graph_iri or DEFAULT_GRAPH
    if not is_absolute_iri(graph_iri):
        raise CouldNotRun(
            f"parameter graph: {graph_iri!r} is not an absolute IRI "
            "(one that starts with its scheme, such as https://…)"
        )
    if urlsplit(endpoint).scheme not in ("http", "https"):
        raise CouldNotRun(f"{endpoint!r} is not an http(s) URL")
    query_url = query_endpoint or derive_query_endpoint(endpoint)
    user = os.environ.get(USER_VARIABLE) or None
    password = os.environ.get(PASSWORD_VARIABLE)

    store = EmbeddedStore.from_files(project.dataset_files())
    graphs = store.graph_names() if by_origin else [graph_iri]
    sent: dict[str, int] = {}
    for name in graphs:
        data = store.dump("nt", name if by_origin else None)
        put_graph(endpoint, name, data, "application/n-triples", user, password, timeout)
        sent[name] = data.count(b"\n")

    remote = RemoteStore(query_url, timeout=timeout, user=user, password=password)
    for name, expected in sent.items():
        answer = remote.query(COUNT, {"graph": URIRef(name)})
        found = int(answer.rows[0][0]) if answer.rows and answer.rows[0][0] is not None else 0
        if found != expected:
            raise CouldNotRun(
                f"published {expected} triples to <{name}> but the store counts {found}"
            )
    if by_origin:
        return (
            f"published {sum(sent.values())} triples in {len(sent)} graphs by origin "
            f"at {display_url(endpoint)}"
        )
    return f"published {sent[graph_iri]} triples to <{graph_iri}> at {display_url(endpoint)}"
