"""Publish the dataset to an external SPARQL store with the Graph Store HTTP Protocol.

The whole dataset (ontology, schemes, data, links) goes into one named graph with a PUT, which
replaces the graph: publishing twice leaves one copy. The triples of that graph are then counted
through the store's SPARQL query endpoint and must equal the number sent.
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
    """The SPARQL query endpoint beside a known Graph Store Protocol endpoint: Oxigraph's /store
    answers queries at /query, Virtuoso's /sparql-graph-crud(-auth) at /sparql."""
    parts = urlsplit(store_url)
    path = parts.path.rstrip("/")
    for store, query in _QUERY_BESIDE_STORE:
        if path.endswith(store):
            path = path[: -len(store)] + query
            return urlunsplit(parts._replace(path=path, query="", fragment=""))
    raise CouldNotRun(
        f"cannot guess the SPARQL query endpoint of {display_url(store_url)}: "
        "give it with --query-endpoint"
    )


_QUERY_BESIDE_STORE = (
    ("/store", "/query"),
    ("/sparql-graph-crud-auth", "/sparql"),
    ("/sparql-graph-crud", "/sparql"),
)


def publish_dataset(
    project: Project,
    endpoint: str,
    graph_iri: str | None = None,
    query_endpoint: str | None = None,
    timeout: float = 60.0,
) -> str:
    """PUT the dataset into `graph_iri` at `endpoint`, check the count; return a one-line report."""
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
    expected = len(store)
    put_graph(
        endpoint, graph_iri, store.dump("nt"), "application/n-triples", user, password, timeout
    )

    remote = RemoteStore(query_url, timeout=timeout, user=user, password=password)
    answer = remote.query(COUNT, {"graph": URIRef(graph_iri)})
    found = int(answer.rows[0][0]) if answer.rows and answer.rows[0][0] is not None else 0
    if found != expected:
        raise CouldNotRun(
            f"published {expected} triples to <{graph_iri}> but the store counts {found}"
        )
    return f"published {expected} triples to <{graph_iri}> at {display_url(endpoint)}"
